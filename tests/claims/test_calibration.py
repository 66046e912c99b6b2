"""Learning from reviewers: confirmed and rejected links refit the detector's scores, per deployment."""

from collections.abc import Callable
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import IntegrityError, transaction

from claims.linking import classifier, relate_pairs
from claims.linking.calibration import calibration_train
from claims.linking.suggestions import claim_links_suggest
from claims.models import ClaimLink, LinkCalibration, Story
from claims.services import claim_create, link_confirm, link_reject
from claims.tasks import calibrate_links
from tests import factories

PLACES = ["Caracas", "Maracay", "Valencia", "Barquisimeto", "Maracaibo", "Cumaná", "Mérida", "Barinas", "Coro"]
# What reviewers keep turning down: "corroborates" because every word of one claim is in the other, which
# only says that the thing was planned or asked about.
OVERLAP_ONLY = [
    (
        "The governor of {} announced water rationing.",
        "Residents of {} asked the governor whether water rationing would be announced before the regional elections.",
    ),
    (
        "Protesters in {} blocked the highway.",
        "Police in {} said protesters had planned to block the highway to the airport with burning tyres.",
    ),
]
# What they confirm: the same event told twice, and a claim against its negation.
SAME_EVENT = [
    ("Police arrested two men in {} on Monday.", "Two men were arrested by police in {} on Monday after the protest."),
    ("The council of {} approved the bridge budget.", "The bridge budget was approved by the council of {}."),
]
NEGATION = ("The mayor of {} resigned on Friday.", "The mayor of {} did not resign.")
# Pairs like those, in a town no decision was about.
LIKE_THE_REJECTED = (
    "The governor of Tucupita announced fuel rationing.",
    "Residents of Tucupita asked the governor whether fuel rationing would be announced before the regional elections.",
)
LIKE_THE_CONFIRMED = ("The mayor of Tucupita resigned on Friday.", "The mayor of Tucupita did not resign.")
LIKE_THE_SAME_EVENT = ("Police arrested two men in Tucupita.", "Two men were arrested by police in Tucupita.")

Decide = Callable[[int], list[ClaimLink]]


def suggest(story: Story, first: str, second: str) -> ClaimLink:
    """Two claims and the link the shipped detector suggests between them."""
    [judgement] = relate_pairs([(first, second)])
    assert judgement.relation != "unrelated", (first, second)
    return factories.suggested_link(
        from_claim=claim_create(text=first, story=story),
        to_claim=claim_create(text=second, story=story),
        relation=judgement.relation,
        detector=classifier(calibrated=False).version,
        score=round(judgement.score, 3),
        rationale=judgement.rationale,
    )


@pytest.fixture
def decide(story: Story, editor: User) -> Decide:
    """Reviewers' decisions on the suggestions for `towns` more places: 5 a place, 2 rejected and 3 confirmed."""
    places = iter(PLACES)

    def make(towns: int) -> list[ClaimLink]:
        links = []
        for place in [next(places) for _ in range(towns)]:
            for first, second in OVERLAP_ONLY:
                links.append(link_reject(link=suggest(story, first.format(place), second.format(place)), by=editor))
            for first, second in [*SAME_EVENT, NEGATION]:
                links.append(link_confirm(link=suggest(story, first.format(place), second.format(place)), by=editor))
        return links

    return make


def calibrate(*args: str) -> str:
    out = StringIO()
    call_command("calibrate_links", *args, stdout=out)
    return out.getvalue()


def scores(*pairs: tuple[str, str]) -> list[tuple[str, float]]:
    return [(judgement.relation, judgement.score) for judgement in classifier().judge_many(pairs)]


@pytest.mark.django_db
def test_with_too_few_decisions_nothing_is_trained_and_the_command_says_why(decide: Decide) -> None:
    decide(1)

    output = calibrate()

    assert "Reviewer decisions on detector links: 5 (3 confirmed, 2 rejected)." in output
    assert "Nothing stored: only 5 reviewer decisions on detector links so far; at least 30 are needed" in output
    assert calibration_train() is None
    assert not LinkCalibration.objects.exists()
    assert classifier().version == "features-4"


@pytest.mark.django_db
def test_reviewers_decisions_calibrate_the_detector(story: Story, decide: Decide) -> None:
    decide(6)  # 30 decisions: 12 overlap-only corroborations rejected, 12 confirmed, 6 contradictions confirmed
    before = scores(LIKE_THE_REJECTED, LIKE_THE_CONFIRMED, LIKE_THE_SAME_EVENT)

    output = calibrate()

    calibration = LinkCalibration.objects.get(active=True)
    assert f"Stored {calibration.version} and made it active." in output
    assert "corroborates   12 confirmed,  12 rejected: calibrated, log-loss" in output
    assert "contradicts     6 confirmed,   0 rejected: keeps its hand-set weights (fewer than 5 rejected)" in output
    assert (calibration.detector, calibration.version) == ("features-4", f"features-4+cal{calibration.pk}")
    assert (calibration.confirmed, calibration.rejected) == (18, 12)
    assert set(calibration.coefficients) == set(calibration.intercepts) == {"corroborates"}
    assert len(calibration.coefficients["corroborates"]) == len(calibration.feature_names)
    assert calibration.log_loss_after < calibration.log_loss_before
    assert calibration.accuracy_after > calibration.accuracy_before
    assert classifier().version == calibration.version

    after = scores(LIKE_THE_REJECTED, LIKE_THE_CONFIRMED, LIKE_THE_SAME_EVENT)
    # Reviewers' verdicts move the scores: overlap alone now falls below the suggestion threshold while the
    # same event told twice stays above it, and the contradiction, whose weights stay as set, scores as before.
    assert [relation for relation, _ in after] == [relation for relation, _ in before]
    assert after[0][1] < settings.ATTEST_LINK_MIN_SCORE <= before[0][1]
    assert after[2][1] >= settings.ATTEST_LINK_MIN_SCORE
    assert after[1] == before[1]

    # The linking job records the calibrated version on what it suggests, and leaves the overlap alone.
    resigned, kept_on = (claim_create(text=text, story=story) for text in LIKE_THE_CONFIRMED)
    announced, criticised = (claim_create(text=text, story=story) for text in LIKE_THE_REJECTED)
    for claim in (kept_on, criticised):
        claim_links_suggest(claim_id=claim.pk)
    [link] = ClaimLink.objects.filter(from_claim=kept_on, to_claim=resigned)
    assert (link.relation, link.detector) == ("contradicts", calibration.version)
    assert not ClaimLink.objects.filter(from_claim=criticised, to_claim=announced).exists()


@pytest.mark.django_db
def test_a_second_training_makes_a_new_active_calibration(decide: Decide) -> None:
    decide(6)
    first = calibration_train()
    assert first is not None
    assert calibration_train() is None  # the same decisions: nothing new to learn
    assert "no decision has changed since" in calibrate()

    decide(2)
    second = calibration_train()

    assert second is not None
    first.refresh_from_db()
    assert (first.active, second.active) == (False, True)
    assert (second.confirmed, second.rejected) == (24, 16)
    assert second.version != first.version
    assert classifier().version == second.version
    assert list(LinkCalibration.objects.filter(active=True)) == [second]


@pytest.mark.django_db
def test_at_most_one_calibration_is_active_per_detector(decide: Decide) -> None:
    decide(6)
    first = calibration_train()
    assert first is not None

    copy = LinkCalibration(
        **{field.name: getattr(first, field.name) for field in first._meta.fields if field.name != "id"}
    )
    copy.version = "features-4+copy"
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


@pytest.mark.django_db
def test_the_daily_job_runs_the_same_training(decide: Decide) -> None:
    decide(6)
    [entry] = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == calibrate_links.name]
    assert entry["schedule"] == 24 * 60 * 60

    calibration_id = calibrate_links.delay().get()

    calibration = LinkCalibration.objects.get(active=True)
    assert calibration.pk == calibration_id
    assert classifier().version == calibration.version
