"""Turns the review form into a call of the review use case (SPEC §8, issue 14)."""

from __future__ import annotations

from typing import Any

from domain.users import Principal


class DecisionUnavailable(Exception):
    """This build has no review use case to call."""


def decide(container: Any, job_id: str, form, principal: Principal) -> str | None:
    """Records the decision; returns a German message when the input is refused, else None."""
    if not hasattr(container, "decide_review"):
        raise DecisionUnavailable(
            "Prüfentscheidungen sind in dieser Version noch nicht angebunden "
            "(der Prüf-Anwendungsfall fehlt)."
        )
    raise DecisionUnavailable("Prüfentscheidung: Anbindung fehlt")
