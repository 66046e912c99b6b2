"""The support assessment: what counts for and against a claim, which sources are independent, and when it runs."""

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Claim, ClaimLink, Evidence, ReviewStatus, Stance, Statement, Story, SupportLevel
from claims.seed import seed_load
from claims.services import (
    actor_merge,
    claim_update,
    claims_delete,
    evidence_add,
    evidence_update,
    link_draw,
    link_update,
    links_decide,
    statement_record,
    statement_update,
    suggestions_accept,
    suggestions_discard,
)
from claims.support.services import claim_support_assess
from claims.tasks import assess_claims_support
from sources.models import Actor, Outlet, Source
from sources.services import outlet_update, source_relay_add
from tests import factories

pytestmark = pytest.mark.django_db

EL_JUNQUITO = settings.BASE_DIR / "fixtures" / "el-junquito"
OPENED_FIRE = "Oscar Pérez opened fire on police at El Junquito."
ARRESTED_FIVE = "The authorities arrested five people in the El Junquito operation."

# What an editor sees in the claim list once the seed story is loaded, and why it is sensible.
SEED_LEVELS = {
    # Officials, first-hand, in a BBC report rated 4/5: supported, by that one source only.
    "Two police officers and several people described by officials as terrorists were killed": "supported",
    "Venezuelan security forces surrounded a house in El Junquito": "supported",
    ARRESTED_FIVE: "supported",
    # The authorities "accuse" the five: an accusation counts half.
    "The five people arrested in the El Junquito operation are part of a criminal group": "weak",
    # Cabello against Pérez, each second-hand, the two accounts confirmed as contradicting each other.
    OPENED_FIRE: "contested",
    "Oscar Pérez and those with him offered to surrender": "contested",
    "Security forces fired rocket-propelled grenades at Oscar Pérez's group": "contested",
    # Pérez alone, relayed from his Instagram video.
    "The security forces at El Junquito were initially trying to kill Oscar Pérez": "weak",
    "There were civilians inside the house in El Junquito": "weak",
    "The people in the house with Oscar Pérez were forced to crouch down": "weak",
    "Oscar Pérez was negotiating with the security forces": "weak",
    "The people of Venezuela should not lose hope": "weak",
    # The BBC's own reporting, corroborated by Maduro's accusations (and the other way round).
    "On 27 June 2017 Oscar Pérez used a stolen helicopter": "supported",
    "In 2017 Oscar Pérez launched a helicopter attack on the Venezuelan Supreme Court": "supported",
    "Oscar Pérez stole a military helicopter": "supported",
    "Oscar Pérez dropped grenades on the Venezuelan Supreme Court in order to mount a coup": "supported",
    # One first-hand source each.
    "Oscar Pérez will keep up his attacks on the Venezuelan government": "supported",
    "Oscar Pérez is a terrorist": "supported",
    "Oscar Pérez is a highly trained police agent": "supported",
    "Oscar Pérez belongs to the Special Actions Brigade (BAE)": "supported",
    "The CIA is trying to overthrow the Venezuelan government": "supported",
    # The government's and Pérez's claims of ties, against the BBC's "no confirmed links".
    "Oscar Pérez has ties to the United States, specifically the CIA": "contested",
    "Oscar Pérez has no confirmed links with any international or domestic group": "contested",
    "Oscar Pérez is part of an anti-government coalition": "contested",
}


@contextmanager
def _committed(capture: Callable[..., AbstractContextManager[list[Callable[[], None]]]]) -> Iterator[None]:
    with capture(execute=True):
        yield


@pytest.fixture
def committed(
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[list[Callable[[], None]]]],
) -> Callable[[], AbstractContextManager[None]]:
    """Writes inside `with committed():` are committed at its end, and the jobs they queued run then."""
    return lambda: _committed(django_capture_on_commit_callbacks)


@pytest.fixture
def junquito(committed: Callable[[], AbstractContextManager[None]]) -> dict[str, Claim]:
    """The seed story as `make demo` loads it, with the jobs its loading queues run."""
    with committed():
        seed_load(EL_JUNQUITO)
    return {claim.text: claim for claim in Claim.objects.filter(story__slug="el-junquito-siege")}


def outlet(reliability: int | None = None, **fields: Any) -> Outlet:
    outlet: Outlet = factories.OutletFactory(reliability=reliability, **fields)
    return outlet


def actor(name: str, **fields: Any) -> Actor:
    speaker: Actor = factories.ActorFactory(name=name, **fields)
    return speaker


def said(claim: Claim, speaker: Actor, publisher: Outlet, **fields: Any) -> Statement:
    """`speaker` stated `claim` in a new article by `publisher` (asserted, first-hand, "said", unless told)."""
    statement: Statement = factories.StatementFactory(
        claim=claim, speaker=speaker, source=factories.SourceFactory(outlet=publisher), **fields
    )
    return statement


def document(publisher: Outlet | None, **fields: Any) -> Source:
    source: Source = factories.SourceFactory(outlet=publisher, **fields)
    return source


def assessed(claim: Claim) -> Claim:
    claim_support_assess(claim_id=claim.pk)
    claim.refresh_from_db()
    return claim


def summary(claim: Claim) -> str:
    return str(claim.support_explanation["summary"])


def reasons(claim: Claim) -> str:
    return "\n".join(claim.support_explanation["reasons"])


@pytest.fixture
def claim(story: Story) -> Claim:
    bridge: Claim = factories.ClaimFactory(text="The new bridge will open in March.", story=story)
    return bridge


@pytest.fixture
def other_claim(story: Story) -> Claim:
    delay: Claim = factories.ClaimFactory(text="The new bridge will not open before the summer.", story=story)
    return delay


@pytest.fixture
def gazette() -> Outlet:
    return outlet(4, name="Council Gazette", kind=Outlet.Kind.GOVERNMENT)


@pytest.fixture
def mayor() -> Actor:
    return actor("Ana Ruiz")


@pytest.fixture
def treasurer() -> Actor:
    return actor("Tomás Vidal")


# ------------------------------------------------------------------------------------------- the seed story


def test_seed_opened_fire_is_contested_between_cabello_and_perez(junquito: dict[str, Claim]) -> None:
    opened_fire = junquito[OPENED_FIRE]

    assert opened_fire.support_level == SupportLevel.CONTESTED
    text = summary(opened_fire)
    assert text.startswith("Contested: asserted by Diosdado Cabello (official), second-hand via “Diosdado Cabello's")
    assert "contradicted by confirmed links to “Security forces fired rocket-propelled grenades" in text
    assert text.endswith("asserted by Oscar Pérez.")


def test_seed_arrests_are_supported_by_a_single_official_source(junquito: dict[str, Claim]) -> None:
    arrested = junquito[ARRESTED_FIVE]

    assert arrested.support_level == SupportLevel.SUPPORTED
    assert summary(arrested) == (
        "Supported by one independent source only: asserted by Venezuelan authorities (official), first-hand, "
        "reported by BBC News (reliability 4/5)."
    )


def test_every_seed_claim_has_the_level_an_editor_expects(junquito: dict[str, Claim]) -> None:
    levels = {
        next(start for start in SEED_LEVELS if text.startswith(start.rstrip("."))): claim.support_level
        for text, claim in junquito.items()
    }

    assert levels == SEED_LEVELS
    assert all(claim.support_assessed_at is not None for claim in junquito.values())


def test_seed_perez_repeating_himself_counts_once(junquito: dict[str, Claim]) -> None:
    surrender = junquito["Oscar Pérez and those with him offered to surrender during the El Junquito siege."]

    assert surrender.support_explanation["weight_for"] == pytest.approx(0.4)
    assert "Counted once, as the same source (Oscar Pérez): Oscar Pérez again (“We said we’d turn" in reasons(surrender)


def test_seed_claims_show_their_support_in_the_admin(editor_client: Client, junquito: dict[str, Claim]) -> None:
    arrested = junquito[ARRESTED_FIVE]

    page = editor_client.get(reverse("admin:claims_claim_change", args=[arrested.pk])).content.decode()
    review = editor_client.get(reverse("admin:claims_claim_review", args=[arrested.pk])).content.decode()

    assert "<b>Supported</b> (score 0.44)" in page
    assert "asserted by Venezuelan authorities (official), first-hand" in page
    assert "Supported by one independent source only" in review


# -------------------------------------------------------------------------------------------- independence


def test_outlets_with_one_owner_count_once(claim: Claim) -> None:
    group = outlet(4, name="Northern Media Group")
    for name in ("Northern Echo", "Northern Star"):
        evidence_add(claim=claim, source=document(outlet(4, name=name, owner=group)), effect="supports")

    claim = assessed(claim)

    assert claim.support_level == SupportLevel.SUPPORTED
    assert summary(claim).startswith("Supported by one independent source only: supported by moderate evidence")
    assert "Counted once, as the same source (Northern Media Group)" in reasons(claim)


def test_outlets_with_different_owners_count_twice(claim: Claim) -> None:
    for name in ("Northern Echo", "Southern Star"):
        evidence_add(claim=claim, source=document(outlet(4, name=name)), effect="supports")

    claim = assessed(claim)

    assert claim.support_level == SupportLevel.WELL_SUPPORTED
    assert summary(claim).startswith("Well supported by two independent sources")


def test_a_copy_of_a_wire_story_counts_as_the_story(claim: Claim) -> None:
    wire = outlet(4, name="Andes Press Agency", kind=Outlet.Kind.WIRE_AGENCY)
    story = document(wire, title="Bridge to open in March, council says")
    copy = document(outlet(4, name="Valley Times"), title="Bridge opens in March")
    source_relay_add(source=copy, original=story)
    evidence_add(claim=claim, source=story, effect="supports")
    evidence_add(claim=claim, source=copy, effect="supports")

    claim = assessed(claim)

    assert claim.support_level == SupportLevel.SUPPORTED
    assert summary(claim).startswith("Supported by one independent source only")
    assert "a copy of the same wire story" in reasons(claim)


def test_affiliated_speakers_count_once(claim: Claim, gazette: Outlet) -> None:
    council = actor("City council", kind=Actor.Kind.GOVERNMENT_BODY)
    said(claim, actor("Ana Ruiz", affiliation=council), gazette)
    said(claim, actor("Luis Soto", affiliation=council), outlet(4))

    claim = assessed(claim)

    assert claim.support_level == SupportLevel.SUPPORTED
    assert summary(claim).startswith(
        "Supported by one independent source only: asserted by Ana Ruiz and Luis Soto "
        "(official, affiliated, all City council, so one source)"
    )


def test_unaffiliated_speakers_count_as_two_sources(claim: Claim, gazette: Outlet, mayor: Actor) -> None:
    said(claim, mayor, gazette)
    said(claim, actor("Luis Soto"), outlet(4))

    assert assessed(claim).support_level == SupportLevel.WELL_SUPPORTED


def test_a_speaker_repeating_a_claim_is_not_new_evidence(claim: Claim, gazette: Outlet, mayor: Actor) -> None:
    for _ in range(3):
        said(claim, mayor, outlet(4))

    claim = assessed(claim)

    assert claim.support_level == SupportLevel.SUPPORTED
    assert claim.support_explanation["weight_for"] == pytest.approx(0.8)
    assert reasons(claim).count("Ana Ruiz again") == 2


def test_second_hand_counts_less_than_first_hand(story: Story, gazette: Outlet, mayor: Actor) -> None:
    first_hand, second_hand = factories.ClaimFactory(story=story), factories.ClaimFactory(story=story)
    said(first_hand, mayor, gazette)
    said(second_hand, mayor, gazette, via_source=document(None, kind=Source.Kind.SOCIAL_POST, title="Ruiz's post"))

    first_hand, second_hand = assessed(first_hand), assessed(second_hand)

    assert first_hand.support_level == SupportLevel.SUPPORTED
    assert second_hand.support_level == SupportLevel.WEAK
    assert second_hand.support_score < first_hand.support_score
    assert "second-hand via “Ruiz's post”" in summary(second_hand)


# ------------------------------------------------------------------------- stances, evidence, reliability


def test_only_accepted_statements_count(claim: Claim, gazette: Outlet, mayor: Actor) -> None:
    said(claim, mayor, gazette, review_status=ReviewStatus.SUGGESTED)

    claim = assessed(claim)

    assert claim.support_level == SupportLevel.UNSUPPORTED
    assert "Not counted: one suggested statement, until an editor accepts it." in reasons(claim)


def test_a_denial_counts_against_and_a_question_is_only_mentioned(
    claim: Claim, gazette: Outlet, mayor: Actor, treasurer: Actor
) -> None:
    said(claim, mayor, gazette)
    said(claim, actor("Opposition councillor"), outlet(4), stance=Stance.QUESTIONS)

    assert assessed(claim).support_level == SupportLevel.SUPPORTED
    assert "Questioned by Opposition councillor: a question counts neither for nor against." in reasons(claim)

    said(claim, treasurer, outlet(4), stance=Stance.DENIES)

    claim = assessed(claim)
    assert claim.support_level == SupportLevel.CONTESTED
    assert "denied by Tomás Vidal, first-hand" in summary(claim)


def test_an_accusation_counts_half(claim: Claim, gazette: Outlet, mayor: Actor) -> None:
    said(claim, mayor, gazette, cue="accused")

    claim = assessed(claim)

    assert claim.support_level == SupportLevel.WEAK
    assert "as an accusation (“accused”)" in summary(claim)


@pytest.mark.parametrize(
    ("reliability", "strength", "level"),
    [
        (5, Evidence.Strength.MODERATE, SupportLevel.SUPPORTED),
        (2, Evidence.Strength.MODERATE, SupportLevel.WEAK),
        (2, Evidence.Strength.STRONG, SupportLevel.WEAK),
        (4, Evidence.Strength.STRONG, SupportLevel.SUPPORTED),
        (4, Evidence.Strength.WEAK, SupportLevel.WEAK),
        (None, Evidence.Strength.MODERATE, SupportLevel.WEAK),
    ],
)
def test_evidence_weighs_its_strength_and_its_outlets_reliability(
    claim: Claim, reliability: int | None, strength: int, level: str
) -> None:
    evidence_add(claim=claim, source=document(outlet(reliability)), effect="supports", strength=strength)

    assert assessed(claim).support_level == level


def test_refuting_evidence_contests_a_claim(claim: Claim, gazette: Outlet, mayor: Actor) -> None:
    said(claim, mayor, gazette)
    evidence_add(
        claim=claim, source=document(outlet(5, name="Engineers' Review"), title="Bridge inspection"), effect="refutes"
    )

    claim = assessed(claim)

    assert claim.support_level == SupportLevel.CONTESTED
    assert "refuted by moderate evidence in “Bridge inspection” (published by Engineers' Review (reliability 5/5))" in (
        summary(claim)
    )


# ------------------------------------------------------------------------------------------------- links


def test_a_confirmed_contradiction_contests_both_claims(
    claim: Claim, other_claim: Claim, gazette: Outlet, mayor: Actor, treasurer: Actor
) -> None:
    said(claim, mayor, gazette)
    said(other_claim, treasurer, outlet(4, name="Valley Times"))
    link_draw(from_claim=claim, to_claim=other_claim, relation=ClaimLink.Relation.CONTRADICTS)

    claim, other_claim = assessed(claim), assessed(other_claim)

    assert (claim.support_level, other_claim.support_level) == (SupportLevel.CONTESTED, SupportLevel.CONTESTED)
    assert summary(claim) == (
        "Contested: asserted by Ana Ruiz, first-hand, reported by Council Gazette (reliability 4/5); contradicted "
        "by a confirmed link to “The new bridge will not open before the summer”, asserted by Tomás Vidal."
    )


def test_a_suggested_contradiction_does_not_count(
    claim: Claim, other_claim: Claim, gazette: Outlet, mayor: Actor, treasurer: Actor
) -> None:
    said(claim, mayor, gazette)
    said(other_claim, treasurer, outlet(4))
    factories.suggested_link(
        from_claim=claim, to_claim=other_claim, relation="contradicts", detector="test/1", score=0.9, rationale="r"
    )

    claim = assessed(claim)

    assert claim.support_level == SupportLevel.SUPPORTED
    assert "a suggested link to “The new bridge will not open before the summer” (contradicts)" in reasons(claim)


def test_a_contradiction_by_a_claim_without_support_does_not_count(
    claim: Claim, other_claim: Claim, gazette: Outlet, mayor: Actor
) -> None:
    said(claim, mayor, gazette)
    link_draw(from_claim=claim, to_claim=other_claim, relation=ClaimLink.Relation.CONTRADICTS)

    claim = assessed(claim)

    assert claim.support_level == SupportLevel.SUPPORTED
    assert "which has no support of its own" in reasons(claim)


def test_a_contradiction_reaches_one_hop_only(
    story: Story, claim: Claim, other_claim: Claim, gazette: Outlet, mayor: Actor, treasurer: Actor
) -> None:
    third = factories.ClaimFactory(story=story, text="The bridge budget was approved.")
    said(claim, mayor, gazette)
    said(third, treasurer, outlet(4))
    # The claim is contradicted by one that has no support of its own, only a contradiction of a third.
    link_draw(from_claim=claim, to_claim=other_claim, relation=ClaimLink.Relation.CONTRADICTS)
    link_draw(from_claim=other_claim, to_claim=third, relation=ClaimLink.Relation.CONTRADICTS)

    assert assessed(claim).support_level == SupportLevel.SUPPORTED


@pytest.mark.parametrize(
    ("relation", "level"),
    [
        (ClaimLink.Relation.DUPLICATES, SupportLevel.WELL_SUPPORTED),
        (ClaimLink.Relation.CORROBORATES, SupportLevel.SUPPORTED),
        (ClaimLink.Relation.REFINES, SupportLevel.SUPPORTED),
    ],
)
def test_confirmed_duplicates_and_corroborations_count_for(
    claim: Claim, other_claim: Claim, gazette: Outlet, mayor: Actor, treasurer: Actor, relation: str, level: str
) -> None:
    said(claim, mayor, gazette)
    said(other_claim, treasurer, outlet(4))
    link_draw(from_claim=claim, to_claim=other_claim, relation=relation)

    claim = assessed(claim)

    assert claim.support_level == level
    weight = {"duplicates": 1.6, "corroborates": 1.2, "refines": 0.8}[relation]
    assert claim.support_explanation["weight_for"] == pytest.approx(weight)


# ------------------------------------------------------------------------------- the job and its queueing


def test_assessing_twice_changes_nothing(claim: Claim, gazette: Outlet, mayor: Actor) -> None:
    said(claim, mayor, gazette)
    first = assessed(claim)
    level, score, explanation, at = (
        first.support_level,
        first.support_score,
        first.support_explanation,
        first.support_assessed_at,
    )

    again = assessed(claim)

    assert (again.support_level, again.support_score, again.support_explanation) == (level, score, explanation)
    assert again.support_assessed_at == at


def test_assessing_leaves_the_editors_version_alone(claim: Claim, gazette: Outlet, mayor: Actor) -> None:
    opened_at = claim.version
    said(claim, mayor, gazette)

    assessed(claim)

    assert claim.version == opened_at
    # An editor who opened the claim before the job ran still saves without a conflict.
    claim_update(claim=claim, text="The new bridge will open in early March.", expected_version=opened_at)


def test_a_deleted_claim_is_skipped_and_the_rest_are_assessed(
    claim: Claim, other_claim: Claim, mayor: Actor, gazette: Outlet, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="claims.support")
    said(other_claim, mayor, gazette)
    gone = claim.pk
    claims_delete(claims=[claim])

    result = assess_claims_support.delay([gone, other_claim.pk])

    assert result.get() == {str(gone): None, str(other_claim.pk): SupportLevel.SUPPORTED}
    assert f"Claim {gone} no longer exists" in caplog.text


def test_a_transient_database_error_is_retried_with_backoff(claim: Claim) -> None:
    assess_claims_support.push_request(retries=2, is_eager=False)
    try:
        with (
            mock.patch("claims.tasks.claim_support_assess", side_effect=OperationalError("server closed")),
            mock.patch.object(assess_claims_support, "retry", side_effect=Retry) as retry,
            pytest.raises(Retry),
        ):
            assess_claims_support.run([claim.pk])
    finally:
        assess_claims_support.pop_request()

    assert retry.call_args.kwargs["countdown"] == 40


def test_reading_takes_as_many_queries_for_a_busy_claim_as_for_a_quiet_one(
    story: Story, gazette: Outlet, mayor: Actor, treasurer: Actor
) -> None:
    quiet, busy = factories.ClaimFactory(story=story), factories.ClaimFactory(story=story)
    government = actor("Government", kind=Actor.Kind.GOVERNMENT_BODY)
    said(quiet, mayor, gazette)
    evidence_add(claim=quiet, source=document(gazette), effect="supports")
    link_draw(from_claim=quiet, to_claim=factories.StatementFactory().claim, relation="contradicts")
    group = outlet(3)
    for number in range(5):
        said(busy, actor(f"Official {number}", affiliation=government), outlet(4, owner=group), stance="asserts")
        evidence_add(claim=busy, source=document(outlet(2, owner=group)), effect="refutes")
        link_draw(from_claim=busy, to_claim=factories.StatementFactory().claim, relation="corroborates")
    said(busy, treasurer, outlet(5), stance=Stance.DENIES, via_source=document(None))

    with CaptureQueriesContext(connection) as for_quiet:
        claim_support_assess(claim_id=quiet.pk)
    with CaptureQueriesContext(connection) as for_busy:
        claim_support_assess(claim_id=busy.pk)

    assert len(for_busy) == len(for_quiet) <= 10


def _run_and_see(
    committed: Callable[[], AbstractContextManager[None]], claim: Claim, change: Callable[[], object]
) -> tuple[str, str]:
    """The claim's level just before the change commits, and once the jobs it queued have run."""
    with committed():
        change()
        before = Claim.objects.get(pk=claim.pk).support_level
    return before, Claim.objects.get(pk=claim.pk).support_level


def test_recording_a_statement_queues_the_job_after_commit(
    committed: Callable[[], AbstractContextManager[None]], claim: Claim, gazette: Outlet, mayor: Actor
) -> None:
    source = document(gazette)

    before, after = _run_and_see(
        committed,
        claim,
        lambda: statement_record(claim=claim, speaker=mayor, source=source, quote="the new bridge would open in March"),
    )

    assert (before, after) == (SupportLevel.UNSUPPORTED, SupportLevel.SUPPORTED)


def test_updating_a_statement_reassesses_its_claim(
    committed: Callable[[], AbstractContextManager[None]], claim: Claim, gazette: Outlet, mayor: Actor
) -> None:
    with committed():
        statement = said(claim, mayor, gazette)

    before, after = _run_and_see(committed, claim, lambda: statement_update(statement=statement, stance="denies"))

    assert (before, after) == (SupportLevel.SUPPORTED, SupportLevel.UNSUPPORTED)
    assert summary(Claim.objects.get(pk=claim.pk)).startswith("Unsupported: nothing recorded counts for it; denied by")


def test_moving_a_statement_reassesses_both_claims(
    committed: Callable[[], AbstractContextManager[None]],
    claim: Claim,
    other_claim: Claim,
    gazette: Outlet,
    mayor: Actor,
) -> None:
    with committed():
        statement = said(claim, mayor, gazette)

    with committed():
        statement_update(statement=statement, claim=other_claim)

    assert Claim.objects.get(pk=claim.pk).support_level == SupportLevel.UNSUPPORTED
    assert Claim.objects.get(pk=other_claim.pk).support_level == SupportLevel.SUPPORTED


def test_accepting_a_suggestion_reassesses_its_claim(
    committed: Callable[[], AbstractContextManager[None]], claim: Claim, gazette: Outlet, mayor: Actor
) -> None:
    with committed():
        suggestion = said(claim, mayor, gazette, review_status=ReviewStatus.SUGGESTED)

    before, after = _run_and_see(committed, claim, lambda: suggestions_accept(statements=[suggestion]))

    assert (before, after) == (SupportLevel.UNSUPPORTED, SupportLevel.SUPPORTED)


def test_discarding_a_suggestion_reassesses_its_claim(
    committed: Callable[[], AbstractContextManager[None]], claim: Claim, gazette: Outlet, mayor: Actor
) -> None:
    with committed():
        said(claim, mayor, gazette)
        suggestion = said(claim, actor("Luis Soto"), gazette, review_status=ReviewStatus.SUGGESTED)
    assert "suggested statement" in reasons(Claim.objects.get(pk=claim.pk))

    with committed():
        suggestions_discard(statements=[suggestion])

    assert "suggested statement" not in reasons(Claim.objects.get(pk=claim.pk))


def test_merging_actors_reassesses_what_they_said(
    committed: Callable[[], AbstractContextManager[None]], claim: Claim, gazette: Outlet
) -> None:
    perez, perez_again = actor("Oscar Pérez"), actor("Oscar Perez")
    with committed():
        said(claim, perez, gazette)
        said(claim, perez_again, outlet(4))
    assert Claim.objects.get(pk=claim.pk).support_level == SupportLevel.WELL_SUPPORTED

    before, after = _run_and_see(committed, claim, lambda: actor_merge(target=perez, merged=[perez_again]))

    assert (before, after) == (SupportLevel.WELL_SUPPORTED, SupportLevel.SUPPORTED)


def test_adding_and_changing_evidence_reassesses_its_claim(
    committed: Callable[[], AbstractContextManager[None]], claim: Claim, gazette: Outlet
) -> None:
    source = document(gazette)
    added = []

    before, after = _run_and_see(
        committed, claim, lambda: added.append(evidence_add(claim=claim, source=source, effect="supports"))
    )
    assert (before, after) == (SupportLevel.UNSUPPORTED, SupportLevel.SUPPORTED)

    before, after = _run_and_see(committed, claim, lambda: evidence_update(evidence=added[0], effect="refutes"))
    assert (before, after) == (SupportLevel.SUPPORTED, SupportLevel.UNSUPPORTED)


def test_drawing_a_link_reassesses_both_claims(
    committed: Callable[[], AbstractContextManager[None]],
    claim: Claim,
    other_claim: Claim,
    gazette: Outlet,
    mayor: Actor,
    treasurer: Actor,
) -> None:
    with committed():
        said(claim, mayor, gazette)
        said(other_claim, treasurer, outlet(4))

    with committed():
        link_draw(from_claim=claim, to_claim=other_claim, relation="contradicts")

    levels = set(Claim.objects.filter(pk__in=[claim.pk, other_claim.pk]).values_list("support_level", flat=True))
    assert levels == {SupportLevel.CONTESTED}


def test_confirming_rejecting_and_changing_a_link_reassess_its_claims(
    committed: Callable[[], AbstractContextManager[None]],
    claim: Claim,
    other_claim: Claim,
    gazette: Outlet,
    mayor: Actor,
    treasurer: Actor,
    reviewer: User,
) -> None:
    with committed():
        said(claim, mayor, gazette)
        said(other_claim, treasurer, outlet(4))
        link = factories.suggested_link(
            from_claim=claim, to_claim=other_claim, relation="contradicts", detector="test/1", score=0.9, rationale="r"
        )

    def weight_for() -> float:
        return float(Claim.objects.get(pk=claim.pk).support_explanation["weight_for"])

    confirm = _run_and_see(committed, other_claim, lambda: links_decide(links=[link], status="confirmed", by=reviewer))
    assert confirm == (SupportLevel.SUPPORTED, SupportLevel.CONTESTED)

    link.refresh_from_db()
    change = _run_and_see(committed, claim, lambda: link_update(link=link, relation="corroborates"))
    assert change == (SupportLevel.CONTESTED, SupportLevel.SUPPORTED)
    assert weight_for() == pytest.approx(1.2)  # Ana Ruiz, and half of Tomás Vidal's weight through the link

    with committed():
        links_decide(links=[link], status="rejected", by=reviewer)
    assert weight_for() == pytest.approx(0.8)


def test_a_change_to_a_linked_claims_statements_reassesses_this_claim(
    committed: Callable[[], AbstractContextManager[None]],
    claim: Claim,
    other_claim: Claim,
    gazette: Outlet,
    mayor: Actor,
    treasurer: Actor,
) -> None:
    with committed():
        said(claim, mayor, gazette)
        link_draw(from_claim=claim, to_claim=other_claim, relation="contradicts")

    before, after = _run_and_see(committed, claim, lambda: said(other_claim, treasurer, outlet(4)))

    assert (before, after) == (SupportLevel.SUPPORTED, SupportLevel.CONTESTED)


def test_rating_an_outlet_reassesses_what_it_published(
    committed: Callable[[], AbstractContextManager[None]], claim: Claim, mayor: Actor
) -> None:
    herald = outlet(2, name="Valley Herald")
    with committed():
        said(claim, mayor, herald)

    before, after = _run_and_see(committed, claim, lambda: outlet_update(outlet=herald, reliability=5))

    assert (before, after) == (SupportLevel.WEAK, SupportLevel.SUPPORTED)
    assert "reported by Valley Herald (reliability 5/5)" in summary(Claim.objects.get(pk=claim.pk))


def test_giving_outlets_one_owner_reassesses_their_evidence(
    committed: Callable[[], AbstractContextManager[None]], claim: Claim
) -> None:
    echo, star = outlet(4, name="Northern Echo"), outlet(4, name="Northern Star")
    with committed():
        evidence_add(claim=claim, source=document(echo), effect="supports")
        evidence_add(claim=claim, source=document(star), effect="supports")

    before, after = _run_and_see(committed, claim, lambda: outlet_update(outlet=star, owner=echo))

    assert (before, after) == (SupportLevel.WELL_SUPPORTED, SupportLevel.SUPPORTED)


def _claim_page(claim: Claim, evidence: dict[str, str], initial: int = 0) -> dict[str, str]:
    """The claim's change form as the browser sends it, with one evidence row."""
    form = {
        "text": claim.text,
        "story": str(claim.story_id),
        "review_status": "accepted",
        "opened_version": str(claim.version),
        "evidence-TOTAL_FORMS": "1",
        "evidence-INITIAL_FORMS": str(initial),
        **{f"evidence-0-{name}": value for name, value in evidence.items()},
    }
    for inline in ("statements", "links_from", "links_to"):
        form |= {f"{inline}-TOTAL_FORMS": "0", f"{inline}-INITIAL_FORMS": "0"}
    return form


def test_adding_evidence_on_the_claims_page_reassesses_it(
    committed: Callable[[], AbstractContextManager[None]], editor_client: Client, claim: Claim, gazette: Outlet
) -> None:
    form = _claim_page(claim, {"source": str(document(gazette).pk), "effect": "supports", "strength": "3"})

    with committed():
        response = editor_client.post(reverse("admin:claims_claim_change", args=[claim.pk]), form)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    claim.refresh_from_db()
    assert claim.support_level == SupportLevel.SUPPORTED
    assert "supported by strong evidence" in summary(claim)


def test_deleting_evidence_on_the_claims_page_reassesses_it(
    committed: Callable[[], AbstractContextManager[None]], editor_client: Client, claim: Claim, gazette: Outlet
) -> None:
    with committed():
        evidence = evidence_add(claim=claim, source=document(gazette), effect="supports")
    claim.refresh_from_db()
    row = {"id": evidence.pk, "claim": claim.pk, "source": evidence.source_id, "effect": "supports", "strength": 2}
    form = _claim_page(claim, {**{name: str(value) for name, value in row.items()}, "DELETE": "on"}, initial=1)

    with committed():
        response = editor_client.post(reverse("admin:claims_claim_change", args=[claim.pk]), form)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert Claim.objects.get(pk=claim.pk).support_level == SupportLevel.UNSUPPORTED


# ----------------------------------------------------------------------------------------------- command


def test_the_command_assesses_a_storys_claims(seed_story: Story) -> None:
    out = StringIO()

    call_command("assess_support", story=seed_story.slug, stdout=out)

    assert out.getvalue().strip() == "Assessed 24 claims: 6 weak, 6 contested, 12 supported."
    assert not Claim.objects.filter(story=seed_story, support_assessed_at__isnull=True).exists()


def test_the_command_refuses_an_unknown_story(db: None) -> None:
    with pytest.raises(CommandError, match="No story has the slug"):
        call_command("assess_support", story="no-such-story", stdout=StringIO())
