"""Users, argon2id passwords, and tokens of which only a hash is stored."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from trdkit.store import Store, accounts
from trdkit.store.models import AuthToken

pytest_plugins = ["store_fixtures"]


def test_hash_password__argon2id_with_library_default_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the real hasher, not the tests' cheap one
    hashed = accounts.hash_password("correct horse")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert accounts._DUMMY_HASH.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_verify_password__right_and_wrong() -> None:
    hashed = accounts.hash_password("correct horse")
    assert hashed.startswith("$argon2id$")
    assert accounts.verify_password(hashed, "correct horse")
    assert not accounts.verify_password(hashed, "wrong horse")
    assert not accounts.verify_password("not-a-hash", "correct horse")


@pytest.mark.parametrize(
    ("username", "password", "role", "team", "field"),
    [
        ("bad name!", "password1", "clinician", "t", "username"),
        ("alice", "short", "clinician", "t", "password"),
        ("alice", "password1", "nurse", "t", "role"),
        ("alice", "password1", "clinician", None, "care_team"),
    ],
)
def test_create_user__invalid_input_names_the_field(
    store: Store, username: str, password: str, role: str, team: str | None, field: str
) -> None:
    with store.transaction() as session, pytest.raises(accounts.AccountError) as caught:
        accounts.create_user(session, username, password, role, team)
    assert caught.value.field == field


def test_create_user__username_taken(store: Store) -> None:
    with store.transaction() as session:
        accounts.create_user(session, "alice", "password1", "admin")
    with store.transaction() as session, pytest.raises(accounts.AccountError) as caught:
        accounts.create_user(session, "alice", "password2", "researcher")
    assert caught.value.field == "username"


def test_authenticate__right_wrong_and_unknown(store: Store) -> None:
    with store.transaction() as session:
        accounts.create_user(session, "alice", "password1", "clinician", "t")
    with store.transaction() as session:
        user = accounts.authenticate(session, "alice", "password1")
        assert user is not None and user.username == "alice"
        assert accounts.authenticate(session, "alice", "password2") is None
        assert accounts.authenticate(session, "nobody", "password1") is None


def test_issue_token__only_the_hash_is_stored_and_it_resolves(store: Store) -> None:
    with store.transaction() as session:
        user = accounts.create_user(session, "alice", "password1", "clinician", "t")
        secret, _ = accounts.issue_token(session, user, "session", dt.timedelta(hours=1))
    with store.transaction() as session:
        stored = session.scalars(select(AuthToken)).one()
        assert secret not in (stored.token_hash, stored.csrf_token)
        assert stored.csrf_token and len(stored.csrf_token) >= 32
        found = accounts.resolve_token(session, secret, "session")
        assert found is not None and found.user.username == "alice"
        assert accounts.resolve_token(session, secret, "bearer") is None  # kinds do not mix
        assert accounts.resolve_token(session, secret + "x", "session") is None


def test_resolve_token__expired_and_revoked_are_refused(store: Store) -> None:
    with store.transaction() as session:
        user = accounts.create_user(session, "alice", "password1", "clinician", "t")
        old, _ = accounts.issue_token(session, user, "bearer", dt.timedelta(seconds=-1))
        live, row = accounts.issue_token(session, user, "bearer", dt.timedelta(hours=1))
        accounts.revoke_token(row)
    with store.transaction() as session:
        assert accounts.resolve_token(session, old, "bearer") is None
        assert accounts.resolve_token(session, live, "bearer") is None


def test_resolve_token__inactive_user_is_refused(store: Store) -> None:
    with store.transaction() as session:
        user = accounts.create_user(session, "alice", "password1", "clinician", "t")
        secret, _ = accounts.issue_token(session, user, "bearer", dt.timedelta(hours=1))
        user.is_active = False
    with store.transaction() as session:
        assert accounts.resolve_token(session, secret, "bearer") is None
