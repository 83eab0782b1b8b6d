"""The outcome gauge of the job counters: how many jobs are completed with each outcome now.

Kept apart from counters.py's status gauge (rows `jobs`/<status>) so the two can change
independently; counters.py calls `follow` for every EmailJob a flush adds, changes or deletes,
in the same transaction. Unlike `jobs_completed_total` (completions ever, a Prometheus
counter) this goes down too: a review decision turns `needs_review` into `matched` or
`not_creditor_reply`, a reopen turns `matched` back into `needs_review`. The dashboard reads it
instead of a GROUP BY over every job; `flask jobs verify-counts` recounts and repairs it.
"""

from __future__ import annotations

from typing import Protocol

from domain.values import JobStatus, Outcome

COMPLETED_OUTCOMES = "completed_jobs"

# (status, outcome) of one job before or after a flush; None: the job did not exist.
State = tuple[JobStatus, Outcome | None] | None


class _Deltas(Protocol):
    def add(self, name: str, label: str = "", count: int = 1, total: float = 0.0) -> None: ...


def _label(state: State) -> str | None:
    if state is None:
        return None
    status, outcome = state
    if status is not JobStatus.COMPLETED or outcome is None:
        return None
    return Outcome(outcome).value


def follow(deltas: _Deltas, before: State, after: State) -> None:
    """Move the job from its old outcome's count to its new one (if either counts)."""
    old, new = _label(before), _label(after)
    if old == new:
        return
    if old is not None:
        deltas.add(COMPLETED_OUTCOMES, old, -1)
    if new is not None:
        deltas.add(COMPLETED_OUTCOMES, new)
