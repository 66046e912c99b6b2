"""A URL whose view meets the database away, for the 503 tests."""

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler500, urlpatterns


def database_away(request: HttpRequest) -> HttpResponse:
    raise OperationalError("connection to server failed: the database system is shutting down")


urlpatterns = [path("claims-away/", database_away), path("api/v1/claims-away/", database_away), *urlpatterns]
__all__ = ["handler500", "urlpatterns"]
