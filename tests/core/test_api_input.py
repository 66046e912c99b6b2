"""Hostile input every endpoint refuses the same way: deep or huge JSON, text PostgreSQL cannot store,
credentials in the address, unknown parameters; and OPTIONS, which every endpoint answers."""

import logging
import re
import runpy

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from tests import factories
from tests.api import problem_of

# Where a body is read: by anyone (match), and with the write scope (the import).
BODIES = [("/api/v1/match", "anonymous"), ("/api/v1/claimreviews/import", "desk_writer")]


def nested(levels: int) -> str:
    return '{"text": ' * levels + '"x"' + "}" * levels


@pytest.mark.parametrize("levels", [1_000, 100_000])
@pytest.mark.parametrize(("path", "who"), BODIES)
def test_deeply_nested_json_is_a_400_before_any_work(
    path: str, who: str, levels: int, request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> None:
    client = request.getfixturevalue(who)
    response = client.post(path, data=nested(levels), content_type="application/json")
    assert response.status_code == 400, response.content
    assert "32 deep" in problem_of(response)["detail"]
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_nesting_within_the_bound_is_read_and_brackets_in_strings_do_not_count(desk_writer: APIClient) -> None:
    text = "[" * 200 + "{" * 200
    response = desk_writer.post("/api/v1/match", {"text": text, "limit": 1}, format="json")
    assert response.status_code == 200, response.content
    response = desk_writer.post("/api/v1/match", data='{"text": [[[["a"]]]]}', content_type="application/json")
    assert response.status_code == 400
    assert "text" in problem_of(response)["errors"]


@override_settings(ATTEST_API_MAX_BODY_BYTES=10_000)
@pytest.mark.parametrize(("path", "who"), BODIES)
def test_an_oversized_body_is_a_413_problem(path: str, who: str, request: pytest.FixtureRequest) -> None:
    response = request.getfixturevalue(who).post(
        path, data='{"text": "' + "x" * 20_000 + '"}', content_type="application/json"
    )
    assert response.status_code == 413
    assert "10,000 bytes" in problem_of(response)["detail"]


UNSTORABLE = {"NUL": "\\u0000", "lone surrogate": "\\ud800", "lone low surrogate": "\\udfff"}


@pytest.mark.parametrize("escape", UNSTORABLE.values(), ids=UNSTORABLE.keys())
def test_claimreview_import_refuses_unstorable_text_naming_the_field(desk_writer: APIClient, escape: str) -> None:
    body = '{"@type": "ClaimReview", "claimReviewed": "The moon is ' + escape + ' cheese."}'
    response = desk_writer.post("/api/v1/claimreviews/import", data=body, content_type="application/json")
    assert response.status_code == 400, response.content
    problem = problem_of(response)
    assert list(problem["errors"]) == ["claimReviewed"]
    assert escape in problem["errors"]["claimReviewed"][0]


@pytest.mark.parametrize("escape", UNSTORABLE.values(), ids=UNSTORABLE.keys())
@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/claims", '{"text": "A claim %s."}', "text"),
        ("/api/v1/actors", '{"name": "Oscar", "kind": "person", "aliases": ["P\\u00e9rez", "Mr %s"]}', "aliases.1"),
        ("/api/v1/match", '{"text": "x", "%s": 1}', "\ufffd"),
        (
            "/api/v1/claimreviews/import",
            '{"@graph": [{"claimReviewed": "ok"}, {"claimReviewed": "%s"}]}',
            "@graph.1.claimReviewed",
        ),
    ],
)
def test_every_endpoint_refuses_unstorable_text_by_its_path(
    desk_writer: APIClient, escape: str, path: str, body: str, field: str
) -> None:
    response = desk_writer.post(path, data=body.replace("%s", escape), content_type="application/json")
    assert response.status_code == 400, response.content
    assert list(problem_of(response)["errors"]) == [field]


def test_a_surrogate_pair_is_a_character_and_is_kept(desk_writer: APIClient) -> None:
    story = factories.StoryFactory()
    body = '{"text": "The siege lasted ten hours \\ud83d\\ude01.", "story": ' + str(story.pk) + "}"
    response = desk_writer.post("/api/v1/claims", data=body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["text"].endswith("\U0001f601.")


def api_routes() -> list[str]:
    """Every address of the API's router and of its own views, with an id where one is asked for."""
    api = next(
        pattern
        for pattern in get_resolver().url_patterns
        if isinstance(pattern, URLResolver) and str(pattern.pattern) == "api/"
    )
    version = next(pattern for pattern in api.url_patterns if str(pattern.pattern) == "v1/")
    paths = set()
    for pattern in version.url_patterns:
        assert isinstance(pattern, URLPattern)
        route = str(pattern.pattern).lstrip("^").rstrip("$")
        if "format" in route:
            continue
        paths.add("/api/v1/" + re.sub(r"\(\?P<[a-z_]+>[^)]*\)", "1", route))
    return sorted(paths)


def test_the_route_list_covers_the_api() -> None:
    routes = api_routes()
    assert {"/api/v1/match", "/api/v1/claimreviews/import", "/api/v1/claims/1", "/api/v1/webhooks"} <= set(routes)


@pytest.mark.parametrize("path", api_routes())
def test_options_answers_200_on_every_endpoint(anonymous: APIClient, desk_writer: APIClient, path: str) -> None:
    for client in (anonymous, desk_writer):
        response = client.options(path)
        assert response.status_code == 200, (path, response.content)
        assert response.json()["name"]


SECRET = "attest_0123456789ab_" + "s" * 43


@pytest.mark.parametrize("parameter", ["access_token", "token", "api_key", "apiKey", "access%5Ftoken", "client_secret"])
def test_a_token_in_the_address_is_refused_and_never_echoed(anonymous: APIClient, parameter: str) -> None:
    response = anonymous.get(f"/api/v1/claims?{parameter}={SECRET}&q=siege")
    assert response.status_code == 400, response.content
    problem = problem_of(response)
    assert "Authorization header" in problem["detail"]
    assert SECRET not in response.content.decode()
    assert problem["instance"] == f"/api/v1/claims?{parameter}=[redacted]&q=siege"


def test_a_token_in_the_address_of_match_or_of_no_endpoint_is_never_echoed(anonymous: APIClient) -> None:
    response = anonymous.post(f"/api/v1/match?api_key={SECRET}", {"text": "x"}, format="json")
    assert response.status_code == 400
    assert list(problem_of(response)["errors"]) == ["api_key"]
    missing = anonymous.get(f"/api/v1/nothing-here?access_token={SECRET}")
    assert missing.status_code == 404
    assert problem_of(missing)["instance"] == "/api/v1/nothing-here?access_token=[redacted]"


def test_the_access_logs_hide_credentials(capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    gunicorn_conf = runpy.run_path(str(settings.BASE_DIR / "deploy" / "gunicorn.conf.py"))
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", gunicorn_conf["access_log_format"])
    logger = gunicorn_conf["logger_class"](config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/api/v1/claims?q=siege&access_token={SECRET}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    response = SimpleNamespace(status="400 Bad Request", sent=10, headers=[("X-Request-ID", "abc")])
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=3))
    line = capsys.readouterr().out
    assert '"GET /api/v1/claims?q=siege&access_token=[redacted] HTTP/1.1" 400' in line
    assert SECRET not in line

    # The development server's request line goes through the handlers Django's logging settings give it.
    record = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s', (environ["RAW_URI"], 400, 10), None
    )
    for handler in logging.getLogger("django.server").handlers:
        handler.filter(record)
    assert record.getMessage() == '"/api/v1/claims?q=siege&access_token=[redacted]" 400 10'


def test_match_refuses_an_unknown_query_parameter(anonymous: APIClient) -> None:
    response = anonymous.post("/api/v1/match?limit=3&lang=en", {"text": "x"}, format="json")
    assert response.status_code == 400
    assert set(problem_of(response)["errors"]) == {"lang", "limit"}
