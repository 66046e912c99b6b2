"""The API's router: /api/v1/ and its OpenAPI document with browsable pages at /api/schema/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from claims.api import urls as claims_urls
from claims.api.sources import urls as sources_urls
from clients.api import urls as clients_urls


class Router(DefaultRouter):
    include_root_view = False


router = Router(trailing_slash=False)
claims_urls.register(router)
sources_urls.register(router)
clients_urls.register(router)

urlpatterns = [
    path("v1/", include(([*router.urls, *claims_urls.urlpatterns], "api"), namespace="api")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("schema/swagger/", SpectacularSwaggerView.as_view(url_name="schema"), name="schema-swagger"),
    path("schema/redoc/", SpectacularRedocView.as_view(url_name="schema"), name="schema-redoc"),
]
