"""Signing in to the admin: the address a sign-in is counted against, and the page shown once it is locked out.

django-axes counts wrong passwords per account and address (config.settings: AXES_*); these are its hooks.
"""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle


def client_address(request: HttpRequest) -> str | None:
    """The address a request came from, as the API's rates count it.

    Behind ATTEST_API_NUM_PROXIES reverse proxies it is the one the outermost proxy saw, read from
    X-Forwarded-For; without the setting the header is ignored, since anyone can send it.
    """
    if api_settings.NUM_PROXIES is None:
        return request.META.get("REMOTE_ADDR")
    return BaseThrottle().get_ident(Request(request))


def login_locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """The admin's sign-in page again, saying why the password was not even checked and for how long."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    context = {
        **admin.site.each_context(request),
        "title": "Log in",
        "app_path": request.get_full_path(),
        "form": AdminAuthenticationForm(request, initial={"username": username}),
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "admin/login_locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
