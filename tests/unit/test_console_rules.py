"""Console rules without I/O: login throttling, the login use case, chart buckets, filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from application.console.dashboard import hourly_buckets
from application.console.job_list import InvalidFilter, decode_cursor, encode_cursor, parse_filter
from application.console.login import ConsoleLogin
from application.console.ports import LoginFailureStore
from application.console.views import Cursor
from domain.login_throttle import FailedLogins, LoginThrottle
from domain.users import Principal, Role
from tests.fakes import FakeClock

NOW = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


class MemoryFailures(LoginFailureStore):
    def __init__(self) -> None:
        self.rows: dict[str, FailedLogins] = {}

    def get(self, key):
        return self.rows.get(key, FailedLogins(0, None))

    def record_failure(self, key, now, window_start):
        old = self.get(key)
        if old.last_failure_at is not None and old.last_failure_at < window_start:
            old = FailedLogins(0, None)
        self.rows[key] = FailedLogins(old.count + 1, now)

    def clear(self, key):
        self.rows.pop(key, None)


@pytest.mark.parametrize(
    "failures, seconds", [(0, 0), (4, 0), (5, 2), (6, 4), (7, 8), (20, 300), (100, 300)]
)
def test_delay_doubles_after_the_free_attempts_up_to_the_cap(failures, seconds):
    assert LoginThrottle().delay_after(failures) == timedelta(seconds=seconds)


def test_old_failures_are_forgotten_after_the_window():
    throttle = LoginThrottle()
    state = FailedLogins(50, NOW)
    assert throttle.retry_after(state, NOW) == timedelta(seconds=300)
    assert throttle.retry_after(state, NOW + timedelta(minutes=16)) == timedelta(0)


def _login(users: dict[str, str]):
    clock = FakeClock(NOW)
    failures = MemoryFailures()

    def authenticate(username, password):
        if users.get(username) == password:
            return Principal(username, Role.VIEWER)
        return None

    return ConsoleLogin(authenticate, failures, clock), clock, failures


def test_repeated_failures_are_slowed_down_and_even_the_right_password_waits():
    login, clock, _ = _login({"jana": "right-password"})
    for _ in range(5):
        assert login("jana", "wrong", "10.0.0.1").principal is None
    blocked = login("jana", "right-password", "10.0.0.1")
    assert blocked.principal is None and blocked.throttled
    clock.advance(seconds=blocked.retry_after.total_seconds())
    assert login("jana", "right-password", "10.0.0.1").principal == Principal("jana", Role.VIEWER)


def test_one_address_guessing_many_users_is_slowed_down_too():
    login, _, _ = _login({})
    for n in range(5):
        login(f"user{n}", "guess", "10.0.0.9")
    assert login("someone-else", "guess", "10.0.0.9").throttled
    assert not login("someone-else", "guess", "10.0.0.10").throttled


def test_success_clears_the_count():
    login, _, failures = _login({"jana": "right-password"})
    login("jana", "wrong", "10.0.0.1")
    login("jana", "right-password", "10.0.0.1")
    assert failures.rows == {}


def test_hourly_buckets_cover_48_hours_ending_with_the_current_hour():
    received = [NOW, NOW - timedelta(minutes=31), NOW - timedelta(hours=47, minutes=10)]
    completed = [NOW - timedelta(hours=1), NOW - timedelta(hours=60)]
    buckets = hourly_buckets(NOW, received, completed)
    assert len(buckets) == 48
    assert buckets[-1].start == datetime(2026, 11, 20, 8, tzinfo=UTC)
    assert (buckets[-1].received, buckets[-2].received) == (1, 1)
    assert buckets[0].received == 1  # 47 h 10 min ago is inside the first hour shown
    assert buckets[-2].completed == 1
    assert sum(b.completed for b in buckets) == 1  # 60 h ago is outside the chart


def test_filter_parses_dates_and_includes_the_whole_to_day():
    f = parse_filter("failed", "", " telekom ", "2026-11-01", "2026-11-20")
    assert f.status == "failed" and f.outcome is None and f.q == "telekom"
    assert f.received_from == datetime(2026, 11, 1, tzinfo=UTC)
    assert f.received_to == datetime(2026, 11, 21, tzinfo=UTC)


@pytest.mark.parametrize(
    "args",
    [
        ("done", None, None, None, None),
        (None, "maybe", None, None, None),
        (None, None, "x" * 201, None, None),
        (None, None, None, "20.11.2026", None),
    ],
)
def test_bad_filter_values_are_refused_with_a_message(args):
    with pytest.raises(InvalidFilter):
        parse_filter(*args)


def test_cursor_round_trips_and_garbage_is_refused():
    cursor = Cursor(NOW, "a1b2")
    assert decode_cursor(encode_cursor(cursor)) == cursor
    for raw in ("nonsense", "2026-11-20T08:30:00|", "2026-11-20T08:30:00|id"):
        with pytest.raises(InvalidFilter):
            decode_cursor(raw)


class CountingQueries:
    def __init__(self) -> None:
        self.calls = 0

    def dashboard_counts(self, now):
        from application.console.views import DashboardCounts

        self.calls += 1
        return DashboardCounts({"failed": self.calls}, {}, 0, None, 0, 0, None, None)

    def activity_since(self, since):
        return [], []


def test_the_dashboard_is_shared_for_a_few_seconds_then_counted_again():
    from application.console.dashboard import GetDashboard

    clock = FakeClock(NOW)
    queries = CountingQueries()
    dashboard = GetDashboard(queries, clock, mirror_configured=False)
    assert dashboard().status_counts == {"failed": 1}
    clock.advance(seconds=2)
    assert dashboard().status_counts == {"failed": 1}
    clock.advance(seconds=1)
    assert dashboard().status_counts == {"failed": 2}
    assert queries.calls == 2
