"""Merging duplicate actors, deciding on claim links, and the editorial roles."""

import pytest
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.core.exceptions import ValidationError
from django.utils import timezone

from claims.models import Claim, ClaimLink, Statement, Story
from claims.services import (
    LinkSuggestion,
    actor_merge,
    claim_create,
    link_confirm,
    link_reject,
    link_update,
    links_decide,
    links_suggest,
    statement_record,
)
from core.roles import editorial_groups_sync
from sources.models import Actor, Source
from sources.selectors import actor_lookup
from tests import factories

TEXT = (
    "Prominent government member Diosdado Cabello tweeted that Mr Pérez had opened fire on police. "
    "Cabello said Mr Pérez was a terrorist. President Maduro declared him a terrorist."
)


@pytest.fixture
def report(db: None) -> Source:
    return factories.SourceFactory(title="Pilot Oscar Pérez in bloody siege", text=TEXT)


@pytest.fixture
def terrorist(story: Story) -> Claim:
    return factories.ClaimFactory(text="Oscar Pérez is a terrorist.", story=story)


@pytest.fixture
def government(db: None) -> Actor:
    return factories.ActorFactory(name="Venezuelan government", kind=Actor.Kind.GOVERNMENT_BODY)


@pytest.fixture
def cabello(government: Actor) -> Actor:
    """The record the desk keeps."""
    return factories.ActorFactory(name="Diosdado Cabello", aliases=["Cabello"], affiliation=government)


@pytest.fixture
def duplicate_cabello(db: None) -> Actor:
    """The same man, entered again by another researcher."""
    return factories.ActorFactory(
        name="Diosdado Cabello Rondón",
        aliases=["CABELLO", "Mr Cabello"],
        description="Prominent member of the Venezuelan government",
        wikidata_id="Q1225389",
    )


@pytest.fixture
def suggestion(opened_fire: Claim, terrorist: Claim) -> ClaimLink:
    return factories.suggested_link(
        from_claim=opened_fire,
        to_claim=terrorist,
        relation=ClaimLink.Relation.CORROBORATES,
        detector="nli-v1",
        score=0.62,
        rationale="Both portray Pérez as violent.",
    )


# Merging actors


def test_actor_merge_moves_aliases_without_duplicating_folded_forms(cabello: Actor, duplicate_cabello: Actor) -> None:
    actor_merge(target=cabello, merged=[duplicate_cabello])

    aliases = sorted(cabello.aliases.values_list("name", flat=True))
    assert aliases == ["Cabello", "Diosdado Cabello", "Diosdado Cabello Rondón", "Mr Cabello"]


def test_actor_merge_makes_every_old_name_find_the_kept_actor(cabello: Actor, duplicate_cabello: Actor) -> None:
    actor_merge(target=cabello, merged=[duplicate_cabello])

    for name in ("Diosdado Cabello Rondón", "mr cabello", "Cabello"):
        assert actor_lookup(name=name).actor == cabello


def test_actor_merge_deletes_the_merged_actors(cabello: Actor, duplicate_cabello: Actor) -> None:
    third = factories.ActorFactory(name="D. Cabello")

    actor_merge(target=cabello, merged=[duplicate_cabello, third])

    assert not Actor.objects.filter(pk__in=[duplicate_cabello.pk, third.pk]).exists()
    assert Actor.objects.filter(pk=cabello.pk).exists()


def test_actor_merge_moves_statements_and_loses_none(
    cabello: Actor, duplicate_cabello: Actor, report: Source, opened_fire: Claim, terrorist: Claim
) -> None:
    kept = statement_record(claim=opened_fire, speaker=cabello, source=report, quote="Mr Pérez had opened fire")
    moved = statement_record(
        claim=terrorist, speaker=duplicate_cabello, source=report, quote="Mr Pérez was a terrorist"
    )
    before = Statement.objects.count()

    actor_merge(target=cabello, merged=[duplicate_cabello])

    assert Statement.objects.count() == before
    assert set(cabello.statements.all()) == {kept, moved}


def test_actor_merge_collapses_the_same_attribution_recorded_for_both(
    cabello: Actor, duplicate_cabello: Actor, report: Source, opened_fire: Claim, terrorist: Claim
) -> None:
    kept = statement_record(claim=opened_fire, speaker=cabello, source=report, quote="Mr Pérez had opened fire")
    statement_record(claim=opened_fire, speaker=duplicate_cabello, source=report, quote="Mr Pérez had opened fire")
    other = statement_record(
        claim=terrorist, speaker=duplicate_cabello, source=report, quote="Mr Pérez was a terrorist"
    )
    before = Statement.objects.count()

    actor_merge(target=cabello, merged=[duplicate_cabello])

    assert Statement.objects.count() == before - 1
    assert set(cabello.statements.all()) == {kept, other}


def test_actor_merge_repoints_statements_relaying_a_collapsed_duplicate(
    cabello: Actor, duplicate_cabello: Actor, report: Source, opened_fire: Claim
) -> None:
    kept = statement_record(claim=opened_fire, speaker=cabello, source=report, quote="Mr Pérez had opened fire")
    duplicate = statement_record(
        claim=opened_fire, speaker=duplicate_cabello, source=report, quote="Mr Pérez had opened fire"
    )
    follow_up = factories.SourceFactory(title="Follow-up", text="Cabello repeated that Pérez opened fire.")
    relayed = statement_record(
        claim=opened_fire, speaker=cabello, source=follow_up, quote="Pérez opened fire", via_statement=duplicate
    )

    actor_merge(target=cabello, merged=[duplicate_cabello])

    relayed.refresh_from_db()
    assert relayed.via_statement == kept


def test_actor_merge_moves_what_claims_are_about(
    cabello: Actor, duplicate_cabello: Actor, story: Story, opened_fire: Claim
) -> None:
    claim = claim_create(text="Cabello accused Pérez of opening fire.", story=story, about=[duplicate_cabello])
    both = claim_create(text="Cabello spoke for the government.", story=story, about=[cabello, duplicate_cabello])

    actor_merge(target=cabello, merged=[duplicate_cabello])

    assert list(claim.about.all()) == [cabello]
    assert list(both.about.all()) == [cabello]


def test_actor_merge_moves_affiliated_actors(cabello: Actor, duplicate_cabello: Actor) -> None:
    aide = factories.ActorFactory(name="Cabello's spokesperson", affiliation=duplicate_cabello)

    actor_merge(target=cabello, merged=[duplicate_cabello])

    aide.refresh_from_db()
    assert aide.affiliation == cabello


def test_actor_merge_drops_an_affiliation_to_a_merged_actor(duplicate_cabello: Actor) -> None:
    target = factories.ActorFactory(name="Diosdado Cabello", affiliation=duplicate_cabello)

    actor_merge(target=target, merged=[duplicate_cabello])

    target.refresh_from_db()
    assert target.affiliation is None


def test_actor_merge_keeps_the_targets_own_affiliation(
    cabello: Actor, duplicate_cabello: Actor, government: Actor
) -> None:
    actor_merge(target=cabello, merged=[duplicate_cabello])

    cabello.refresh_from_db()
    assert cabello.affiliation == government


def test_actor_merge_carries_over_wikidata_id_and_description(cabello: Actor, duplicate_cabello: Actor) -> None:
    actor_merge(target=cabello, merged=[duplicate_cabello])

    cabello.refresh_from_db()
    assert cabello.wikidata_id == "Q1225389"
    assert cabello.description == "Prominent member of the Venezuelan government"


def test_actor_merge_keeps_the_targets_own_wikidata_id(duplicate_cabello: Actor) -> None:
    target = factories.ActorFactory(name="Diosdado Cabello", wikidata_id="Q42")

    actor_merge(target=target, merged=[duplicate_cabello])

    target.refresh_from_db()
    assert target.wikidata_id == "Q42"


def test_actor_merge_into_itself_refused(cabello: Actor) -> None:
    with pytest.raises(ValidationError, match="other than the one kept"):
        actor_merge(target=cabello, merged=[cabello])

    assert Actor.objects.filter(pk=cabello.pk).exists()


def test_actor_merge_with_nothing_to_merge_refused(cabello: Actor) -> None:
    with pytest.raises(ValidationError, match="other than the one kept"):
        actor_merge(target=cabello, merged=[])


# Deciding on links


def test_link_suggest_leaves_a_detector_suggestion_for_review(suggestion: ClaimLink) -> None:
    suggestion.refresh_from_db()

    assert suggestion.status == ClaimLink.Status.SUGGESTED
    assert suggestion.origin == ClaimLink.Origin.DETECTOR
    assert suggestion.detector == "nli-v1"
    assert suggestion.score == pytest.approx(0.62)
    assert (suggestion.decided_by, suggestion.decided_at) == (None, None)


def test_link_confirm_records_who_decided_and_when(suggestion: ClaimLink, reviewer: AbstractBaseUser) -> None:
    before = timezone.now()

    link_confirm(link=suggestion, by=reviewer)

    suggestion.refresh_from_db()
    assert suggestion.status == ClaimLink.Status.CONFIRMED
    assert suggestion.decided_by == reviewer
    assert before <= suggestion.decided_at <= timezone.now()


def test_link_reject_keeps_the_link_stored_as_rejected(suggestion: ClaimLink, reviewer: AbstractBaseUser) -> None:
    link_reject(link=suggestion, by=reviewer)

    suggestion.refresh_from_db()
    assert suggestion.status == ClaimLink.Status.REJECTED
    assert suggestion.decided_by == reviewer
    assert suggestion.decided_at is not None


def test_link_rejected_is_not_suggested_again(suggestion: ClaimLink, reviewer: AbstractBaseUser) -> None:
    link_reject(link=suggestion, by=reviewer)

    added = links_suggest(
        suggestions=[
            LinkSuggestion(
                from_claim_id=suggestion.to_claim_id,
                to_claim_id=suggestion.from_claim_id,
                relation=ClaimLink.Relation.CORROBORATES,
                score=0.71,
                rationale="Both portray Pérez as violent.",
            )
        ],
        detector="nli-v2",
    )

    assert added == 0
    assert list(ClaimLink.objects.values_list("status", flat=True)) == [ClaimLink.Status.REJECTED]


def test_link_confirmed_twice_keeps_the_first_decision(
    suggestion: ClaimLink, reviewer: AbstractBaseUser, editor: AbstractBaseUser
) -> None:
    first = link_confirm(link=suggestion, by=reviewer)

    second = link_confirm(link=suggestion, by=editor)

    assert (second.status, second.decided_by, second.decided_at) == (
        ClaimLink.Status.CONFIRMED,
        reviewer,
        first.decided_at,
    )


def test_link_rejected_after_confirmation_records_the_new_decision(
    suggestion: ClaimLink, reviewer: AbstractBaseUser, editor: AbstractBaseUser
) -> None:
    link_confirm(link=suggestion, by=reviewer)

    link_reject(link=suggestion, by=editor)

    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decided_by) == (ClaimLink.Status.REJECTED, editor)


def test_links_decide_confirms_every_link_and_counts_them(
    suggestion: ClaimLink, opened_fire: Claim, story: Story, reviewer: AbstractBaseUser
) -> None:
    surrender = factories.ClaimFactory(text="Oscar Pérez offered to surrender.", story=story)
    other = factories.suggested_link(
        from_claim=opened_fire,
        to_claim=surrender,
        relation=ClaimLink.Relation.CONTRADICTS,
        detector="nli-v1",
        score=0.91,
        rationale="Aggressor or surrendering.",
    )

    changed = links_decide(links=ClaimLink.objects.all(), status=ClaimLink.Status.CONFIRMED, by=reviewer)

    assert changed == 2
    assert set(ClaimLink.objects.values_list("pk", "status", "decided_by")) == {
        (suggestion.pk, ClaimLink.Status.CONFIRMED, reviewer.pk),
        (other.pk, ClaimLink.Status.CONFIRMED, reviewer.pk),
    }


def test_links_decide_twice_changes_nothing_the_second_time(
    suggestion: ClaimLink, reviewer: AbstractBaseUser, editor: AbstractBaseUser
) -> None:
    links_decide(links=ClaimLink.objects.all(), status=ClaimLink.Status.REJECTED, by=reviewer)

    changed = links_decide(links=ClaimLink.objects.all(), status=ClaimLink.Status.REJECTED, by=editor)

    suggestion.refresh_from_db()
    assert changed == 0
    assert (suggestion.status, suggestion.decided_by) == (ClaimLink.Status.REJECTED, reviewer)


def test_links_decide_counts_only_links_it_changed(
    suggestion: ClaimLink, reviewer: AbstractBaseUser, editor: AbstractBaseUser
) -> None:
    # The editor's page was loaded before the reviewer confirmed the link: the
    # editor's confirmation changes nothing and must not be reported as a change.
    stale_page = list(ClaimLink.objects.all())
    link_confirm(link=suggestion, by=reviewer)

    changed = links_decide(links=stale_page, status=ClaimLink.Status.CONFIRMED, by=editor)

    suggestion.refresh_from_db()
    assert suggestion.decided_by == reviewer
    assert changed == 0


# Editorial roles


def test_editorial_groups_sync_creates_the_three_roles(db: None) -> None:
    groups = editorial_groups_sync()

    assert set(groups) == {"editor", "reviewer", "researcher"}
    assert set(Group.objects.values_list("name", flat=True)) == {"editor", "reviewer", "researcher"}


def test_editor_may_delete_claims_and_sources(editor: AbstractBaseUser) -> None:
    assert editor.has_perm("claims.delete_claim")
    assert editor.has_perm("sources.delete_source")
    assert editor.has_perm("claims.change_claimlink")


def test_reviewer_may_change_claim_links_but_not_delete_claims(reviewer: AbstractBaseUser) -> None:
    assert reviewer.has_perm("claims.change_claimlink")
    assert reviewer.has_perm("claims.view_statement")
    assert not reviewer.has_perm("claims.delete_claim")
    assert not reviewer.has_perm("claims.add_statement")


def test_researcher_may_add_statements_but_not_delete_claims_or_change_links(researcher: AbstractBaseUser) -> None:
    assert researcher.has_perm("claims.add_statement")
    assert researcher.has_perm("sources.add_source")
    assert not researcher.has_perm("claims.delete_claim")
    assert not researcher.has_perm("claims.change_claimlink")


def test_person_without_a_role_may_do_nothing(outsider: AbstractBaseUser) -> None:
    assert not outsider.has_perm("claims.view_claim")


def test_editorial_groups_sync_twice_changes_nothing(db: None) -> None:
    editorial_groups_sync()
    before = {group.name: set(group.permissions.values_list("codename", flat=True)) for group in Group.objects.all()}

    editorial_groups_sync()

    after = {group.name: set(group.permissions.values_list("codename", flat=True)) for group in Group.objects.all()}
    assert after == before
    assert Group.objects.count() == 3


def test_editorial_groups_sync_restores_a_permission_removed_by_hand(db: None) -> None:
    groups = editorial_groups_sync()
    groups["reviewer"].permissions.remove(Permission.objects.get(codename="change_claimlink"))

    editorial_groups_sync()

    assert groups["reviewer"].permissions.filter(codename="change_claimlink").exists()


@pytest.mark.django_db
def test_an_edit_from_an_old_copy_keeps_what_others_changed_since(reviewer) -> None:  # type: ignore[no-untyped-def]
    link = factories.suggested_link(
        from_claim=factories.ClaimFactory(),
        to_claim=factories.ClaimFactory(),
        relation="contradicts",
        detector="features-1",
        score=0.8,
        rationale="numbers differ",
    )
    opened_before_the_decision = ClaimLink.objects.get(pk=link.pk)
    link_confirm(link=link, by=reviewer)

    link_update(link=opened_before_the_decision, rationale="numbers differ: two officers vs three")

    stored = ClaimLink.objects.get(pk=link.pk)
    assert stored.rationale == "numbers differ: two officers vs three"
    assert stored.status == ClaimLink.Status.CONFIRMED, "the reviewer's decision is not undone"
    assert stored.decided_by == reviewer
