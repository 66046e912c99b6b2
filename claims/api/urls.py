"""Routes of the claims endpoints, registered on the API's router."""

from django.urls import URLPattern, path
from rest_framework.routers import BaseRouter

from claims.api import views


def register(router: BaseRouter) -> None:
    router.register("claims", views.ClaimViewSet, basename="claim")
    router.register("statements", views.StatementViewSet, basename="statement")
    router.register("evidence", views.EvidenceViewSet, basename="evidence")
    router.register("links", views.LinkViewSet, basename="link")
    router.register("stories", views.StoryViewSet, basename="story")
    router.register("ratings", views.RatingViewSet, basename="rating")
    router.register("intakes", views.IntakeViewSet, basename="intake")
    router.register("claimreviews", views.ClaimReviewViewSet, basename="claimreview")


urlpatterns: list[URLPattern] = [path("match", views.MatchView.as_view(), name="match")]
