"""Errors the review use cases raise beyond the domain's (NotReviewable, InvalidDecision)."""

from __future__ import annotations


class PermissionDenied(Exception):
    def __init__(self, username: str, required: str) -> None:
        super().__init__(f"{username} needs the role {required}")
        self.username = username
        self.required = required
