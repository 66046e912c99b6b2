"""Root URL configuration: the editorial admin, the API, the public pages of published claims, health and metrics."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from core import health

admin.site.site_header = "Attest"
admin.site.site_title = "Attest"
admin.site.index_title = "Claims and attribution"
# The front page leads with the signed-in person's review queues.
admin.site.index_template = "admin/attest_index.html"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics_view, name="metrics"),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("claims/", include("claims.urls")),
    path("api/", include("config.api.urls")),
]

# Under /api/ every error is a problem document, even those raised before a view runs.
handler400 = "core.api.problems.bad_request"
handler404 = "core.api.problems.not_found"
# A database away for a moment answers 503 with a retry hint, not a 500 (core.errors).
handler500 = "core.errors.server_error"
