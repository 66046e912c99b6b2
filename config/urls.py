"""Root URL configuration: the editorial admin and the public pages of published claims."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from config import health

admin.site.site_header = "Attest"
admin.site.site_title = "Attest"
admin.site.index_title = "Claims and attribution"
# The front page leads with the signed-in person's review queues.
admin.site.index_template = "admin/attest_index.html"

# A database away for a moment answers 503 with a retry hint, not a 500 (config.errors).
handler500 = "config.errors.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics_view, name="metrics"),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("claims/", include("claims.urls")),
]
