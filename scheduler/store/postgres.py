"""The PostgreSQL connection of :mod:`scheduler.store.database`: every wait for the server bounded.

A module of its own so that psycopg is imported only by a service whose database is PostgreSQL
(a SQLite deployment never loads it: less memory and a faster start).
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import errors as pg_errors


class BoundedConnection(psycopg.Connection[Any]):
    """A psycopg connection whose every wait for the server ends within ``bound`` seconds.

    Past the bound the connection is closed (its state on the wire is unknown) and an
    OperationalError raised: SQLAlchemy then treats it as a lost connection and drops it from
    the pool. Keepalives cannot see a peer that still acknowledges packets but never answers
    (a stuck proxy or pooler); this does.
    """

    bound: float | None = None

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        limit = self.bound if timeout is None else timeout
        try:
            return super().wait(gen, interval=interval, timeout=limit)
        except pg_errors._WaitTimeout:
            self.close()
            raise psycopg.OperationalError(
                f"connection timeout: no answer from the server within {limit:g} s, connection closed") from None
