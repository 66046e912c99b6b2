"""The public pages' addresses."""

from django.urls import path

from claims import views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="public-claims"),
    path("<int:pk>/", views.claim_page, name="public-claim"),
]
