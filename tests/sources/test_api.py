"""The outlet, actor and source endpoints, and sending a story to read with an Idempotency-Key."""

import threading
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from claims.models import Ingestion, Statement
from sources.models import Source
from tests import factories
from tests.api import World, problem_of, token_client

STORY = "The mayor said the new bridge would open in March. Councillors denied it."


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_readers_see_only_speakers_and_sources_of_published_claims(reader: APIClient, world: World) -> None:
    assert world.public_speaker_id in ids(reader.get("/api/v1/actors"))
    assert world.secret_speaker_id not in ids(reader.get("/api/v1/actors"))
    assert world.public_source_id in ids(reader.get("/api/v1/sources"))
    assert world.secret_source_id not in ids(reader.get("/api/v1/sources"))
    assert reader.get(f"/api/v1/sources/{world.secret_source_id}").status_code == 404
    assert reader.get(f"/api/v1/actors/{world.secret_speaker_id}").status_code == 404


def test_the_desk_sees_every_source_with_its_text(desk_reader: APIClient, world: World) -> None:
    body = desk_reader.get(f"/api/v1/sources/{world.secret_source_id}").json()
    assert "We have no money left" in body["text"]


UNICODE_LINK = "https://bücher.example/neue-brücke"
ASCII_LINK = "https://xn--bcher-kva.example/neue-br%C3%BCcke"


def test_a_link_with_a_non_ascii_site_name_is_stored_and_shown_in_ascii(desk_writer: APIClient, db: None) -> None:
    first = desk_writer.post("/api/v1/sources", {"url": UNICODE_LINK}, format="json", HTTP_IDEMPOTENCY_KEY="idn")
    assert first.status_code == 202, first.content
    assert first.json()["link"] == ASCII_LINK
    assert desk_writer.get(first["Location"]).json()["link"] == ASCII_LINK


def test_a_source_is_known_by_its_link_however_its_site_name_is_written(desk_writer: APIClient, db: None) -> None:
    stored = desk_writer.post(
        "/api/v1/sources", {"extract": False, "title": "Neue Brücke", "url": UNICODE_LINK}, format="json"
    )
    assert stored.status_code == 201, stored.content
    assert stored.json()["address"] == ASCII_LINK
    twin = desk_writer.post("/api/v1/sources", {"extract": False, "title": "Again", "url": ASCII_LINK}, format="json")
    assert twin.status_code == 400
    assert "url" in problem_of(twin)["errors"]


def test_actor_search_by_any_alias_ignoring_accents(desk_writer: APIClient, db: None) -> None:
    created = desk_writer.post(
        "/api/v1/actors", {"name": "Oscar Pérez", "aliases": ["Mr Pérez"], "kind": "person"}, format="json"
    )
    assert created.status_code == 201, created.content
    assert {alias["name"] for alias in created.json()["aliases"]} == {"Oscar Pérez", "Mr Pérez"}
    assert ids(desk_writer.get("/api/v1/actors", {"q": "mr perez"})) == {created.json()["id"]}
    alias = desk_writer.post(f"/api/v1/actors/{created.json()['id']}/aliases", {"name": "Perez"}, format="json")
    assert alias.status_code == 201
    twice = desk_writer.post(f"/api/v1/actors/{created.json()['id']}/aliases", {"name": "perez"}, format="json")
    assert twice.status_code == 400
    problem_of(twice)


def test_outlet_writes_and_validation(desk_writer: APIClient, db: None) -> None:
    created = desk_writer.post(
        "/api/v1/outlets", {"name": "BBC", "home_domain": "https://www.BBC.co.uk/news", "reliability": 4}, format="json"
    )
    assert created.status_code == 201, created.content
    assert created.json()["home_domain"] == "www.bbc.co.uk"
    bad = desk_writer.patch(f"/api/v1/outlets/{created.json()['id']}", {"reliability": 9}, format="json")
    assert bad.status_code == 400
    assert "reliability" in problem_of(bad)["errors"]


def test_a_source_stored_as_given(desk_writer: APIClient, db: None) -> None:
    response = desk_writer.post(
        "/api/v1/sources", {"extract": False, "title": "The mayor's statement", "text": STORY}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["text"] == STORY


def test_a_story_to_read_is_queued_and_answered_with_the_intake(
    desk_writer: APIClient, db: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as queued:
        response = desk_writer.post("/api/v1/sources", {"text": STORY}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 202, response.content
    assert len(queued) == 1
    intake = response.json()
    assert response["Location"].endswith(f"/api/v1/intakes/{intake['id']}")
    assert desk_writer.get(response["Location"]).json()["status"] == "queued"


def test_a_story_to_read_names_its_outlet_and_narrates_as_it(
    desk_writer: APIClient, db: None, django_capture_on_commit_callbacks: Any
) -> None:
    reuters = factories.OutletFactory(name="Reuters", home_domain="reuters.com")
    story = f"{STORY}\n\nTwo cables of the old bridge snapped on Monday."

    with django_capture_on_commit_callbacks(execute=True):
        response = desk_writer.post("/api/v1/sources", {"text": story, "outlet": reuters.pk}, format="json")

    assert response.status_code == 202, response.content
    assert response.json()["outlet"] == reuters.pk
    intake = desk_writer.get(response["Location"]).json()
    assert (intake["status"], intake["outlet"]) == ("succeeded", reuters.pk)
    assert desk_writer.get(f"/api/v1/sources/{intake['source']}").json()["outlet"] == reuters.pk
    narrated = Statement.objects.filter(ingestion_id=intake["id"], speaker__name="Reuters")
    assert [statement.claim.text for statement in narrated] == ["Two cables of the old bridge snapped on Monday."]


@pytest.mark.parametrize("extract", [True, False])
def test_an_unknown_outlet_is_a_400_naming_it(desk_writer: APIClient, db: None, extract: bool) -> None:
    response = desk_writer.post(
        "/api/v1/sources", {"text": STORY, "title": "Bridge", "outlet": 999999, "extract": extract}, format="json"
    )

    assert response.status_code == 400, response.content
    assert list(problem_of(response)["errors"]) == ["outlet"]
    assert (Ingestion.objects.count(), Source.objects.count()) == (0, 0)


def test_the_same_idempotency_key_and_body_give_the_same_intake(desk_writer: APIClient, db: None) -> None:
    first = desk_writer.post("/api/v1/sources", {"text": STORY}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    again = desk_writer.post("/api/v1/sources", {"text": STORY}, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert (first.status_code, again.status_code) == (202, 202)
    assert first.json()["id"] == again.json()["id"]
    assert Ingestion.objects.count() == 1


def test_a_retry_after_the_job_ran_gets_the_first_answer_again(desk_writer: APIClient, db: None) -> None:
    first = desk_writer.post("/api/v1/sources", {"text": STORY}, format="json", HTTP_IDEMPOTENCY_KEY="k-job")
    assert first.status_code == 202, first.content
    # What the job does meanwhile: it opens a story for the intake and reads it.
    Ingestion.objects.filter(pk=first.json()["id"]).update(
        story=factories.StoryFactory(), status=Ingestion.Status.RUNNING, progress=40
    )
    again = desk_writer.post("/api/v1/sources", {"text": STORY}, format="json", HTTP_IDEMPOTENCY_KEY="k-job")
    assert (again.status_code, again.json(), again["Location"]) == (202, first.json(), first["Location"])
    assert Ingestion.objects.count() == 1


def test_a_source_stored_as_given_is_answered_once_per_key(desk_writer: APIClient, db: None) -> None:
    body = {"extract": False, "title": "The mayor's statement", "text": STORY}
    first = desk_writer.post("/api/v1/sources", body, format="json", HTTP_IDEMPOTENCY_KEY="k-source")
    again = desk_writer.post("/api/v1/sources", body, format="json", HTTP_IDEMPOTENCY_KEY="k-source")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Source.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_make_one_intake(monkeypatch: pytest.MonkeyPatch) -> None:
    from claims.api.sources import views

    client, _ = token_client(name="Busy desk", roles=["editor"], scopes=["write", "read:all"])
    inside, answers = threading.Event(), {}
    original = views.ingestion_request

    def slow_first(**kwargs: Any) -> Ingestion:
        intake = original(**kwargs)
        if not inside.is_set():
            inside.set()
            time.sleep(1)  # the second request arrives while the first has written but not committed
        return intake

    monkeypatch.setattr(views, "ingestion_request", slow_first)

    def send(name: str) -> None:
        try:
            answers[name] = client.post(
                "/api/v1/sources", {"text": STORY}, format="json", HTTP_IDEMPOTENCY_KEY="k-race"
            )
        finally:
            connection.close()

    first = threading.Thread(target=send, args=("first",))
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=send, args=("second",))
    second.start()
    first.join()
    second.join()
    assert (answers["first"].status_code, answers["second"].status_code) == (202, 202), answers["second"].content
    assert answers["second"].json() == answers["first"].json()
    assert Ingestion.objects.count() == 1


def test_the_same_idempotency_key_with_another_body_is_a_422(desk_writer: APIClient, db: None) -> None:
    desk_writer.post("/api/v1/sources", {"text": STORY}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    other = desk_writer.post("/api/v1/sources", {"text": STORY + " More."}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    assert other.status_code == 422
    assert "Idempotency-Key" in problem_of(other)["detail"]
    assert Ingestion.objects.count() == 1


def test_idempotency_keys_belong_to_their_client(desk_writer: APIClient, db: None) -> None:
    other, _ = token_client(name="Other desk", roles=["editor"], scopes=["write", "read:all"])
    first = desk_writer.post("/api/v1/sources", {"text": STORY}, format="json", HTTP_IDEMPOTENCY_KEY="same")
    second = other.post("/api/v1/sources", {"text": STORY + " Other."}, format="json", HTTP_IDEMPOTENCY_KEY="same")
    assert (first.status_code, second.status_code) == (202, 202)
    assert first.json()["id"] != second.json()["id"]


def test_without_a_key_each_request_is_a_new_intake_and_bad_input_is_a_400(desk_writer: APIClient, db: None) -> None:
    assert desk_writer.post("/api/v1/sources", {"text": STORY}, format="json").status_code == 202
    assert desk_writer.post("/api/v1/sources", {"text": STORY}, format="json").status_code == 202
    assert Ingestion.objects.count() == 2
    both = desk_writer.post("/api/v1/sources", {"text": STORY, "url": "https://example.org/a"}, format="json")
    assert both.status_code == 400
    problem_of(both)


def test_intakes_are_private_to_their_client(desk_writer: APIClient, reader: APIClient, db: None) -> None:
    location = desk_writer.post("/api/v1/sources", {"text": STORY}, format="json")["Location"]
    assert reader.get(location).status_code == 404


def test_the_source_list_leaves_the_text_out(desk_reader: APIClient, db: None) -> None:
    factories.SourceFactory()
    row = desk_reader.get("/api/v1/sources").json()["results"][0]
    assert "text" not in row


def test_dates_in_any_offset_filter_and_dates_out_of_range_are_a_400(desk_reader: APIClient, db: None) -> None:
    source = factories.SourceFactory(published_at=datetime(2024, 3, 1, 12, tzinfo=UTC))
    # 23:30 at UTC-17:30 is 17:00 the next day in UTC: an offset Python accepts and PostgreSQL does not.
    assert source.pk in ids(desk_reader.get("/api/v1/sources", {"published_before": "2024-02-29T23:30:00-17:30"}))
    assert ids(desk_reader.get("/api/v1/sources", {"published_before": "2024-02-29T18:00:00-17:30"})) == set()
    refused = desk_reader.get("/api/v1/claims", {"created_after": "0001-01-01T00:00:00+05:00"})
    assert refused.status_code == 400
    assert "created_after" in problem_of(refused)["errors"]
