"""Routes of the sources endpoints, registered on the API's router."""

from rest_framework.routers import BaseRouter

from claims.api.sources import views


def register(router: BaseRouter) -> None:
    router.register("sources", views.SourceViewSet, basename="source")
    router.register("actors", views.ActorViewSet, basename="actor")
    router.register("outlets", views.OutletViewSet, basename="outlet")
