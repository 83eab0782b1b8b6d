"""Collects the console's pages on the one blueprint."""

from entrypoints.console import (  # noqa: F401  (importing registers the routes)
    formatting,
    pages_auth,
    pages_dashboard,
    pages_jobs,
    pages_reviews,
)
from entrypoints.console.blueprint import blp

__all__ = ["blp"]
