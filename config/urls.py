"""Root URL configuration: the editorial admin and the public pages of published claims."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Attest"
admin.site.site_title = "Attest"
admin.site.index_title = "Claims and attribution"
# The front page leads with the signed-in person's review queues.
admin.site.index_template = "admin/attest_index.html"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("claims/", include("claims.urls")),
]
