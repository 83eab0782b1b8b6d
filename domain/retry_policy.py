"""How many attempts a job gets and how long it waits between them (SPEC §3)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff from min to max with bounded jitter.

    Retry n (1-based) waits min * 2**(n-1), capped at max, then jittered by ±jitter and
    clamped so it never leaves [min, max]. `rng` returns floats in [0, 1); inject a fixed
    one in tests.
    """

    max_retries: int = 5
    min_backoff_seconds: float = 15.0
    max_backoff_seconds: float = 300.0
    jitter: float = 0.1
    rng: Callable[[], float] = field(default=random.random, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if self.min_backoff_seconds < 0:
            raise ValueError("min_backoff_seconds must be >= 0")
        if self.max_backoff_seconds < self.min_backoff_seconds:
            raise ValueError("max_backoff_seconds must be >= min_backoff_seconds")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be in [0, 1)")

    def has_retry_left(self, attempts_in_cycle: int) -> bool:
        """After `attempts_in_cycle` attempts, may another one run?"""
        return attempts_in_cycle - 1 < self.max_retries

    def backoff(self, retry_number: int) -> timedelta:
        """Delay before retry `retry_number` (1 = the first retry)."""
        if retry_number < 1:
            raise ValueError("retry_number starts at 1")
        # Cap the exponent so huge retry numbers cannot overflow the float.
        exponent = min(retry_number - 1, 64)
        base = min(self.min_backoff_seconds * (2**exponent), self.max_backoff_seconds)
        factor = 1 + self.jitter * (2 * self.rng() - 1)
        seconds = min(max(base * factor, self.min_backoff_seconds), self.max_backoff_seconds)
        return timedelta(seconds=seconds)
