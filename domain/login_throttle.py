"""Slowing down repeated failed console logins: a pure rule on a count of recent failures.

The first few mistakes cost nothing; after that each further attempt must wait, doubling per
failure up to a cap. Failures older than the window are forgotten. Keys are a username and the
client address, each counted on its own, so neither guessing one password for many users nor
many passwords for one user gets far.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class FailedLogins:
    """What the store knows about one key: failures within the window and the latest one."""

    count: int
    last_failure_at: datetime | None


@dataclass(frozen=True)
class LoginThrottle:
    free_attempts: int = 5
    base_delay_seconds: int = 2
    max_delay_seconds: int = 300
    window: timedelta = timedelta(minutes=15)

    def delay_after(self, failures: int) -> timedelta:
        """How long to wait after `failures` recent failures before the next attempt."""
        over = failures - self.free_attempts
        if over < 0:
            return timedelta(0)
        seconds = min(self.base_delay_seconds * (2**over), self.max_delay_seconds)
        return timedelta(seconds=seconds)

    def retry_after(self, state: FailedLogins, now: datetime) -> timedelta:
        """Zero when an attempt is allowed now, else the time still to wait."""
        if state.last_failure_at is None or now - state.last_failure_at > self.window:
            return timedelta(0)
        allowed_at = state.last_failure_at + self.delay_after(state.count)
        return max(allowed_at - now, timedelta(0))
