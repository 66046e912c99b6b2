"""The test suite: fast password hashing, jobs in-process unless a test starts a worker."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

SECRET_KEY = "attest-test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
# Linking parses every saved claim; tests that are about linking turn it on for themselves.
ATTEST_LINK_ON_SAVE = False
# Every connection closes with its request, so the live server's threads leave none open at teardown.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)  # noqa: F405
# Static files straight from the apps' folders, as they change; production serves the collected, hashed copies.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = None  # type: ignore[assignment]
# No request limits, except in the tests of throttling, which set their own.
ATTEST_API_RATE_ANONYMOUS = ""
ATTEST_API_RATE_CLIENT = ""
