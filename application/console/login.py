"""ConsoleLogin: password login for the console, slowed down after repeated failures."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from application.console.ports import LoginFailureStore
from application.ports import Clock
from domain.login_throttle import LoginThrottle
from domain.users import Principal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoginResult:
    principal: Principal | None
    retry_after: timedelta = timedelta(0)

    @property
    def throttled(self) -> bool:
        return self.retry_after > timedelta(0)


class ConsoleLogin:
    def __init__(
        self,
        authenticate: Callable[[str, str], Principal | None],
        failures: LoginFailureStore,
        clock: Clock,
        throttle: LoginThrottle | None = None,
    ) -> None:
        self._authenticate = authenticate
        self._failures = failures
        self._clock = clock
        self._throttle = throttle or LoginThrottle()

    def __call__(self, username: str, password: str, client_address: str) -> LoginResult:
        now = self._clock.now()
        keys = [f"user:{(username or '').strip().lower()[:100]}", f"addr:{client_address[:100]}"]
        wait = max(self._throttle.retry_after(self._failures.get(key), now) for key in keys)
        if wait > timedelta(0):
            # No password check while throttled: a guess that happens to be right costs the
            # attacker nothing to learn otherwise.
            log.warning("console_login_throttled", extra={"retry_after": wait.total_seconds()})
            return LoginResult(None, wait)
        principal = self._authenticate(username, password)
        if principal is None:
            for key in keys:
                self._failures.record_failure(key, now, now - self._throttle.window)
            log.warning("console_login_failed")
            return LoginResult(None)
        for key in keys:
            self._failures.clear(key)
        log.info("console_login", extra={"username": principal.username})
        return LoginResult(principal)
