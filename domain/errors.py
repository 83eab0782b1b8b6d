"""Domain errors and the transient/permanent classification of failures (SPEC §3)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class DomainError(Exception):
    """Base class of every error the domain raises on purpose."""


class IllegalTransition(DomainError):
    """A state-machine transition was asked for in a state that does not allow it."""

    def __init__(self, action: str, status: str, reason: str = "") -> None:
        self.action = action
        self.status = status
        self.reason = reason
        detail = f": {reason}" if reason else ""
        super().__init__(f"cannot {action} a job in status {status!r}{detail}")


class ErrorKind(enum.StrEnum):
    TRANSIENT = "transient"
    PERMANENT = "permanent"


class ProcessingError(DomainError):
    """An error an adapter translated for the domain; `error_type` keeps the original name."""

    kind: ErrorKind = ErrorKind.TRANSIENT

    def __init__(self, message: str, error_type: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.error_type = error_type or type(self).__name__


class TransientError(ProcessingError):
    """Worth another attempt: rate limits, timeouts, connection errors, upstream 5xx, locks."""

    kind = ErrorKind.TRANSIENT


class PermanentError(ProcessingError):
    """No retry can fix it: bad request, validation, authentication, bad data."""

    kind = ErrorKind.PERMANENT


# Bugs or bad data: a retry runs into the same wall.
_PERMANENT_BUILTINS: tuple[type[BaseException], ...] = (ValueError, KeyError, TypeError)

_MAX_MESSAGE_LENGTH = 300
# "…", '…' and PostgreSQL's "(col)=(value)" / "Failing row contains (…)" quote data.
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'|\([^()]*\)=\([^()]*\)|contains \(.*\)")


def safe_message(text: str) -> str:
    """An exception message fit for last_error, the API, alerts and logs: its first line,
    quoted values elided (database errors quote rows and parameters), bounded."""
    stripped = (text or "").strip()
    first = stripped.splitlines()[0] if stripped else ""
    return _QUOTED.sub("…", first)[:_MAX_MESSAGE_LENGTH]


@dataclass(frozen=True)
class ErrorInfo:
    """What went wrong in one attempt, as stored on the job and shown by the API."""

    kind: ErrorKind
    type: str
    message: str

    @property
    def is_permanent(self) -> bool:
        return self.kind is ErrorKind.PERMANENT

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind.value, "type": self.type, "message": self.message}

    @classmethod
    def from_dict(cls, data: dict[str, str] | None) -> ErrorInfo | None:
        if not data:
            return None
        return cls(ErrorKind(data["kind"]), data["type"], data["message"])

    @classmethod
    def transient(cls, error_type: str, message: str) -> ErrorInfo:
        return cls(ErrorKind.TRANSIENT, error_type, message)

    @classmethod
    def permanent(cls, error_type: str, message: str) -> ErrorInfo:
        return cls(ErrorKind.PERMANENT, error_type, message)


def classify(exc: BaseException) -> ErrorInfo:
    """Classify an exception raised during an attempt (SPEC §3 retry policy).

    Adapters translate their own exceptions into TransientError/PermanentError; ValueError,
    KeyError and TypeError are permanent (bugs or bad data); anything else is transient.
    """
    message = safe_message(str(exc)) or type(exc).__name__
    if isinstance(exc, ProcessingError):
        return ErrorInfo(exc.kind, exc.error_type, message)
    if isinstance(exc, _PERMANENT_BUILTINS):
        return ErrorInfo(ErrorKind.PERMANENT, type(exc).__name__, message)
    return ErrorInfo(ErrorKind.TRANSIENT, type(exc).__name__, message)
