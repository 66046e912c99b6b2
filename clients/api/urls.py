"""Routes of a client's own endpoints, registered on the API's router."""

from rest_framework.routers import BaseRouter

from clients.api import views


def register(router: BaseRouter) -> None:
    router.register("webhooks", views.WebhookViewSet, basename="webhook")
