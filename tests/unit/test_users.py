"""Users, roles and tokens (SPEC §8): the rules and the use cases on in-memory fakes."""

from __future__ import annotations

import pytest

from application.user_ports import UserExists
from application.users.authenticate import API_PRINCIPAL, AuthenticatePassword, AuthenticateToken
from application.users.create_user import CreateUser
from application.users.issue_token import IssueToken, UnknownUser, UserDisabled, token_hash
from application.users.manage_users import DisableUser, ListUsers
from domain.users import InvalidUser, Principal, Role
from tests.fake_users import FakePasswordHasher, FakeUserStore
from tests.fakes import FakeClock

PASSWORD = "correct horse battery"


@pytest.mark.parametrize(
    ("role", "required", "allowed"),
    [
        ("viewer", "viewer", True),
        ("viewer", "reviewer", False),
        ("reviewer", "viewer", True),
        ("reviewer", "reviewer", True),
        ("reviewer", "operator", False),
        ("operator", "reviewer", True),
        ("operator", "operator", True),
        ("operator", "admin", False),
        ("admin", "viewer", True),
        ("admin", "admin", True),
    ],
)
def test_each_role_includes_the_ones_before_it(role, required, allowed):
    assert Principal("x", Role(role)).can(required) is allowed


@pytest.fixture
def store() -> FakeUserStore:
    return FakeUserStore()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def create(store, clock):
    return CreateUser(store, FakePasswordHasher(), clock)


def test_create_user_stores_a_hash_not_the_password(create, store):
    user = create("  Jana.Hoffmann ", "reviewer", PASSWORD)
    assert user.username == "jana.hoffmann"
    stored = store.get("jana.hoffmann")
    assert stored.role is Role.REVIEWER and not stored.disabled
    assert PASSWORD not in stored.password_hash


@pytest.mark.parametrize(
    ("username", "role", "password", "message"),
    [
        ("a", "viewer", PASSWORD, "username"),
        ("has space", "viewer", PASSWORD, "username"),
        ("api", "viewer", PASSWORD, "reserved"),
        ("jana", "superuser", PASSWORD, "role"),
        ("jana", "viewer", "short", "at least"),
    ],
)
def test_create_user_refuses_bad_input_and_stores_nothing(
    create, store, username, role, password, message
):
    with pytest.raises(InvalidUser, match=message):
        create(username, role, password)
    assert store.users == {}


def test_create_user_twice_is_refused(create):
    create("jana", "viewer", PASSWORD)
    with pytest.raises(UserExists):
        create("JANA", "admin", PASSWORD)


def test_password_login(create, store):
    create("jana", "reviewer", PASSWORD)
    login = AuthenticatePassword(store, FakePasswordHasher())
    assert login("Jana", PASSWORD) == Principal("jana", Role.REVIEWER)
    assert login("jana", PASSWORD + "x") is None
    assert login("nobody", PASSWORD) is None
    assert login("", "") is None


def test_disabled_user_can_neither_log_in_nor_use_tokens(create, store, clock):
    create("jana", "reviewer", PASSWORD)
    token = IssueToken(store, clock)("jana")
    DisableUser(store)("jana")
    assert AuthenticatePassword(store, FakePasswordHasher())("jana", PASSWORD) is None
    assert AuthenticateToken(store, clock)(token) is None
    with pytest.raises(UserDisabled):
        IssueToken(store, clock)("jana")


def test_token_is_stored_hashed_and_acts_as_its_user(create, store, clock):
    create("jana", "operator", PASSWORD)
    token = IssueToken(store, clock)("jana")
    assert token.startswith("cit_") and len(token) > 40
    assert token not in store.tokens and token_hash(token) in store.tokens
    assert AuthenticateToken(store, clock)(token) == Principal("jana", Role.OPERATOR)
    assert store.token_used[token_hash(token)] == clock.now()
    assert AuthenticateToken(store, clock)(token + "x") is None
    assert AuthenticateToken(store, clock)("") is None


def test_two_tokens_are_different(create, store, clock):
    create("jana", "viewer", PASSWORD)
    issue = IssueToken(store, clock)
    assert issue("jana") != issue("jana")
    assert ListUsers(store)()[0].tokens == 2


def test_jobs_api_token_acts_as_operator_api(store, clock):
    authenticate = AuthenticateToken(store, clock, static_token="s3cret-static-token")
    assert authenticate("s3cret-static-token") == API_PRINCIPAL == Principal("api", Role.OPERATOR)
    assert authenticate("s3cret-static-tokeN") is None


def test_open_access_only_without_static_token_and_without_users(create, store, clock):
    assert AuthenticateToken(store, clock).open_access()
    assert not AuthenticateToken(store, clock, static_token="t").open_access()
    create("jana", "viewer", PASSWORD)
    assert not AuthenticateToken(store, clock).open_access()


def test_unknown_user_errors(store, clock):
    with pytest.raises(UnknownUser):
        IssueToken(store, clock)("nobody")
    with pytest.raises(UnknownUser):
        DisableUser(store)("nobody")
