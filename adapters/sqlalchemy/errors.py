"""Translation of SQLAlchemy/DBAPI exceptions into the port errors of application/ports.py."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import (
    DatabaseError,
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)
from sqlalchemy.orm.exc import StaleDataError

from application.ports import ConcurrencyConflict, DuplicateJob, StorageUnavailable


@contextmanager
def translated() -> Iterator[None]:
    try:
        yield
    except StaleDataError as exc:
        raise ConcurrencyConflict(str(exc)) from exc
    except IntegrityError as exc:
        # Either dedup key (message id or Zendesk comment; SPEC §10) makes a duplicate.
        message = str(exc.orig)
        if "external_id" in message or "zendesk_key" in message:
            raise DuplicateJob(str(exc.orig)) from exc
        raise
    except OperationalError as exc:
        # Lock timeouts and serialization failures are concurrency, not an outage.
        code = getattr(exc.orig, "pgcode", None)
        if code in {"40001", "40P01", "55P03"}:
            raise ConcurrencyConflict(str(exc.orig)) from exc
        raise StorageUnavailable(str(exc.orig).strip() or "database unavailable") from exc
    except (InterfaceError, DatabaseError) as exc:
        # A bare DatabaseError (e.g. "file is not a database") or a broken interface: the
        # database cannot serve; programming and data errors are bugs and stay as they are.
        if type(exc) in (InterfaceError, DatabaseError) or exc.connection_invalidated:
            raise StorageUnavailable(str(exc.orig).strip() or "database unavailable") from exc
        raise
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise StorageUnavailable(str(exc.orig).strip()) from exc
        raise
