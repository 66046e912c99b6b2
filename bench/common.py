"""What the benchmarks share: one core, Django set up without a database, and the machine they ran on.

Imports only the standard library, so a benchmark can pin itself to one core
before numpy, spaCy or torch size their thread pools.
"""

import os
import platform
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATASETS = REPO_ROOT.parent / "shared" / "datasets"


def pin_to_one_core() -> None:
    """Figures are per core: one CPU, and thread pools of one. Call before numpy, spaCy or torch is imported."""
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = "1"
    if hasattr(os, "sched_setaffinity"):  # Linux only; elsewhere the thread limits are all we can do
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def setup_django() -> None:
    """Set Django up, without opening a database connection."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()


def database_was_used() -> bool:
    from django.db import connections

    return any(connection.connection is not None for connection in connections.all(initialized_only=True))


def machine() -> str:
    name = platform.processor()
    if not name:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8")
        except OSError:
            cpuinfo = ""
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
        name = found.group(1).strip() if found else platform.machine()
    return name


def cores_used() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def positive_int(value: str) -> int:
    """An argparse type: a whole number of at least 1."""
    number = int(value)
    if number < 1:
        import argparse

        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number


def embedded_server_release(data_dir: Path | None, *, keep: bool) -> None:
    """Close Django's connections, then stop a bench's own embedded server and delete its data, unless kept."""
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()
    if data_dir is None:
        return
    if keep:
        print(f"kept the server and its data in {data_dir}; stop it with config.embedded_postgres.stop()")
        return
    import shutil

    from config import embedded_postgres

    embedded_postgres.stop(data_dir)
    shutil.rmtree(data_dir, ignore_errors=True)
