"""Flask CLI commands (`flask jobs …`, `flask webhook send`, `flask directory import`).

Filled in by the worker issue; the app factory calls register_commands(app).
"""

from __future__ import annotations


def register_commands(app) -> None:  # noqa: ARG001 - commands land with the worker issue
    return None
