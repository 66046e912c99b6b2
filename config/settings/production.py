"""Production: every secret comes from the environment; nothing insecure is defaulted."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import ATTEST_METRICS, ATTEST_METRICS_TOKEN, SECRET_KEY, env

if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("attest-"):
    raise ImproperlyConfigured("SECRET_KEY must be a random value of at least 50 characters.")

DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the hosts this deployment serves.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Behind the reverse proxy every client reaches the app from loopback, so loopback alone cannot guard /metrics.
if ATTEST_METRICS and len(ATTEST_METRICS_TOKEN) < 32:
    raise ImproperlyConfigured(
        "ATTEST_METRICS_TOKEN must be a random value of at least 32 characters, which Prometheus sends as a bearer "
        "token, or set ATTEST_METRICS=false to turn /metrics off."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Review e-mails through the deployment's mail server, e.g. EMAIL_URL=smtp+tls://user:password@smtp.example.org:587
vars().update(env.email_url("EMAIL_URL", default="smtp://localhost:25"))

# Static files are served by the app itself (whitenoise), compressed and with names that change with their content,
# so a proxy or browser may cache them for ever.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# One JSON object a line for the log store, unless LOG_FORMAT says otherwise.
LOGGING["handlers"]["console"]["formatter"] = env.str("LOG_FORMAT", default="json")  # type: ignore[index]  # noqa: F405
