"""Claims, statements, evidence and links: every rule is refused by the service with a message on the field to
fix, and by the database when a script writes past the services."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from claims.models import Claim, ClaimLink, Evidence, Statement, Story
from claims.services import (
    LinkSuggestion,
    claim_create,
    evidence_add,
    link_draw,
    link_update,
    links_suggest,
    statement_record,
    statement_update,
)
from core.text import fold
from sources.models import Actor, Source
from tests import factories

TEXT = (
    "Prominent government member Diosdado Cabello tweeted that Mr Pérez had opened fire on police. "
    "Mr Pérez said they were shooting at us. Mr Pérez said they were shooting at us."
)
OPENED_FIRE = "Mr Pérez had opened fire on police"
SHOOTING = "they were shooting at us"


@pytest.fixture
def report(db: None) -> Source:
    return factories.SourceFactory(title="Pilot Oscar Pérez in bloody siege", text=TEXT)


@pytest.fixture
def tweet(db: None) -> Source:
    return factories.SourceFactory(title="Diosdado Cabello's tweet", kind=Source.Kind.SOCIAL_POST, text="")


@pytest.fixture
def cabello(db: None) -> Actor:
    return factories.ActorFactory(name="Diosdado Cabello")


@pytest.fixture
def fired_at(story: Story) -> Claim:
    return factories.ClaimFactory(text="Security forces fired at Oscar Pérez's group.", story=story)


@pytest.fixture
def statement(opened_fire: Claim, cabello: Actor, report: Source) -> Statement:
    return statement_record(claim=opened_fire, speaker=cabello, source=report, quote=OPENED_FIRE, cue="tweeted")


def messages(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict.get(field, []))


# Claims


def test_claim_text_white_space_collapsed(story: Story) -> None:
    claim = claim_create(text="  Five people   were\narrested. ", story=story)

    assert claim.text == "Five people were arrested."


def test_claim_duplicate_in_story_refused_ignoring_case_accents_and_spacing(opened_fire: Claim) -> None:
    with pytest.raises(ValidationError) as refused:
        claim_create(text="  OSCAR PEREZ opened   fire on police at El Junquito. ", story=opened_fire.story)

    assert f"already recorded in “El Junquito siege” as claim #{opened_fire.pk}" in messages(refused.value, "text")


def test_claim_duplicate_in_another_story_accepted(opened_fire: Claim) -> None:
    other_story = factories.StoryFactory(title="Pérez killed")

    claim = claim_create(text=opened_fire.text, story=other_story)

    assert claim.pk != opened_fire.pk


def test_claim_duplicate_without_story_refused(db: None) -> None:
    claim_create(text="Oscar Pérez is a terrorist.")

    with pytest.raises(ValidationError) as refused:
        claim_create(text="Oscar Perez is a terrorist.")

    assert "already recorded without a story" in messages(refused.value, "text")


def test_claim_duplicate_in_story_refused_by_database(opened_fire: Claim) -> None:
    with pytest.raises(IntegrityError, match="claim_unique_per_story"), transaction.atomic():
        Claim.objects.create(
            text=opened_fire.text.upper(), folded_text=opened_fire.folded_text, story=opened_fire.story
        )


def test_claim_duplicate_without_story_refused_by_database(db: None) -> None:
    # Two imports of other fact-checkers' reviews of one new claim, at the same moment, each find no claim yet.
    first = claim_create(text="Oscar Pérez is a terrorist.")

    with pytest.raises(IntegrityError, match="claim_unique_per_story"), transaction.atomic():
        Claim.objects.create(text=first.text, folded_text=first.folded_text, story=None)


def test_claim_without_words_refused(story: Story) -> None:
    with pytest.raises(ValidationError) as refused:
        claim_create(text="   ", story=story)

    assert "text" in refused.value.message_dict


# Statements: the quote and its place in the source


def test_statement_quote_located_when_no_span_given(statement: Statement) -> None:
    start = TEXT.index(OPENED_FIRE)

    assert (statement.span_start, statement.span_end) == (start, start + len(OPENED_FIRE))
    assert statement.folded_quote == fold(OPENED_FIRE)


def test_statement_span_alone_reads_the_quote_from_the_text(opened_fire: Claim, cabello: Actor, report: Source) -> None:
    start = TEXT.index(OPENED_FIRE)

    statement = statement_record(claim=opened_fire, speaker=cabello, source=report, span=(start, start + 8))

    assert statement.quote == "Mr Pérez"


def test_statement_quote_not_at_its_span_refused(opened_fire: Claim, cabello: Actor, report: Source) -> None:
    with pytest.raises(ValidationError) as refused:
        statement_record(claim=opened_fire, speaker=cabello, source=report, quote=OPENED_FIRE, span=(0, 34))

    assert f"the text there reads “{TEXT[:34]}”" in messages(refused.value, "quote")


def test_statement_quote_not_in_the_text_refused(opened_fire: Claim, cabello: Actor, report: Source) -> None:
    with pytest.raises(ValidationError) as refused:
        statement_record(claim=opened_fire, speaker=cabello, source=report, quote="Mr Perez had opened fire")

    assert "does not occur in the text" in messages(refused.value, "quote")


def test_statement_quote_occurring_twice_needs_its_offset(opened_fire: Claim, cabello: Actor, report: Source) -> None:
    first, second = TEXT.index(SHOOTING), TEXT.rindex(SHOOTING)

    with pytest.raises(ValidationError) as refused:
        statement_record(claim=opened_fire, speaker=cabello, source=report, quote=SHOOTING)

    assert f"occurs 2 times (at {first}, {second}); give the start offset" in messages(refused.value, "quote")
    statement = statement_record(
        claim=opened_fire, speaker=cabello, source=report, quote=SHOOTING, span=(second, second + len(SHOOTING))
    )
    assert statement.span_start == second


def test_statement_span_outside_the_text_refused(opened_fire: Claim, cabello: Actor, report: Source) -> None:
    with pytest.raises(ValidationError) as refused:
        statement_record(claim=opened_fire, speaker=cabello, source=report, span=(len(TEXT) - 5, len(TEXT) + 5))

    assert f"outside the text, which has {len(TEXT)} characters" in messages(refused.value, "span_start")


def test_statement_span_on_a_source_without_text_refused(opened_fire: Claim, cabello: Actor, tweet: Source) -> None:
    with pytest.raises(ValidationError) as refused:
        statement_record(claim=opened_fire, speaker=cabello, source=tweet, quote="abierto fuego", span=(0, 13))

    assert "has no text to point into" in messages(refused.value, "span_start")


def test_statement_on_a_source_without_text_keeps_quote_without_span(
    opened_fire: Claim, cabello: Actor, tweet: Source
) -> None:
    statement = statement_record(claim=opened_fire, speaker=cabello, source=tweet, quote="abrió fuego")

    assert (statement.quote, statement.span_start, statement.span_end) == ("abrió fuego", None, None)


def test_statement_corrected_to_a_wrong_quote_refused(statement: Statement) -> None:
    with pytest.raises(ValidationError) as refused:
        statement_update(statement=statement, quote="Mr Pérez had opened fire on troops")

    assert "quote" in refused.value.message_dict
    statement.refresh_from_db()
    assert statement.quote == OPENED_FIRE


def test_statement_quote_not_at_its_span_refused_by_database_on_insert(
    opened_fire: Claim, cabello: Actor, report: Source
) -> None:
    # Same length as the span, so only the trigger that reads the source text can tell.
    wrong = "x" * len(OPENED_FIRE)
    start = TEXT.index(OPENED_FIRE)

    with pytest.raises(IntegrityError, match="The quote is not the source text"), transaction.atomic():
        Statement.objects.create(
            claim=opened_fire,
            speaker=cabello,
            source=report,
            quote=wrong,
            folded_quote=wrong,
            span_start=start,
            span_end=start + len(wrong),
        )


def test_statement_span_on_a_source_without_text_refused_by_database(
    opened_fire: Claim, cabello: Actor, tweet: Source
) -> None:
    with pytest.raises(IntegrityError, match="The quote is not the source text"), transaction.atomic():
        Statement.objects.create(
            claim=opened_fire,
            speaker=cabello,
            source=tweet,
            quote="abrió fuego",
            folded_quote="abrio fuego",
            span_start=0,
            span_end=11,
        )


def test_statement_quote_not_at_its_span_refused_by_database_on_update(statement: Statement) -> None:
    with pytest.raises(IntegrityError, match="The quote is not the source text"), transaction.atomic():
        Statement.objects.filter(pk=statement.pk).update(quote="Mr Pérez had opened fire on troop")


def test_statement_span_moved_off_its_quote_refused_by_database(statement: Statement) -> None:
    with pytest.raises(IntegrityError, match="The quote is not the source text"), transaction.atomic():
        Statement.objects.filter(pk=statement.pk).update(span_start=F("span_start") + 1, span_end=F("span_end") + 1)


def test_statement_moved_to_another_source_refused_by_database(statement: Statement, tweet: Source) -> None:
    with pytest.raises(IntegrityError, match="The quote is not the source text"), transaction.atomic():
        Statement.objects.filter(pk=statement.pk).update(source=tweet)


def test_statement_span_past_the_end_of_the_text_refused_by_database(statement: Statement) -> None:
    # The text runs out before the span does, so the quote cannot fill it.
    end_of_text = len(TEXT) - 8
    with pytest.raises(IntegrityError, match="statement_quote_fills_span"), transaction.atomic():
        Statement.objects.filter(pk=statement.pk).update(
            quote=TEXT[end_of_text:], span_start=end_of_text, span_end=len(TEXT) + 2
        )


def test_statement_span_ending_before_it_starts_refused_by_database(statement: Statement) -> None:
    with (
        pytest.raises(IntegrityError, match=r"statement_span_ordered|statement_quote_fills_span"),
        transaction.atomic(),
    ):
        Statement.objects.filter(pk=statement.pk).update(span_end=F("span_start") - 1)


def test_statement_span_with_only_an_end_refused_by_database(
    opened_fire: Claim, cabello: Actor, report: Source
) -> None:
    # A span is both offsets or neither.
    with pytest.raises(IntegrityError, match="statement_span_ordered"), transaction.atomic():
        Statement.objects.create(
            claim=opened_fire, speaker=cabello, source=report, quote="Mr Pérez", folded_quote="mr perez", span_end=8
        )


def test_statement_empty_quote_refused_by_database(opened_fire: Claim, cabello: Actor, tweet: Source) -> None:
    with pytest.raises(IntegrityError, match="statement_quote_not_empty"), transaction.atomic():
        Statement.objects.create(claim=opened_fire, speaker=cabello, source=tweet, quote="", folded_quote="")


# Statements: duplicates and channels


def test_statement_recorded_twice_refused(statement: Statement) -> None:
    with pytest.raises(ValidationError) as refused:
        statement_record(claim=statement.claim, speaker=statement.speaker, source=statement.source, quote=OPENED_FIRE)

    assert f"already recorded as statement #{statement.pk}" in messages(refused.value, NON_FIELD_ERRORS)
    assert Statement.objects.count() == 1


def test_statement_without_span_recorded_twice_refused(opened_fire: Claim, cabello: Actor, tweet: Source) -> None:
    first = statement_record(claim=opened_fire, speaker=cabello, source=tweet, quote="abrió fuego")

    with pytest.raises(ValidationError) as refused:
        statement_record(claim=opened_fire, speaker=cabello, source=tweet, quote="abrió fuego contra la policía")

    assert f"already recorded as statement #{first.pk}" in messages(refused.value, NON_FIELD_ERRORS)


def test_statement_same_words_by_another_speaker_accepted(statement: Statement) -> None:
    maduro = factories.ActorFactory(name="Nicolás Maduro")

    statement_record(claim=statement.claim, speaker=maduro, source=statement.source, quote=OPENED_FIRE)

    assert Statement.objects.filter(claim=statement.claim).count() == 2


def test_statement_recorded_twice_refused_by_database(statement: Statement) -> None:
    twin = Statement(
        claim=statement.claim,
        speaker=statement.speaker,
        source=statement.source,
        quote=statement.quote,
        folded_quote=statement.folded_quote,
        span_start=statement.span_start,
        span_end=statement.span_end,
    )

    with pytest.raises(IntegrityError, match="statement_unique_attribution"), transaction.atomic():
        Statement.objects.bulk_create([twin])


def test_statement_without_span_recorded_twice_refused_by_database(
    opened_fire: Claim, cabello: Actor, tweet: Source
) -> None:
    statement_record(claim=opened_fire, speaker=cabello, source=tweet, quote="abrió fuego")

    with pytest.raises(IntegrityError, match="statement_unique_attribution"), transaction.atomic():
        Statement.objects.create(
            claim=opened_fire, speaker=cabello, source=tweet, quote="abrió fuego", folded_quote="abrio fuego"
        )


def test_statement_relayed_through_another_source_accepted(
    opened_fire: Claim, cabello: Actor, report: Source, tweet: Source
) -> None:
    statement = statement_record(claim=opened_fire, speaker=cabello, source=report, quote=OPENED_FIRE, via_source=tweet)

    assert list(tweet.statements_relayed.all()) == [statement]


def test_statement_relayed_through_its_own_source_refused(opened_fire: Claim, cabello: Actor, report: Source) -> None:
    with pytest.raises(ValidationError) as refused:
        statement_record(claim=opened_fire, speaker=cabello, source=report, quote=OPENED_FIRE, via_source=report)

    assert "relayed through the source it appears in" in messages(refused.value, "via_source")


def test_statement_relayed_through_its_own_source_refused_by_database(statement: Statement) -> None:
    with pytest.raises(IntegrityError, match="statement_via_other_source"), transaction.atomic():
        Statement.objects.filter(pk=statement.pk).update(via_source=F("source"))


def test_statement_relayed_through_itself_refused(statement: Statement) -> None:
    with pytest.raises(ValidationError) as refused:
        statement_update(statement=statement, via_statement=statement)

    assert "relayed through itself" in messages(refused.value, "via_statement")


def test_statement_relayed_through_itself_refused_by_database(statement: Statement) -> None:
    with pytest.raises(IntegrityError, match="statement_not_via_itself"), transaction.atomic():
        Statement.objects.filter(pk=statement.pk).update(via_statement=F("pk"))


# Evidence


def test_evidence_passage_located_from_its_quote(opened_fire: Claim, report: Source) -> None:
    evidence = evidence_add(claim=opened_fire, source=report, effect=Evidence.Effect.SUPPORTS, quote=OPENED_FIRE)

    assert report.text[evidence.span_start : evidence.span_end] == OPENED_FIRE


def test_evidence_passage_read_from_its_span_alone(opened_fire: Claim, report: Source) -> None:
    evidence = evidence_add(claim=opened_fire, source=report, effect=Evidence.Effect.SUPPORTS, span=(0, 10))

    assert evidence.quote == TEXT[:10]


def test_evidence_whole_source_accepted_without_quote(opened_fire: Claim, tweet: Source) -> None:
    evidence = evidence_add(claim=opened_fire, source=tweet, effect=Evidence.Effect.SUPPORTS)

    assert (evidence.quote, evidence.span_start, evidence.span_end) == ("", None, None)


def test_evidence_quote_not_at_its_span_refused(opened_fire: Claim, report: Source) -> None:
    with pytest.raises(ValidationError) as refused:
        evidence_add(claim=opened_fire, source=report, effect=Evidence.Effect.REFUTES, quote=OPENED_FIRE, span=(0, 34))

    assert "the text there reads" in messages(refused.value, "quote")


def test_evidence_quote_from_a_source_without_text_refused(opened_fire: Claim, tweet: Source) -> None:
    with pytest.raises(ValidationError) as refused:
        evidence_add(claim=opened_fire, source=tweet, effect=Evidence.Effect.SUPPORTS, quote="abrió fuego")

    assert "has no text to quote from" in messages(refused.value, "quote")


def test_evidence_same_passage_added_twice_refused(opened_fire: Claim, report: Source) -> None:
    evidence_add(claim=opened_fire, source=report, effect=Evidence.Effect.SUPPORTS, quote=OPENED_FIRE)

    with pytest.raises(ValidationError) as refused:
        evidence_add(claim=opened_fire, source=report, effect=Evidence.Effect.REFUTES, quote=OPENED_FIRE)

    assert "already evidence for the claim" in messages(refused.value, NON_FIELD_ERRORS)


def test_evidence_same_whole_source_added_twice_refused(opened_fire: Claim, tweet: Source) -> None:
    evidence_add(claim=opened_fire, source=tweet, effect=Evidence.Effect.SUPPORTS)

    with pytest.raises(ValidationError) as refused:
        evidence_add(claim=opened_fire, source=tweet, effect=Evidence.Effect.SUPPORTS)

    assert "already evidence for the claim" in messages(refused.value, NON_FIELD_ERRORS)


def test_evidence_quote_not_at_its_span_refused_by_database(opened_fire: Claim, report: Source) -> None:
    wrong = "y" * len(OPENED_FIRE)
    start = TEXT.index(OPENED_FIRE)

    with pytest.raises(IntegrityError, match="The quote is not the source text"), transaction.atomic():
        Evidence.objects.create(
            claim=opened_fire,
            source=report,
            effect=Evidence.Effect.SUPPORTS,
            quote=wrong,
            span_start=start,
            span_end=start + len(wrong),
        )


def test_evidence_quote_without_span_refused_by_database(opened_fire: Claim, report: Source) -> None:
    # A passage is a quote and its offsets, or neither.
    with pytest.raises(IntegrityError, match="evidence_span_matches_quote"), transaction.atomic():
        Evidence.objects.create(claim=opened_fire, source=report, effect=Evidence.Effect.SUPPORTS, quote=OPENED_FIRE)


def test_evidence_span_past_the_end_of_the_text_refused_by_database(opened_fire: Claim, report: Source) -> None:
    end_of_text = len(TEXT) - 8

    with pytest.raises(IntegrityError, match="evidence_span_matches_quote"), transaction.atomic():
        Evidence.objects.create(
            claim=opened_fire,
            source=report,
            effect=Evidence.Effect.SUPPORTS,
            quote=TEXT[end_of_text:],
            span_start=end_of_text,
            span_end=len(TEXT) + 2,
        )


def test_evidence_same_passage_added_twice_refused_by_database(opened_fire: Claim, report: Source) -> None:
    evidence = evidence_add(claim=opened_fire, source=report, effect=Evidence.Effect.SUPPORTS, quote=OPENED_FIRE)

    with pytest.raises(IntegrityError, match="evidence_unique_passage"), transaction.atomic():
        Evidence.objects.create(
            claim=opened_fire,
            source=report,
            effect=Evidence.Effect.REFUTES,
            quote=evidence.quote,
            span_start=evidence.span_start,
            span_end=evidence.span_end,
        )


# Links


def test_link_to_the_same_claim_refused(opened_fire: Claim) -> None:
    with pytest.raises(ValidationError) as refused:
        link_draw(from_claim=opened_fire, to_claim=opened_fire, relation=ClaimLink.Relation.CONTRADICTS)

    assert "cannot be linked to itself" in messages(refused.value, "to_claim")


def test_link_to_the_same_claim_refused_by_database(opened_fire: Claim) -> None:
    with pytest.raises(IntegrityError, match="link_not_to_itself"), transaction.atomic():
        ClaimLink.objects.create(from_claim=opened_fire, to_claim=opened_fire, relation=ClaimLink.Relation.REFINES)


def test_link_drawn_again_in_the_other_direction_refused(opened_fire: Claim, fired_at: Claim) -> None:
    link = link_draw(from_claim=opened_fire, to_claim=fired_at, relation=ClaimLink.Relation.CONTRADICTS)

    with pytest.raises(ValidationError) as refused:
        link_draw(from_claim=fired_at, to_claim=opened_fire, relation=ClaimLink.Relation.CONTRADICTS)

    assert f"already linked as “contradicts” (link #{link.pk}, confirmed)" in messages(refused.value, "to_claim")


def test_link_drawn_again_in_the_same_direction_refused(opened_fire: Claim, fired_at: Claim) -> None:
    link_draw(from_claim=opened_fire, to_claim=fired_at, relation=ClaimLink.Relation.CONTRADICTS)

    with pytest.raises(ValidationError) as refused:
        link_draw(from_claim=opened_fire, to_claim=fired_at, relation=ClaimLink.Relation.CONTRADICTS)

    assert "already linked" in messages(refused.value, "to_claim")


def test_link_with_another_relation_between_the_same_claims_accepted(opened_fire: Claim, fired_at: Claim) -> None:
    link_draw(from_claim=opened_fire, to_claim=fired_at, relation=ClaimLink.Relation.CONTRADICTS)

    link_draw(from_claim=fired_at, to_claim=opened_fire, relation=ClaimLink.Relation.REFINES)

    assert ClaimLink.objects.count() == 2


def test_link_in_the_other_direction_refused_by_database(opened_fire: Claim, fired_at: Claim) -> None:
    link_draw(from_claim=opened_fire, to_claim=fired_at, relation=ClaimLink.Relation.CONTRADICTS)

    with pytest.raises(IntegrityError, match="link_unique_pair_relation"), transaction.atomic():
        ClaimLink.objects.create(from_claim=fired_at, to_claim=opened_fire, relation=ClaimLink.Relation.CONTRADICTS)


def test_link_score_above_1_refused(opened_fire: Claim, fired_at: Claim) -> None:
    with pytest.raises(IntegrityError, match="score"), transaction.atomic():
        links_suggest(
            suggestions=[
                LinkSuggestion(
                    from_claim_id=opened_fire.pk,
                    to_claim_id=fired_at.pk,
                    relation=ClaimLink.Relation.CONTRADICTS,
                    score=1.5,
                    rationale="Opposite accounts of who fired.",
                )
            ],
            detector="nli-v1",
        )

    assert not ClaimLink.objects.exists()


def test_link_confirmed_without_decision_time_refused_by_database(opened_fire: Claim, fired_at: Claim) -> None:
    with pytest.raises(IntegrityError, match="link_decided_iff_not_suggested"), transaction.atomic():
        ClaimLink.objects.create(
            from_claim=opened_fire,
            to_claim=fired_at,
            relation=ClaimLink.Relation.CONTRADICTS,
            status=ClaimLink.Status.CONFIRMED,
        )


def test_link_suggested_with_decision_time_refused_by_database(opened_fire: Claim, fired_at: Claim) -> None:
    with pytest.raises(IntegrityError, match="link_decided_iff_not_suggested"), transaction.atomic():
        ClaimLink.objects.create(
            from_claim=opened_fire,
            to_claim=fired_at,
            relation=ClaimLink.Relation.CONTRADICTS,
            decided_at=timezone.now(),
        )


def test_link_from_a_detector_without_its_name_refused_by_database(opened_fire: Claim, fired_at: Claim) -> None:
    with pytest.raises(IntegrityError, match="link_detector_named"), transaction.atomic():
        ClaimLink.objects.create(
            from_claim=opened_fire,
            to_claim=fired_at,
            relation=ClaimLink.Relation.CONTRADICTS,
            origin=ClaimLink.Origin.DETECTOR,
            score=0.9,
        )


def test_link_moved_onto_an_existing_pair_refused(opened_fire: Claim, fired_at: Claim, story: Story) -> None:
    surrender = factories.ClaimFactory(text="Oscar Pérez offered to surrender.", story=story)
    link_draw(from_claim=opened_fire, to_claim=fired_at, relation=ClaimLink.Relation.CONTRADICTS)
    other = link_draw(from_claim=opened_fire, to_claim=surrender, relation=ClaimLink.Relation.CONTRADICTS)

    with pytest.raises(ValidationError) as refused:
        link_update(link=other, to_claim=fired_at)

    assert "already linked" in messages(refused.value, "to_claim")
