"""The OpenAPI document says what the API does: who may call each operation, how lists are paged, the bounds of
ids and page sizes, the fields a body may hold and the type of each filter."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.api import World, problem_of

MAX_ID = 2**63 - 1


@pytest.fixture
def schema(anonymous: APIClient) -> dict[str, Any]:
    response = anonymous.get("/api/schema/?format=json")
    assert response.status_code == 200
    return dict(response.json())


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, operation) for path, item in schema["paths"].items() for method, operation in item.items()]


def parameter(operation: dict[str, Any], name: str) -> dict[str, Any]:
    return next(found for found in operation.get("parameters", ()) if found["name"] == name)


def test_each_operation_declares_who_may_call_it(schema: dict[str, Any]) -> None:
    paths = schema["paths"]
    anyone = [{}, {"apiToken": []}, {"cookieAuth": []}]
    writers = [{"apiToken": ["write"]}, {"cookieAuth": []}]
    assert paths["/api/v1/claims"]["get"]["security"] == anyone
    assert paths["/api/v1/claims/{id}/claimreview"]["get"]["security"] == anyone
    assert paths["/api/v1/claims"]["post"]["security"] == writers
    assert paths["/api/v1/claims/{id}/steps"]["post"]["security"] == writers
    assert paths["/api/v1/claimreviews/import"]["post"]["security"] == writers
    assert paths["/api/v1/match"]["post"]["security"] == anyone
    # A client's webhooks: its token only, not a session.
    assert paths["/api/v1/webhooks"]["get"]["security"] == [{"apiToken": []}]
    assert paths["/api/v1/webhooks"]["post"]["security"] == [{"apiToken": ["write"]}]
    assert paths["/api/v1/webhooks/{id}"]["delete"]["security"] == [{"apiToken": ["write"]}]


def test_what_is_documented_as_open_answers_anonymous_requests(
    schema: dict[str, Any], anonymous: APIClient, world: World
) -> None:
    for method, path, operation in operations(schema):
        if method != "get" or "{" in path:
            continue
        status = anonymous.get(path).status_code
        if {} in operation["security"]:
            assert status == 200, path
        else:
            assert status == 401, path


def test_every_list_is_paged_by_cursor_with_bounded_page_sizes(
    schema: dict[str, Any], reader: APIClient, world: World
) -> None:
    paged = [path for method, path, operation in operations(schema) if "cursor" in str(operation.get("parameters"))]
    assert "/api/v1/webhooks/{id}/deliveries" in paged
    assert "/api/v1/claimreviews" in paged
    for method, path, operation in operations(schema):
        if path not in paged or method != "get":
            continue
        assert parameter(operation, "page_size")["schema"] == {
            "type": "integer",
            "minimum": 1,
            "maximum": 100,
            "default": 25,
        }
        body = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        assert schema["components"]["schemas"][body]["required"] == ["next", "previous", "results"]
    assert reader.get("/api/v1/claims", {"page_size": 100}).status_code == 200
    assert "page_size" in problem_of(reader.get("/api/v1/claims", {"page_size": 101}))["errors"]


def test_ids_in_paths_are_bounded_integers(schema: dict[str, Any], reader: APIClient, world: World) -> None:
    for _method, path, operation in operations(schema):
        if "{id}" in path:
            assert parameter(operation, "id")["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_ID}, path
    assert reader.get(f"/api/v1/claims/{world.published.pk}").status_code == 200
    assert reader.get(f"/api/v1/claims/{MAX_ID}").status_code == 404
    assert reader.get(f"/api/v1/claims/{MAX_ID + 1}").status_code == 404


def test_request_bodies_refuse_unknown_fields_as_documented(schema: dict[str, Any], desk_writer: APIClient) -> None:
    components = schema["components"]["schemas"]
    bodies = set()
    for _method, _path, operation in operations(schema):
        content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
        if "$ref" in content.get("schema", {}):
            bodies.add(content["schema"]["$ref"].rsplit("/", 1)[-1])
    assert len(bodies) >= 15
    assert [name for name in sorted(bodies) if components[name].get("additionalProperties") is not False] == []
    refused = desk_writer.post("/api/v1/claims", {"text": "A claim.", "texte": "misspelt"}, format="json")
    assert problem_of(refused)["errors"] == {"texte": ["This field is unknown here."]}


@pytest.mark.parametrize("path", ["/api/v1/claims", "/api/v1/statements"])
def test_the_story_filter_takes_a_story_id(path: str, schema: dict[str, Any], reader: APIClient, world: World) -> None:
    story = parameter(schema["paths"][path]["get"], "story")
    assert story["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    story_id = world.published.story_id
    assert reader.get(path, {"story": story_id}).json()["results"]
    assert reader.get(path, {"story": story_id + 1000}).json()["results"] == []
    assert "story" in problem_of(reader.get(path, {"story": world.published.story.slug}))["errors"]
