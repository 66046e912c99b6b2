"""Who may open what: every address of the API, the public pages and the admin, against everyone who may ask.

Each row is one request; its columns are the status each subject gets, in the order of `SUBJECTS`:
anonymous, the researcher, the reviewer and the editor signed in to the admin, and a token of each scope
(read:published, read:all, write), each held by an API client with the editor's role, so that what a token
may do is what its scope allows. "login" is a redirect to the admin's sign-in page.

The rows are checked against the URL configuration: an address or a method without a row fails the test, so a
new endpoint cannot ship without someone deciding who may use it.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views.generic import RedirectView
from rest_framework.test import APIClient

from claims.models import Claim
from tests.security.conftest import SUBJECTS, Newsroom

Ids = dict[str, Any]


@dataclass(frozen=True)
class Row:
    route: str  # a URL name, or the route of an unnamed pattern
    method: str
    target: str | None  # the object the address is about, a key of Newsroom.ids
    expected: str  # one status per subject, in the order of SUBJECTS
    body: Callable[[Ids], Any] | None = None

    @property
    def label(self) -> str:
        return f"{self.method} {self.route}" + (f" ({self.target})" if self.target else "")


def r(route: str, method: str, target: str | None, expected: str, body: Callable[[Ids], Any] | None = None) -> Row:
    return Row(route, method, target, expected, body)


def claimreview_document(ids: Ids) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": "https://factcheck.partner.example/reviews/bridge-tolls",
        "claimReviewed": "Tolls on the new bridge will double next year.",
        "datePublished": "2026-11-20",
        "author": {"@type": "Organization", "name": "Partner Check", "url": "https://factcheck.partner.example/"},
        "reviewRating": {"@type": "Rating", "alternateName": "False", "ratingValue": 1, "bestRating": 5},
    }


# fmt: off
API = [
    #  route                        method   target                expected: anon res rev edi  t:pub t:all t:write
    r("api:claim-list",             "GET",   None,                 "200 200 200 200 200 200 200"),
    r("api:claim-list",             "POST",  None,                 "401 201 403 201 403 403 201",
      lambda ids: {"text": "The ferry will stop running in June."}),
    r("api:claim-detail",           "GET",   "published claim",    "200 200 200 200 200 200 200"),
    r("api:claim-detail",           "GET",   "unpublished claim",  "404 200 200 200 404 200 404"),
    r("api:claim-detail",           "PATCH", "unpublished claim",  "401 200 200 200 403 403 404",
      lambda ids: {"expected_version": ids["version of unpublished claim"], "text": "The treasurer is broke."}),
    r("api:claim-claimreview",      "GET",   "published claim",    "200 200 200 200 200 200 200"),
    r("api:claim-claimreview",      "GET",   "unpublished claim",  "404 404 404 404 404 404 404"),
    r("api:claim-steps",            "POST",  "unpublished claim",  "401 200 403 200 403 403 404",
      lambda ids: {"step": "start_research"}),
    r("api:claim-steps",            "POST",  "published claim",    "401 403 403 200 403 403 200",
      lambda ids: {"step": "reopen", "reason": "A reader sent a newer council report."}),
    r("api:claim-verdict",          "POST",  "unpublished claim",  "401 200 403 200 403 403 404",
      lambda ids: {"rating": "false", "conclusion": "The accounts show a surplus."}),
    r("api:statement-list",         "GET",   None,                 "200 200 200 200 200 200 200"),
    r("api:statement-list",         "POST",  None,                 "401 201 403 201 403 403 201",
      lambda ids: {"claim": ids["published claim"], "speaker": ids["public speaker"], "source": ids["public source"],
                   "quote": "We have no money left", "stance": "denies"}),
    r("api:statement-detail",       "GET",   "public statement",   "200 200 200 200 200 200 200"),
    r("api:statement-detail",       "GET",   "secret statement",   "404 200 200 200 404 200 404"),
    r("api:statement-detail",       "PATCH", "public statement",   "401 200 403 200 403 403 200",
      lambda ids: {"cue": "told reporters"}),
    r("api:evidence-list",          "GET",   None,                 "200 200 200 200 200 200 200"),
    r("api:evidence-list",          "POST",  None,                 "401 201 201 201 403 403 201",
      lambda ids: {"claim": ids["published claim"], "source": ids["public source"], "effect": "supports",
                   "quote": "Opposition councillors denied"}),
    r("api:evidence-detail",        "GET",   "public evidence",    "200 200 200 200 200 200 200"),
    r("api:evidence-detail",        "GET",   "secret evidence",    "404 200 200 200 404 200 404"),
    r("api:evidence-detail",        "PATCH", "public evidence",    "401 200 200 200 403 403 200",
      lambda ids: {"note": "Page 4 of the minutes."}),
    r("api:link-list",              "GET",   None,                 "200 200 200 200 200 200 200"),
    r("api:link-list",              "POST",  None,                 "401 403 201 201 403 403 201",
      lambda ids: {"from_claim": ids["published claim"], "to_claim": ids["public statement"] and
                   ids["published claim"] + 1, "relation": "duplicates"}),
    r("api:link-detail",            "GET",   "public link",        "200 200 200 200 200 200 200"),
    r("api:link-detail",            "GET",   "secret link",        "404 200 200 200 404 200 404"),
    r("api:link-detail",            "GET",   "suggested link",     "404 200 200 200 404 200 404"),
    r("api:link-decision",          "POST",  "public link",        "401 403 200 200 403 403 200",
      lambda ids: {"decision": "rejected"}),
    r("api:link-decision",          "POST",  "suggested link",     "401 403 200 200 403 403 404",
      lambda ids: {"decision": "confirmed"}),
    r("api:link-decisions",         "POST",  None,                 "401 403 200 200 403 403 200",
      lambda ids: {"links": [ids["public link"]], "decision": "rejected"}),
    r("api:story-list",             "GET",   None,                 "200 200 200 200 200 200 200"),
    r("api:story-detail",           "GET",   "public story",       "200 200 200 200 200 200 200"),
    r("api:story-detail",           "GET",   "secret story",       "404 200 200 200 404 200 404"),
    r("api:rating-list",            "GET",   None,                 "200 200 200 200 200 200 200"),
    r("api:intake-list",            "GET",   None,                 "200 200 200 200 200 200 200"),
    r("api:intake-detail",          "GET",   "intake",             "404 200 200 200 404 200 404"),
    r("api:claimreview-list",       "GET",   None,                 "200 200 200 200 200 200 200"),
    # Importing publishes the other fact-checker's verdict, which only an editor may do.
    r("api:claimreview-import-reviews", "POST", None,              "401 403 403 200 403 403 200",
      claimreview_document),
    r("api:source-list",            "GET",   None,                 "200 200 200 200 200 200 200"),
    r("api:source-list",            "POST",  None,                 "401 201 403 201 403 403 201",
      lambda ids: {"extract": False, "title": "Council minutes, 3 March", "text": "The council met at noon."}),
    r("api:source-detail",          "GET",   "public source",      "200 200 200 200 200 200 200"),
    r("api:source-detail",          "GET",   "secret source",      "404 200 200 200 404 200 404"),
    r("api:source-detail",          "PATCH", "public source",      "401 200 403 200 403 403 200",
      lambda ids: {"author": "Council press office"}),
    r("api:actor-list",             "GET",   None,                 "200 200 200 200 200 200 200"),
    r("api:actor-list",             "POST",  None,                 "401 201 403 201 403 403 201",
      lambda ids: {"name": "Harbour Master Ines Duarte"}),
    r("api:actor-detail",           "GET",   "public speaker",     "200 200 200 200 200 200 200"),
    r("api:actor-detail",           "GET",   "secret speaker",     "404 200 200 200 404 200 404"),
    r("api:actor-detail",           "PATCH", "public speaker",     "401 200 403 200 403 403 200",
      lambda ids: {"description": "Mayor since 2022."}),
    r("api:actor-aliases",          "POST",  "public speaker",     "401 201 403 201 403 403 201",
      lambda ids: {"name": "the mayor's office"}),
    r("api:outlet-list",            "GET",   None,                 "200 200 200 200 200 200 200"),
    r("api:outlet-list",            "POST",  None,                 "401 403 403 201 403 403 201",
      lambda ids: {"name": "Harbour Gazette"}),
    r("api:outlet-detail",          "GET",   "public outlet",      "200 200 200 200 200 200 200"),
    r("api:outlet-detail",          "GET",   "secret outlet",      "404 200 200 200 404 200 404"),
    r("api:outlet-detail",          "PATCH", "public outlet",      "401 403 403 200 403 403 200",
      lambda ids: {"reliability": 4}),
    # Webhooks belong to an API client: only its own token sees them; the desk's sessions have none.
    r("api:webhook-list",           "GET",   None,                 "401 403 403 403 200 200 200"),
    r("api:webhook-list",           "POST",  None,                 "401 403 403 403 403 403 201",
      lambda ids: {"target": "https://hooks.partner.example/new", "events": ["link.confirmed"]}),
    r("api:webhook-detail",         "GET",   "webhook",            "401 403 403 403 404 404 200"),
    r("api:webhook-detail",         "DELETE", "webhook",           "401 403 403 403 403 403 204"),
    r("api:webhook-deliveries",     "GET",   "webhook",            "401 403 403 403 404 404 200"),
    r("api:match",                  "POST",  None,                 "200 200 200 200 200 200 200",
      lambda ids: {"text": "The treasurer says there is no money left"}),
    r("schema",                     "GET",   None,                 "200 200 200 200 200 200 200"),
    r("schema-swagger",             "GET",   None,                 "200 200 200 200 200 200 200"),
    r("schema-redoc",               "GET",   None,                 "200 200 200 200 200 200 200"),
    r("claims:public-claims",       "GET",   None,                 "200 200 200 200 200 200 200"),
    r("claims:public-claim",        "GET",   "published claim",    "200 200 200 200 200 200 200"),
    r("claims:public-claim",        "GET",   "unpublished claim",  "404 404 404 404 404 404 404"),
    r("healthz",                    "GET",   None,                 "200 200 200 200 200 200 200"),
    # The test client asks from 127.0.0.1, where metrics are served without their token.
    r("metrics",                    "GET",   None,                 "200 200 200 200 200 200 200"),
    r("",                           "GET",   None,                 "302 302 302 302 302 302 302"),
]
# fmt: on

# readyz asks the broker, which the test settings do not run; tests/core/test_health.py covers it.
NOT_IN_THE_MATRIX = {("readyz", "GET")}


# The admin, for the three roles; a token is nobody there (the admin reads sessions, not tokens), so its three
# columns are the anonymous visitor's. Rows with seven columns say otherwise.
# fmt: off
ADMIN = [
    #  route                                         target               expected: anon res rev edi
    r("admin:index",                                 "GET", None,          "login 200 200 200"),
    r("admin:login",                                 "GET", None,          "200 302 302 302"),
    r("admin:logout",                                "GET", None,          "302 405 405 405"),
    r("admin:password_change",                       "GET", None,          "login 200 200 200"),
    r("admin:password_change_done",                  "GET", None,          "login 200 200 200"),
    r("admin:jsi18n",                                "GET", None,          "login 200 200 200"),
    r("admin:autocomplete",                          "GET", "autocomplete stories", "login 200 200 200"),
    r("admin:view_on_site",                          "GET", "view claim on site", "login 404 404 404"),
    r("admin:app_list",                              "GET", "claims app",  "login 200 200 200"),
    r("admin:app_list",                              "GET", "clients app", "login 404 404 200"),
    r("admin/(?P<url>.*)$",                          "GET", "nowhere",     "login 404 404 404"),
    # Claims: researchers record them, reviewers review them, editors may do anything.
    r("admin:claims_claim_changelist",               "GET", None,          "login 200 200 200"),
    r("admin:claims_claim_add",                      "GET", None,          "login 200 403 200"),
    r("admin:claims_claim_change",                   "GET", "unpublished claim", "login 200 200 200"),
    r("admin:claims_claim_review",                   "GET", "unpublished claim", "login 200 200 200"),
    r("admin:claims_claim_history",                  "GET", "unpublished claim", "login 200 200 200"),
    r("admin:claims_claim_delete",                   "GET", "unpublished claim", "login 403 403 200"),
    r("admin/claims/claim/<path:object_id>/",        "GET", "unpublished claim", "login 302 302 302"),
    r("admin:claims_statement_changelist",           "GET", None,          "login 200 200 200"),
    r("admin:claims_statement_add",                  "GET", None,          "login 200 403 200"),
    r("admin:claims_statement_change",               "GET", "secret statement", "login 200 200 200"),
    r("admin:claims_statement_history",              "GET", "secret statement", "login 200 200 200"),
    r("admin:claims_statement_delete",               "GET", "secret statement", "login 403 403 200"),
    r("admin/claims/statement/<path:object_id>/",    "GET", "secret statement", "login 302 302 302"),
    r("admin:claims_claimlink_changelist",           "GET", None,          "login 200 200 200"),
    r("admin:claims_claimlink_add",                  "GET", None,          "login 403 200 200"),
    r("admin:claims_claimlink_change",               "GET", "suggested link", "login 200 200 200"),
    r("admin:claims_claimlink_history",              "GET", "suggested link", "login 200 200 200"),
    r("admin:claims_claimlink_delete",               "GET", "suggested link", "login 403 403 200"),
    r("admin/claims/claimlink/<path:object_id>/",    "GET", "suggested link", "login 302 302 302"),
    # A story's page draws its graph.
    r("admin:claims_story_changelist",               "GET", None,          "login 200 200 200"),
    r("admin:claims_story_add",                      "GET", None,          "login 403 403 200"),
    r("admin:claims_story_change",                   "GET", "secret story", "login 200 200 200"),
    r("admin:claims_story_history",                  "GET", "secret story", "login 200 200 200"),
    r("admin:claims_story_delete",                   "GET", "secret story", "login 403 403 200"),
    r("admin/claims/story/<path:object_id>/",        "GET", "secret story", "login 302 302 302"),
    r("admin:claims_ingestion_changelist",           "GET", None,          "login 200 200 200"),
    r("admin:claims_ingestion_add",                  "GET", None,          "login 200 403 200"),
    r("admin:claims_ingestion_change",               "GET", "intake",      "login 200 200 200"),
    r("admin:claims_ingestion_history",              "GET", "intake",      "login 200 200 200"),
    r("admin:claims_ingestion_delete",               "GET", "intake",      "login 403 403 200"),
    r("admin/claims/ingestion/<path:object_id>/",    "GET", "intake",      "login 302 302 302"),
    r("admin:claims_linkcalibration_changelist",     "GET", None,          "login 200 200 200"),
    r("admin:claims_linkcalibration_add",            "GET", None,          "login 403 403 403"),
    r("admin:claims_linkcalibration_change",         "GET", "calibration", "login 200 200 200"),
    r("admin:claims_linkcalibration_history",        "GET", "calibration", "login 200 200 200"),
    r("admin:claims_linkcalibration_delete",         "GET", "calibration", "login 403 403 200"),
    r("admin/claims/linkcalibration/<path:object_id>/", "GET", "calibration", "login 302 302 302"),
    r("admin:claims_rating_changelist",              "GET", None,          "login 200 200 200"),
    r("admin:claims_rating_add",                     "GET", None,          "login 403 403 200"),
    r("admin:claims_rating_change",                  "GET", "rating",      "login 200 200 200"),
    r("admin:claims_rating_history",                 "GET", "rating",      "login 200 200 200"),
    r("admin:claims_rating_delete",                  "GET", "rating",      "login 403 403 403"),
    r("admin/claims/rating/<path:object_id>/",       "GET", "rating",      "login 302 302 302"),
    # Verdicts are written and moved on the review page; their own pages only show them.
    r("admin:claims_verdict_changelist",             "GET", None,          "login 200 200 200"),
    r("admin:claims_verdict_add",                    "GET", None,          "login 403 403 403"),
    r("admin:claims_verdict_change",                 "GET", "verdict",     "login 200 200 200"),
    r("admin:claims_verdict_history",                "GET", "verdict",     "login 200 200 200"),
    r("admin:claims_verdict_delete",                 "GET", "verdict",     "login 403 403 403"),
    r("admin/claims/verdict/<path:object_id>/",      "GET", "verdict",     "login 302 302 302"),
    r("admin:claims_notification_changelist",        "GET", None,          "login 200 200 200"),
    r("admin:claims_notification_add",               "GET", None,          "login 403 403 403"),
    r("admin:claims_notification_change",            "GET", "notification", "login 200 200 200"),
    r("admin:claims_notification_history",           "GET", "notification", "login 200 200 200"),
    r("admin:claims_notification_delete",            "GET", "notification", "login 403 403 200"),
    r("admin/claims/notification/<path:object_id>/", "GET", "notification", "login 302 302 302"),
    # Outlets are the editors'; researchers record actors and sources.
    r("admin:sources_outlet_changelist",             "GET", None,          "login 200 200 200"),
    r("admin:sources_outlet_add",                    "GET", None,          "login 403 403 200"),
    r("admin:sources_outlet_change",                 "GET", "secret outlet", "login 200 200 200"),
    r("admin:sources_outlet_history",                "GET", "secret outlet", "login 200 200 200"),
    r("admin:sources_outlet_delete",                 "GET", "secret outlet", "login 403 403 200"),
    r("admin/sources/outlet/<path:object_id>/",      "GET", "secret outlet", "login 302 302 302"),
    r("admin:sources_actor_changelist",              "GET", None,          "login 200 200 200"),
    r("admin:sources_actor_add",                     "GET", None,          "login 200 403 200"),
    r("admin:sources_actor_change",                  "GET", "secret speaker", "login 200 200 200"),
    r("admin:sources_actor_history",                 "GET", "secret speaker", "login 200 200 200"),
    r("admin:sources_actor_delete",                  "GET", "secret speaker", "login 403 403 200"),
    r("admin/sources/actor/<path:object_id>/",       "GET", "secret speaker", "login 302 302 302"),
    r("admin:sources_source_changelist",             "GET", None,          "login 200 200 200"),
    r("admin:sources_source_add",                    "GET", None,          "login 200 403 200"),
    r("admin:sources_source_change",                 "GET", "secret source", "login 200 200 200"),
    r("admin:sources_source_history",                "GET", "secret source", "login 200 200 200"),
    r("admin:sources_source_delete",                 "GET", "secret source", "login 403 403 200"),
    r("admin/sources/source/<path:object_id>/",      "GET", "secret source", "login 302 302 302"),
    # The jobs ledger: editors see failed jobs and retry them; nobody adds or deletes one.
    r("admin:core_job_changelist",                 "GET", None,          "login 403 403 200"),
    r("admin:core_job_add",                        "GET", None,          "login 403 403 403"),
    r("admin:core_job_change",                     "GET", "job",         "login 403 403 200"),
    r("admin:core_job_history",                    "GET", "job",         "login 403 403 200"),
    r("admin:core_job_delete",                     "GET", "job",         "login 403 403 403"),
    r("admin/core/job/<path:object_id>/",            "GET", "job",         "login 302 302 302"),
    # API clients are the editors': they record them, issue and revoke tokens, and follow and stop webhooks.
    # Tokens are issued on their client's page and webhooks registered through the API, so neither is added here.
    r("admin:clients_apiclient_changelist",          "GET", None,          "login 403 403 200"),
    r("admin:clients_apiclient_add",                 "GET", None,          "login 403 403 200"),
    r("admin:clients_apiclient_change",              "GET", "api client",  "login 403 403 200"),
    r("admin:clients_apiclient_history",             "GET", "api client",  "login 403 403 200"),
    r("admin:clients_apiclient_delete",              "GET", "api client",  "login 403 403 403"),
    r("admin/clients/apiclient/<path:object_id>/",   "GET", "api client",  "login 302 302 302"),
    r("admin:clients_apitoken_changelist",           "GET", None,          "login 403 403 200"),
    r("admin:clients_apitoken_add",                  "GET", None,          "login 403 403 403"),
    r("admin:clients_apitoken_change",               "GET", "api token",   "login 403 403 200"),
    r("admin:clients_apitoken_history",              "GET", "api token",   "login 403 403 200"),
    r("admin:clients_apitoken_delete",               "GET", "api token",   "login 403 403 403"),
    r("admin/clients/apitoken/<path:object_id>/",    "GET", "api token",   "login 302 302 302"),
    r("admin:clients_webhook_changelist",            "GET", None,          "login 403 403 200"),
    r("admin:clients_webhook_add",                   "GET", None,          "login 403 403 403"),
    r("admin:clients_webhook_change",                "GET", "webhook",     "login 403 403 200"),
    r("admin:clients_webhook_history",               "GET", "webhook",     "login 403 403 200"),
    r("admin:clients_webhook_delete",                "GET", "webhook",     "login 403 403 403"),
    r("admin/clients/webhook/<path:object_id>/",     "GET", "webhook",     "login 302 302 302"),
    r("admin:clients_webhookdelivery_changelist",    "GET", None,          "login 403 403 200"),
    r("admin:clients_webhookdelivery_add",           "GET", None,          "login 403 403 403"),
    r("admin:clients_webhookdelivery_change",        "GET", "delivery",    "login 403 403 200"),
    r("admin:clients_webhookdelivery_history",       "GET", "delivery",    "login 403 403 200"),
    r("admin:clients_webhookdelivery_delete",        "GET", "delivery",    "login 403 403 403"),
    r("admin/clients/webhookdelivery/<path:object_id>/", "GET", "delivery", "login 302 302 302"),
    # Sign-ins locked out for wrong passwords: editors see them and lift a block by deleting its attempts.
    # No attempt is recorded in the newsroom, so an attempt's own pages send the editor back to the index.
    r("admin:axes_accessattempt_changelist",         "GET", None,          "login 403 403 200"),
    r("admin:axes_accessattempt_add",                "GET", None,          "login 403 403 403"),
    r("admin:axes_accessattempt_change",             "GET", "any id",      "login 403 403 302"),
    r("admin:axes_accessattempt_history",            "GET", "any id",      "login 302 302 302"),
    r("admin:axes_accessattempt_delete",             "GET", "any id",      "login 403 403 302"),
    r("admin/axes/accessattempt/<path:object_id>/",  "GET", "any id",      "login 302 302 302"),
    r("admin:axes_accesslog_changelist",             "GET", None,          "login 403 403 200"),
    r("admin:axes_accesslog_add",                    "GET", None,          "login 403 403 403"),
    r("admin:axes_accesslog_change",                 "GET", "any id",      "login 403 403 302"),
    r("admin:axes_accesslog_history",                "GET", "any id",      "login 302 302 302"),
    r("admin:axes_accesslog_delete",                 "GET", "any id",      "login 403 403 403"),
    r("admin/axes/accesslog/<path:object_id>/",      "GET", "any id",      "login 302 302 302"),
    r("admin:app_list",                              "GET", "axes app",    "login 404 404 200"),
]
# fmt: on

# Accounts, the beat schedule, the log of failed sign-ins and the raw history tables: a superuser's alone.
SUPERUSER_ONLY = {
    ("auth", "group"): "group",
    ("auth", "user"): "user",
    ("axes", "accessfailurelog"): "any id",
    # Without a permission on the model the object is never looked up: the answer is 403 whatever the id.
    ("django_celery_beat", "periodictask"): "any id",
    ("django_celery_beat", "clockedschedule"): "any id",
    ("django_celery_beat", "crontabschedule"): "any id",
    ("django_celery_beat", "solarschedule"): "any id",
    ("django_celery_beat", "intervalschedule"): "any id",
    ("pghistory", "events"): "any id",
}


def admin_rows() -> list[Row]:
    rows = list(ADMIN)
    for (app, model), target in SUPERUSER_ONLY.items():
        rows += [
            r(f"admin:{app}_{model}_changelist", "GET", None, "login 403 403 403"),
            r(f"admin:{app}_{model}_add", "GET", None, "login 403 403 403"),
            r(f"admin:{app}_{model}_change", "GET", target, "login 403 403 403"),
            # The history page looks the object up first: one that is not there is a redirect to the index.
            r(
                f"admin:{app}_{model}_history",
                "GET",
                target,
                f"login {'302 302 302' if target == 'any id' else '403 403 403'}",
            ),
            r(f"admin:{app}_{model}_delete", "GET", target, "login 403 403 403"),
            # The bare address of an object only redirects to its change page, which then refuses.
            r(f"admin/{app}/{model}/<path:object_id>/", "GET", target, "login 302 302 302"),
        ]
    rows.append(r("admin:auth_user_password_change", "GET", "user", "login 403 403 403"))
    return rows


def expected_of(row: Row, subject: str) -> str:
    statuses = row.expected.split()
    if len(statuses) == 4:  # an admin row: tokens are anonymous there
        statuses += [statuses[0]] * 3
    return statuses[SUBJECTS.index(subject)]


def check(subject: str, rows: list[Row], newsroom: Newsroom) -> list[str]:
    client = newsroom.clients[subject]
    wrong = []
    for row in rows:
        expected, got = expected_of(row, subject), shown(send(client, row, newsroom.ids))
        if got != expected:
            wrong.append(f"{row.label}: expected {expected}, got {got}")
    return wrong


def routes() -> Iterator[tuple[str, str]]:
    """(route, method) for every address the URL configuration answers, format suffixes aside."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, URLPattern]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner or namespace)
            else:
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
                yield (name or prefix + str(pattern.pattern)), pattern

    for route, pattern in walk(get_resolver().url_patterns, "", ""):
        callback = pattern.callback
        actions = getattr(callback, "actions", None)
        if actions is not None:  # a viewset's route: exactly the methods it maps
            methods = {method.upper() for method in actions} - {"HEAD"}  # HEAD answers as GET does
        elif hasattr(callback, "view_class") and not issubclass(callback.view_class, RedirectView):
            view = callback.view_class
            methods = {m.upper() for m in view.http_method_names if hasattr(view, m) and m not in ("options", "head")}
        else:
            methods = {"GET"}
        for method in methods:
            yield route, method


# Addresses that are more than a name and an object's id.
SPECIAL_PATHS: dict[str, Callable[[Ids], str]] = {
    "autocomplete stories": lambda ids: (
        reverse("admin:autocomplete") + "?app_label=claims&model_name=claim&field_name=story&term=bridge"
    ),
    "view claim on site": lambda ids: reverse(
        "admin:view_on_site", args=[ContentType.objects.get_for_model(Claim).pk, ids["unpublished claim"]]
    ),
    "claims app": lambda ids: reverse("admin:app_list", kwargs={"app_label": "claims"}),
    "clients app": lambda ids: reverse("admin:app_list", kwargs={"app_label": "clients"}),
    "axes app": lambda ids: reverse("admin:app_list", kwargs={"app_label": "axes"}),
    "nowhere": lambda ids: "/admin/nothing-here/",
}


def path_of(row: Row, ids: Ids) -> str:
    if row.target in SPECIAL_PATHS:
        return SPECIAL_PATHS[row.target](ids)
    target = ids.get(row.target, 1) if row.target else None
    if row.route.startswith("admin/") or row.route == "":
        return "/" + row.route.replace("<path:object_id>", str(target))
    return reverse(row.route, args=[target] if target is not None else [])


def send(client: APIClient, row: Row, ids: Ids) -> Any:
    """The response to `row`'s request, with whatever it wrote rolled back, so every row meets the same newsroom."""
    path = path_of(row, ids)
    with transaction.atomic():
        method = getattr(client, row.method.lower())
        response = method(path, row.body(ids), format="json") if row.body else method(path)
        transaction.set_rollback(True)
    return response


def shown(response: Any) -> str:
    if response.status_code == 302 and "/admin/login/" in response.get("Location", ""):
        return "login"
    return str(response.status_code)


def test_every_address_and_method_has_a_row() -> None:
    rows = {(row.route, row.method) for row in [*API, *admin_rows()]}
    routed = set(routes()) - NOT_IN_THE_MATRIX
    missing, unknown = sorted(routed - rows), sorted(rows - routed)
    assert not missing, f"give these a row in the matrix (who may use them?): {missing}"
    assert not unknown, f"these rows name nothing the URL configuration answers: {unknown}"


# One newsroom for every subject (each request's writes are rolled back): building it is most of the cost.
def test_api_and_public_pages(newsroom: Newsroom) -> None:
    wrong = [f"{subject}: {cell}" for subject in SUBJECTS for cell in check(subject, API, newsroom)]
    assert not wrong, "\n".join(wrong)


def test_admin(newsroom: Newsroom) -> None:
    wrong = [f"{subject}: {cell}" for subject in SUBJECTS for cell in check(subject, admin_rows(), newsroom)]
    assert not wrong, "\n".join(wrong)
