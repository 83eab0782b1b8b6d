"""Who else has this review open? Shown on the review screen so two people do not decide at once
(the version compare-and-set still makes the second decision a clear 409)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from application.console.ports import ReviewPresence
from application.ports import Clock
from domain.users import Principal, Role

# A screen counts as open this long after it was loaded (the page refreshes the mark on load).
PRESENCE_WINDOW = timedelta(minutes=5)


@dataclass(frozen=True)
class OtherReviewer:
    username: str
    since: datetime


class MarkReviewing:
    def __init__(self, presence: ReviewPresence, clock: Clock) -> None:
        self._presence = presence
        self._clock = clock

    def __call__(self, job_id: str, principal: Principal) -> list[OtherReviewer]:
        """Records that a reviewer looks at the review; returns who else does (viewers only read)."""
        now = self._clock.now()
        if principal.can(Role.REVIEWER):
            self._presence.mark(job_id, principal.username, now)
        others = self._presence.others(job_id, principal.username, now - PRESENCE_WINDOW)
        return [OtherReviewer(name, at) for name, at in others]
