"""The linking job: candidates retrieved, pairs judged, links suggested for review, and never twice."""

import threading
import time
from collections.abc import Callable
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse

from claims.linking import features, retrieval
from claims.linking.classifier import classifier
from claims.linking.retrieval import candidate_claims, claims_sharing_words
from claims.linking.suggestions import claim_links_suggest
from claims.models import Claim, ClaimAnalysis, ClaimEmbedding, ClaimLink, LinkingRun, Stance, Story
from claims.selectors import claims_with_counts
from claims.services import claim_create, claim_update, link_confirm, link_reject, statement_record
from claims.tasks import link_claim, relink_stale
from tests import factories
from tests.claims.conftest import WORKER_SECONDS, Worker, jobs_queued

OPENED_FIRE = "Oscar Pérez opened fire on police at El Junquito."
FORCES_FIRED = "Security forces fired rocket-propelled grenades at Oscar Pérez's group in El Junquito."
CIA_TIES = "Oscar Pérez has ties to the United States, specifically the CIA."
NO_LINKS = "Oscar Pérez has no confirmed links with any international or domestic group."
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


@pytest.fixture
def claims_of(story: Story) -> Callable[..., list[Claim]]:
    def make(*texts: str) -> list[Claim]:
        return [claim_create(text=text, story=story) for text in texts]

    return make


def links_between(first: Claim, second: Claim) -> list[ClaimLink]:
    return list(ClaimLink.objects.filter(from_claim__in=[first, second], to_claim__in=[first, second]).order_by("pk"))


@pytest.mark.django_db
def test_retrieval_finds_claims_sharing_words_and_not_the_claim_itself(
    claims_of: Callable[..., list[Claim]],
) -> None:
    opened_fire, forces_fired, unrelated = claims_of(OPENED_FIRE, FORCES_FIRED, "The council approved the budget.")

    found = list(candidate_claims(opened_fire))

    assert forces_fired in found
    assert opened_fire not in found
    assert unrelated not in found


@pytest.mark.django_db
def test_retrieval_query_can_use_the_text_search_index(claims_of: Callable[..., list[Claim]]) -> None:
    opened_fire, *_ = claims_of(OPENED_FIRE, FORCES_FIRED)

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = candidate_claims(opened_fire).explain()

    assert "claim_search_vector_idx" in plan


@pytest.fixture
def fresh_word_statistics(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """ANALYZE the claims as they are now and make retrieval read the statistics again."""

    def analyse() -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE claims_claim")
        monkeypatch.setattr(retrieval, "_statistics", None)

    monkeypatch.setattr(retrieval, "_statistics", None)
    return analyse


@pytest.mark.django_db
def test_retrieval_puts_a_claim_sharing_only_rare_words_before_many_sharing_common_ones(
    claims_of: Callable[..., list[Claim]], fresh_word_statistics: Callable[[], None]
) -> None:
    places = ["Caracas", "Maracaibo", "Valencia", "Mérida", "Cumaná", "Bogotá", "Quito", "Lima", "Cusco", "Sucre"]
    claims_of(*(f"Police opened fire on protesters in {place} on {day}." for place in places for day in WEEKDAYS))
    opened_fire, denial = claims_of(
        "Police opened fire on Ernesto Vargas in Mérida.", "Ernesto Vargas was never shot at."
    )
    fresh_word_statistics()

    found = list(candidate_claims(opened_fire, limit=3))

    assert found[0] == denial


@pytest.mark.django_db
def test_the_search_vector_follows_edits_by_the_service_and_in_bulk(
    claims_of: Callable[..., list[Claim]],
) -> None:
    (claim,) = claims_of("The council approved the budget.")

    def found(word: str) -> bool:
        return Claim.objects.filter(pk=claim.pk, search_vector=SearchQuery(word, config="simple")).exists()

    claim_update(claim=claim, text="The council rejected the budget for Cumaná.")
    assert found("cumana")
    assert found("rejected")
    assert not found("approved")

    # As a ClaimReview import rewords a claim: one UPDATE, no save().
    Claim.objects.filter(pk=claim.pk).update(
        text="The mayor vetoed the budget.", folded_text="the mayor vetoed the budget."
    )
    assert found("vetoed")
    assert not found("cumana")


@pytest.mark.django_db
def test_saving_a_claim_queues_linking_after_commit(
    story: Story, settings: pytest.FixtureRequest, django_capture_on_commit_callbacks: Callable
) -> None:
    settings.ATTEST_LINK_ON_SAVE = True  # type: ignore[attr-defined]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        claim = claim_create(text=OPENED_FIRE, story=story)
        assert not LinkingRun.objects.filter(claim=claim).exists()  # nothing ran before the commit

    assert LinkingRun.objects.filter(claim=claim).count() == len(jobs_queued(callbacks, link_claim)) >= 1


@pytest.mark.django_db
def test_editing_a_claim_or_adding_a_statement_queues_linking(
    opened_fire: Claim, settings: pytest.FixtureRequest, django_capture_on_commit_callbacks: Callable
) -> None:
    settings.ATTEST_LINK_ON_SAVE = True  # type: ignore[attr-defined]
    source = factories.SourceFactory(text="Cabello tweeted that Mr Pérez had opened fire on police.")

    with django_capture_on_commit_callbacks(execute=True) as edited:
        claim_update(claim=opened_fire, text="Oscar Pérez fired on police at El Junquito.")
    with django_capture_on_commit_callbacks(execute=True) as stated:
        statement_record(
            claim=opened_fire, speaker=factories.ActorFactory(), source=source, quote="Mr Pérez had opened fire"
        )

    assert jobs_queued(edited, link_claim) == jobs_queued(stated, link_claim) == [(opened_fire.pk,)]
    assert LinkingRun.objects.filter(claim=opened_fire).count() == 2


@pytest.mark.django_db
def test_the_job_suggests_the_contradiction_with_a_rationale(claims_of: Callable[..., list[Claim]]) -> None:
    cia, no_links = claims_of(CIA_TIES, NO_LINKS)

    run = claim_links_suggest(claim_id=cia.pk)

    [link] = links_between(cia, no_links)
    assert (link.relation, link.status, link.origin) == ("contradicts", "suggested", "detector")
    assert link.detector == classifier().version
    assert link.rationale
    assert 0 < (link.score or 0) <= 1
    assert run is not None
    assert (run.suggested, run.finished_at is not None) == (1, True)
    assert run.candidates >= 1


NOBODY_ARMED = "Nobody here is armed."
POLICE_ARMED = "The police are armed with grenade launchers."


@pytest.mark.django_db
def test_two_sentences_of_one_speaker_in_one_source_contradict_only_as_propositions(
    claims_of: Callable[..., list[Claim]],
) -> None:
    said = (NOBODY_ARMED, POLICE_ARMED, "Oscar Pérez's group is not shooting.", "Oscar Pérez's group is shooting.")
    video = factories.SourceFactory(text=" ".join(said))
    other = factories.SourceFactory(text=POLICE_ARMED)
    perez, ministry = factories.ActorFactory(), factories.ActorFactory()
    nobody_armed, police_armed, not_shooting, shooting = claims_of(*said)
    ministry_says = claim_create(text=POLICE_ARMED, story=factories.StoryFactory())
    for claim, speaker, source in (
        (nobody_armed, perez, video),
        (police_armed, perez, video),
        (not_shooting, perez, video),
        (shooting, perez, video),
        (ministry_says, ministry, other),
    ):
        statement_record(claim=claim, speaker=speaker, source=source, quote=claim.text)

    claim_links_suggest(claim_id=nobody_armed.pk)
    claim_links_suggest(claim_id=not_shooting.pk)

    # One speaker's two sentences in one video: "here" is not "the police", whatever the negation.
    assert links_between(nobody_armed, police_armed) == []
    # The same sentence from another speaker in another source is judged as before.
    [elsewhere] = links_between(nobody_armed, ministry_says)
    assert elsewhere.relation == "contradicts"
    # A real conflict between one speaker's propositions is still suggested.
    [conflict] = links_between(not_shooting, shooting)
    assert (conflict.relation, conflict.rationale) == ("contradicts", "negation: 'is not shooting' vs 'is shooting'")


@pytest.mark.django_db
def test_running_the_job_twice_suggests_nothing_twice(claims_of: Callable[..., list[Claim]]) -> None:
    cia, no_links = claims_of(CIA_TIES, NO_LINKS)

    claim_links_suggest(claim_id=cia.pk)
    second = claim_links_suggest(claim_id=cia.pk)
    from_the_other_side = claim_links_suggest(claim_id=no_links.pk)

    assert len(links_between(cia, no_links)) == 1
    assert second is not None
    assert from_the_other_side is not None
    assert (second.suggested, from_the_other_side.suggested) == (0, 0)


@pytest.mark.django_db
def test_a_rejected_pair_is_not_suggested_again(claims_of: Callable[..., list[Claim]], editor) -> None:  # type: ignore[no-untyped-def]
    cia, no_links = claims_of(CIA_TIES, NO_LINKS)
    claim_links_suggest(claim_id=cia.pk)
    [link] = links_between(cia, no_links)
    link_reject(link=link, by=editor)

    claim_links_suggest(claim_id=cia.pk)
    claim_links_suggest(claim_id=no_links.pk)

    [still] = links_between(cia, no_links)
    assert (still.pk, still.status) == (link.pk, "rejected")


@pytest.mark.django_db
def test_a_confirmed_link_is_never_overwritten(claims_of: Callable[..., list[Claim]], editor) -> None:  # type: ignore[no-untyped-def]
    cia, no_links = claims_of(CIA_TIES, NO_LINKS)
    drawn = ClaimLink.objects.create(
        from_claim=cia,
        to_claim=no_links,
        relation="refines",
        status="confirmed",
        rationale="An editor's reading.",
        decided_at=time_now(),
    )
    link_confirm(link=drawn, by=editor)

    claim_links_suggest(claim_id=cia.pk)

    [kept] = links_between(cia, no_links)
    assert (kept.pk, kept.relation, kept.rationale) == (drawn.pk, "refines", "An editor's reading.")


def time_now():  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return timezone.now()


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_leave_one_link() -> None:
    story = factories.StoryFactory()
    cia = claim_create(text=CIA_TIES, story=story)
    no_links = claim_create(text=NO_LINKS, story=story)
    errors: list[BaseException] = []

    def run(claim_id: int) -> None:
        try:
            claim_links_suggest(claim_id=claim_id)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(claim_id,)) for claim_id in (cia.pk, cia.pk, no_links.pk)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    assert len(links_between(cia, no_links)) == 1


@pytest.mark.django_db
def test_a_claim_gone_before_its_job_runs_is_skipped() -> None:
    assert claim_links_suggest(claim_id=987654321) is None


@pytest.mark.django_db
def test_on_the_seed_story_the_job_alone_finds_both_contradictions(seed_story: Story) -> None:
    ClaimLink.objects.all().delete()

    for claim_id in Claim.objects.filter(story=seed_story).values_list("pk", flat=True):
        claim_links_suggest(claim_id=claim_id)

    suggested = {
        frozenset((link.from_claim.text, link.to_claim.text)): link
        for link in ClaimLink.objects.select_related("from_claim", "to_claim")
    }
    expected = [frozenset((OPENED_FIRE, FORCES_FIRED)), frozenset((CIA_TIES, NO_LINKS))]
    for pair in expected:
        assert pair in suggested, f"not suggested: {sorted(pair)}; suggested: {[sorted(p) for p in suggested]}"
        assert suggested[pair].relation == "contradicts", suggested[pair].rationale
    false_links = [pair for pair in suggested if pair not in expected and suggested[pair].relation != "corroborates"]
    assert len(false_links) <= 3, [sorted(pair) for pair in false_links]


@pytest.mark.django_db
def test_a_later_job_judges_from_the_stored_analyses_and_judges_the_same(
    seed_story: Story, monkeypatch: pytest.MonkeyPatch
) -> None:
    claim_ids = list(Claim.objects.filter(story=seed_story).values_list("pk", flat=True))

    def suggestions() -> set[tuple[int, int, str, float | None, str]]:
        ClaimLink.objects.all().delete()
        for claim_id in claim_ids:
            claim_links_suggest(claim_id=claim_id)
        return set(ClaimLink.objects.values_list("from_claim", "to_claim", "relation", "score", "rationale"))

    parsed = suggestions()
    stored_at = dict(ClaimAnalysis.objects.values_list("claim_id", "analysed_at"))
    with features._cache_lock:
        features._cache.clear()  # as in a worker that has just started
    parses = []
    parse = features._analyse
    monkeypatch.setattr(features, "_analyse", lambda doc: parses.append(doc.text) or parse(doc))
    from_storage = suggestions()

    assert set(stored_at) == set(claim_ids), "every claim of the story was analysed and stored"
    assert parses == [], "none parsed again"
    assert dict(ClaimAnalysis.objects.values_list("claim_id", "analysed_at")) == stored_at, "none stored again"
    assert from_storage == parsed


@pytest.mark.django_db
def test_an_edited_claim_is_analysed_afresh(claims_of: Callable[..., list[Claim]]) -> None:
    cia, no_links = claims_of(CIA_TIES, NO_LINKS)
    claim_links_suggest(claim_id=cia.pk)
    before = ClaimAnalysis.objects.get(claim=no_links)

    no_links = claim_update(claim=no_links, text="Oscar Pérez has no confirmed ties to any foreign agency.")
    claim_links_suggest(claim_id=no_links.pk)

    after = ClaimAnalysis.objects.get(claim=no_links)
    assert after.text_digest != before.text_digest
    assert "agency" in after.data["content"]
    assert "agency" not in before.data["content"]


@pytest.mark.django_db
def test_relink_command_queues_every_claim_or_a_storys(
    seed_story: Story,
    capsys: pytest.CaptureFixture[str],
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    other = claim_create(text="The council approved the bridge budget.")

    with django_capture_on_commit_callbacks(execute=True):  # the command runs outside the test's transaction
        call_command("relink", story=seed_story.slug)

    assert f"Queued linking for {seed_story.claims.count()} claims." in capsys.readouterr().out
    assert not LinkingRun.objects.filter(claim=other).exists()
    assert LinkingRun.objects.filter(claim__story=seed_story).count() == seed_story.claims.count()


@pytest.mark.django_db
def test_the_periodic_rescan_takes_claims_never_linked_or_changed_since(
    claims_of: Callable[..., list[Claim]],
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    linked, changed, never = claims_of(CIA_TIES, NO_LINKS, OPENED_FIRE)
    claim_links_suggest(claim_id=linked.pk)
    claim_links_suggest(claim_id=changed.pk)
    Claim.objects.filter(pk=changed.pk).update(updated_at=time_now())

    with django_capture_on_commit_callbacks(execute=True):  # a periodic job runs outside any transaction
        queued = relink_stale()

    assert queued == 2
    assert LinkingRun.objects.filter(claim=never).count() == 1
    assert LinkingRun.objects.filter(claim=linked).count() == 1


@pytest.mark.django_db
def test_claims_with_opposite_stances_show_as_contested(editor_client, opened_fire: Claim) -> None:  # type: ignore[no-untyped-def]
    source = factories.SourceFactory(text="Cabello said Pérez opened fire. Pérez denied that he opened fire.")
    statement_record(claim=opened_fire, speaker=factories.ActorFactory(), source=source, quote="Pérez opened fire")
    statement_record(
        claim=opened_fire,
        speaker=factories.ActorFactory(),
        source=source,
        quote="he opened fire",
        stance=Stance.DENIES,
    )
    quiet = claim_create(text="The council approved the bridge budget.")

    page = editor_client.get(reverse("admin:claims_claim_changelist"), {"contested": "1"}).content.decode()
    contested = dict(claims_with_counts().values_list("pk", "contested"))

    assert (contested[opened_fire.pk], contested[quiet.pk]) == (True, False)
    assert "column-is_contested" in page


@pytest.mark.django_db
def test_story_page_draws_the_claims_graph(
    editor_client, claims_of: Callable[..., list[Claim]], story: Story, editor
) -> None:  # type: ignore[no-untyped-def]
    cia, _ = claims_of(CIA_TIES, NO_LINKS)
    claim_links_suggest(claim_id=cia.pk)
    opened_fire, forces_fired = claims_of(OPENED_FIRE, FORCES_FIRED)
    link = ClaimLink.objects.create(
        from_claim=opened_fire,
        to_claim=forces_fired,
        relation="contradicts",
        status="confirmed",
        decided_at=time_now(),
        rationale="who fired at whom",
    )

    page = editor_client.get(reverse("admin:claims_story_change", args=[story.pk])).content.decode()

    assert "<svg" in page
    assert page.count('stroke-dasharray="6 4"') == 1  # the suggested link, dashed
    assert page.count("<line") == 2
    assert reverse("admin:claims_claim_change", args=[cia.pk]) in page
    assert link.rationale in page


@pytest.mark.django_db
def test_claim_page_shows_its_last_linking_run(editor_client, claims_of: Callable[..., list[Claim]]) -> None:  # type: ignore[no-untyped-def]
    cia, _ = claims_of(CIA_TIES, NO_LINKS)
    claim_links_suggest(claim_id=cia.pk)

    page = editor_client.get(reverse("admin:claims_claim_change", args=[cia.pk])).content.decode()

    assert "suggested 1 new links" in page


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_links_a_claim_end_to_end(worker: Worker) -> None:
    story = factories.StoryFactory()
    cia = claim_create(text=CIA_TIES, story=story)
    no_links = claim_create(text=NO_LINKS, story=story)

    link_claim.delay(cia.pk)

    deadline = time.monotonic() + WORKER_SECONDS
    while not LinkingRun.objects.filter(claim=cia, finished_at__isnull=False).exists():
        assert worker.process.poll() is None, f"the worker stopped:\n{worker.output()}"
        assert time.monotonic() < deadline, f"not linked in {WORKER_SECONDS} s:\n{worker.output()}"
        time.sleep(0.2)
    assert [link.relation for link in links_between(cia, no_links)] == ["contradicts"]
    assert settings.CELERY_TASK_ALWAYS_EAGER  # the test process itself still runs jobs in-process


@pytest.fixture
def embeddings_on(settings) -> None:  # type: ignore[no-untyped-def]
    from claims.linking import embeddings

    settings.ATTEST_EMBEDDINGS = True
    embeddings._warned.clear()


def has_vector_store() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM information_schema.columns "
            "WHERE table_name = 'claims_claimembedding' AND column_name = 'embedding')"
        )
        return bool(cursor.fetchone()[0])


@pytest.mark.django_db
@pytest.mark.usefixtures("embeddings_on")
def test_without_pgvector_retrieval_falls_back_to_text_search_and_says_so(
    claims_of: Callable[..., list[Claim]], caplog: pytest.LogCaptureFixture
) -> None:
    opened_fire, forces_fired = claims_of(OPENED_FIRE, FORCES_FIRED)
    with connection.cursor() as cursor:  # a server without pgvector has no vector column
        cursor.execute("ALTER TABLE claims_claimembedding DROP COLUMN IF EXISTS embedding")

    found = list(candidate_claims(opened_fire))

    assert found == [forces_fired]
    assert "full-text search only" in caplog.text


def require_embeddings() -> None:
    pytest.importorskip("sentence_transformers", reason="embeddings are optional: requirements-embeddings.txt")
    if not has_vector_store():
        pytest.skip("this PostgreSQL server has no pgvector")


@pytest.mark.django_db
@pytest.mark.usefixtures("embeddings_on")
def test_embeddings_find_a_claim_that_shares_no_words(claims_of: Callable[..., list[Claim]]) -> None:
    require_embeddings()
    resigned, stepped_down, weather = claims_of(
        "The minister resigned on Tuesday.", "A cabinet member stepped down.", "Heavy rain flooded the valley."
    )
    for claim in (stepped_down, weather):
        candidate_claims(claim)  # stores their embeddings, as each one's linking job does

    found = list(candidate_claims(resigned))

    assert stepped_down in found
    assert not list(claims_sharing_words(resigned))


@pytest.mark.django_db
@pytest.mark.usefixtures("embeddings_on")
def test_with_embeddings_on_saving_claims_stores_their_embeddings_and_the_job_suggests_the_link(
    claims_of: Callable[..., list[Claim]],
    settings: pytest.FixtureRequest,
    django_capture_on_commit_callbacks: Callable,
) -> None:
    require_embeddings()
    settings.ATTEST_LINK_ON_SAVE = True  # type: ignore[attr-defined]

    # Each save queues the linking job, which runs, as in a worker, with its writes named in the history.
    with django_capture_on_commit_callbacks(execute=True):
        cia = claims_of(CIA_TIES)[0]
    with django_capture_on_commit_callbacks(execute=True):
        no_links = claims_of(NO_LINKS)[0]

    assert set(ClaimEmbedding.objects.values_list("claim_id", flat=True)) == {cia.pk, no_links.pk}
    assert [link.relation for link in links_between(cia, no_links)] == ["contradicts"]


@pytest.mark.django_db
@pytest.mark.usefixtures("embeddings_on")
def test_with_embeddings_on_relink_embeds_and_links_every_claim(
    seed_story: Story,
    capsys: pytest.CaptureFixture[str],
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    require_embeddings()
    ClaimLink.objects.all().delete()
    claim_ids = set(seed_story.claims.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("relink")

    assert f"Queued linking for {len(claim_ids)} claims." in capsys.readouterr().out
    assert set(ClaimEmbedding.objects.values_list("claim_id", flat=True)) == claim_ids
    assert set(LinkingRun.objects.filter(finished_at__isnull=False).values_list("claim_id", flat=True)) == claim_ids
    assert ClaimLink.objects.filter(origin="detector", relation="contradicts").exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("embeddings_on")
def test_with_embeddings_on_load_seed_links_the_story_as_it_loads(
    settings: pytest.FixtureRequest,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    require_embeddings()
    settings.ATTEST_LINK_ON_SAVE = True  # type: ignore[attr-defined]

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_seed", str(settings.BASE_DIR / "fixtures" / "el-junquito"), stdout=StringIO())  # type: ignore[attr-defined]

    claim_ids = set(Claim.objects.values_list("pk", flat=True))
    assert claim_ids
    assert set(ClaimEmbedding.objects.values_list("claim_id", flat=True)) == claim_ids
    assert ClaimLink.objects.filter(origin="detector").exists()
