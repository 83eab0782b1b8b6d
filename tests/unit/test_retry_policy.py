"""RetryPolicy and error classification (SPEC §3 retry policy)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import ErrorKind, PermanentError, TransientError, classify
from domain.retry_policy import RetryPolicy


def seconds(policy: RetryPolicy, retry: int) -> float:
    return policy.backoff(retry).total_seconds()


def test_schedule_without_jitter_is_15_30_60_120_240_then_capped():
    policy = RetryPolicy(jitter=0.0)
    assert [seconds(policy, n) for n in range(1, 8)] == [15, 30, 60, 120, 240, 300, 300]


def test_max_retries_five_means_six_attempts():
    policy = RetryPolicy()
    assert [policy.has_retry_left(n) for n in range(1, 8)] == [True] * 5 + [False] * 2


def test_zero_retries_means_one_attempt():
    assert not RetryPolicy(max_retries=0).has_retry_left(1)


@pytest.mark.parametrize("rng_value", [0.0, 0.999999])
def test_jitter_moves_the_delay_both_ways_but_stays_in_bounds(rng_value):
    policy = RetryPolicy(jitter=0.1, rng=lambda: rng_value)
    delays = [seconds(policy, n) for n in range(1, 10)]
    assert all(15 <= d <= 300 for d in delays)
    if rng_value == 0.0:
        assert delays[1] == pytest.approx(27.0)  # 30 s - 10 %
        assert delays[0] == 15  # clamped at min
    else:
        assert delays[1] == pytest.approx(33.0, rel=1e-4)  # 30 s + 10 %
        assert delays[-1] == 300  # clamped at max


@given(
    retry=st.integers(min_value=1, max_value=10_000),
    rng_value=st.floats(min_value=0.0, max_value=0.9999999),
    jitter=st.floats(min_value=0.0, max_value=0.99),
    min_backoff=st.floats(min_value=0.0, max_value=100.0),
    spread=st.floats(min_value=0.0, max_value=1000.0),
)
def test_backoff_never_leaves_min_max(retry, rng_value, jitter, min_backoff, spread):
    policy = RetryPolicy(
        min_backoff_seconds=min_backoff,
        max_backoff_seconds=min_backoff + spread,
        jitter=jitter,
        rng=lambda: rng_value,
    )
    delay = seconds(policy, retry)
    assert min_backoff - 1e-6 <= delay <= min_backoff + spread + 1e-6


def test_numbers_are_configurable():
    policy = RetryPolicy(max_retries=2, min_backoff_seconds=1, max_backoff_seconds=3, jitter=0)
    assert [seconds(policy, n) for n in (1, 2, 3)] == [1, 2, 3]
    assert [policy.has_retry_left(n) for n in (1, 2, 3)] == [True, True, False], "3 attempts"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_retries": -1},
        {"min_backoff_seconds": -1},
        {"min_backoff_seconds": 10, "max_backoff_seconds": 5},
        {"jitter": 1.0},
    ],
)
def test_bad_policy_is_refused(kwargs):
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)


def test_backoff_needs_a_positive_retry_number():
    with pytest.raises(ValueError):
        RetryPolicy().backoff(0)


class LibraryTimeout(Exception):
    pass


@pytest.mark.parametrize(
    ("exc", "kind", "type_name"),
    [
        (TransientError("429 too many", "RateLimitError"), ErrorKind.TRANSIENT, "RateLimitError"),
        (
            PermanentError("400 bad request", "BadRequestError"),
            ErrorKind.PERMANENT,
            "BadRequestError",
        ),
        (ValueError("bad amount"), ErrorKind.PERMANENT, "ValueError"),
        (KeyError("client_id"), ErrorKind.PERMANENT, "KeyError"),
        (TypeError("None is not a str"), ErrorKind.PERMANENT, "TypeError"),
        (ConnectionError("reset"), ErrorKind.TRANSIENT, "ConnectionError"),
        (TimeoutError(), ErrorKind.TRANSIENT, "TimeoutError"),
        (LibraryTimeout("anything else"), ErrorKind.TRANSIENT, "LibraryTimeout"),
        (RuntimeError("boom"), ErrorKind.TRANSIENT, "RuntimeError"),
    ],
)
def test_classification(exc, kind, type_name):
    info = classify(exc)
    assert info.kind is kind
    assert info.type == type_name
    assert info.message


def test_classified_message_is_bounded():
    assert len(classify(RuntimeError("x" * 10_000)).message) == 300


def test_classified_message_is_one_line_without_quoted_data():
    # What psycopg2 says about a NOT NULL violation: the DETAIL line quotes the whole row.
    exc = RuntimeError(
        'null value in column "subject" violates not-null constraint\n'
        "DETAIL:  Failing row contains (BODY-MARKER, secret-ish).\n"
        "[SQL: INSERT INTO email_jobs (id, body_text) VALUES (%(id)s, %(body_text)s)]"
    )
    message = classify(exc).message
    assert message == "null value in column … violates not-null constraint"
    assert (
        "BODY-MARKER" not in classify(ValueError("Key (external_id)=(BODY-MARKER) exists")).message
    )
    assert "BODY-MARKER" not in classify(KeyError("'BODY-MARKER'")).message
