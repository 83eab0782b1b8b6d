"""Translation of SQLAlchemy/DBAPI exceptions into the port errors of application/ports.py.

Messages keep only the driver's first line with quoted values elided (safe_message): the
full text of a DBAPI error carries SQL, parameters and whole rows (email bodies).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import (
    DatabaseError,
    DataError,
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError

from application.ports import ConcurrencyConflict, DuplicateJob, StorageUnavailable
from domain.errors import PermanentError, safe_message


def _driver_message(exc: DBAPIError, fallback: str) -> str:
    return safe_message(str(exc.orig)) or fallback


@contextmanager
def translated() -> Iterator[None]:
    try:
        yield
    except PoolTimeout as exc:
        # Every pooled connection is busy (or stuck on a hung server): an outage to callers.
        raise StorageUnavailable("no database connection free in time") from exc
    except StaleDataError as exc:
        raise ConcurrencyConflict(safe_message(str(exc))) from exc
    except IntegrityError as exc:
        # Either dedup key (message id or Zendesk comment; SPEC §10) makes a duplicate.
        message = str(exc.orig)
        if "external_id" in message or "zendesk_key" in message:
            raise DuplicateJob(_driver_message(exc, "duplicate delivery")) from exc
        if "review_decisions" in message:
            # Two reviewers recorded decision N of one job: the later one lost the race.
            raise ConcurrencyConflict(_driver_message(exc, "review decision conflict")) from exc
        raise PermanentError(
            f"database constraint violated: {_driver_message(exc, 'integrity error')}",
            "IntegrityError",
        ) from exc
    except DataError as exc:
        # A value the column cannot hold (numeric overflow, bad encoding): no retry fixes it.
        raise PermanentError(
            f"database rejected a value: {_driver_message(exc, 'data error')}", "DataError"
        ) from exc
    except OperationalError as exc:
        # Lock timeouts and serialization failures are concurrency, not an outage.
        code = getattr(exc.orig, "pgcode", None)
        if code in {"40001", "40P01", "55P03"}:
            raise ConcurrencyConflict(_driver_message(exc, "lock conflict")) from exc
        raise StorageUnavailable(_driver_message(exc, "database unavailable")) from exc
    except ProgrammingError as exc:
        if exc.connection_invalidated:
            raise StorageUnavailable(_driver_message(exc, "database unavailable")) from exc
        raise PermanentError(
            f"database refused the statement: {_driver_message(exc, 'programming error')}",
            "ProgrammingError",
        ) from exc
    except (InterfaceError, DatabaseError) as exc:
        # A bare DatabaseError (e.g. "file is not a database") or a broken interface: the
        # database cannot serve.
        if type(exc) in (InterfaceError, DatabaseError) or exc.connection_invalidated:
            raise StorageUnavailable(_driver_message(exc, "database unavailable")) from exc
        raise
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise StorageUnavailable(_driver_message(exc, "database unavailable")) from exc
        raise
