"""Users, passwords (argon2id) and the secrets that stand for a signed-in user.

A bearer token (API) and a web session (cookie) are both random secrets of which only the SHA-256
is stored; a stolen database does not sign anyone in. A session also carries the CSRF token that
its unsafe requests must echo.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, bindparam, func, select
from sqlalchemy.orm import Session

from trdkit.store.engine import READ_ONLY
from trdkit.store.models import ROLES, AuthToken, User, utcnow
from trdkit.store.sqlite_direct import DirectStatements

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "AccountError",
    "authenticate",
    "count_users",
    "create_user",
    "find_user",
    "hash_password",
    "issue_token",
    "lookup_token",
    "resolve_token",
    "revoke_token",
    "verify_password",
]

MIN_PASSWORD_LENGTH = 8
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_TEAM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_. -]{0,63}$")
_hasher = PasswordHasher()
# Verifying against this when the user does not exist takes as long as a real check, so the
# response time does not tell which usernames exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

TokenKind = Literal["bearer", "session"]


class AccountError(ValueError):
    """A user cannot be created as asked; ``field`` names the offending input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (salted, with the library's recommended cost)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def find_user(session: Session, username: str) -> User | None:
    """The user called ``username`` (exact match), if any."""
    return session.scalar(select(User).where(User.username == username))


def count_users(session: Session) -> int:
    """How many users exist."""
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def create_user(
    session: Session, username: str, password: str, role: str, care_team: str | None = None
) -> User:
    """Create a user.

    Raises
    ------
    AccountError
        A malformed or taken username, an unknown role, a short password, or a clinician
        without a care team.
    """
    if not _USERNAME.match(username):
        raise AccountError(
            "username", "use 1-64 letters, digits or . _ @ - (starting with a letter or digit)"
        )
    if role not in ROLES:
        raise AccountError("role", f"unknown role {role!r} (allowed: {', '.join(ROLES)})")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password", f"use at least {MIN_PASSWORD_LENGTH} characters")
    if care_team is not None and not _TEAM.match(care_team):
        raise AccountError("care_team", "use 1-64 letters, digits, spaces or . _ -")
    if role == "clinician" and not care_team:
        raise AccountError("care_team", "a clinician needs a care team")
    if find_user(session, username) is not None:
        raise AccountError("username", "this username is taken")
    user = User(
        username=username, password_hash=hash_password(password), role=role, care_team=care_team
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, else ``None`` (in constant-ish time)."""
    user = find_user(session, username)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_token(
    session: Session, user: User, kind: TokenKind, ttl: dt.timedelta
) -> tuple[str, AuthToken]:
    """A new secret for ``user``; returns the secret (shown once) and its stored row."""
    secret = secrets.token_urlsafe(32)
    row = AuthToken(
        token_hash=_digest(secret),
        kind=kind,
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32) if kind == "session" else None,
        expires_at=utcnow() + ttl,
    )
    session.add(row)
    session.flush()
    return secret, row


def _live(expires_at: dt.datetime, revoked: bool, user_active: bool) -> bool:
    return not revoked and expires_at > utcnow() and user_active


def resolve_token(session: Session, secret: str, kind: TokenKind) -> AuthToken | None:
    """The live token for ``secret`` (not expired, not revoked, user active), else ``None``."""
    row = session.scalar(
        select(AuthToken).where(AuthToken.token_hash == _digest(secret), AuthToken.kind == kind)
    )
    if row is None or not _live(row.expires_at, row.revoked, row.user.is_active):
        return None
    return row


_TOKENS, _USERS = AuthToken.__table__, User.__table__
_TOKEN_COLUMNS = ("id", "kind", "user_id", "csrf_token", "created_at", "expires_at", "revoked")
_USER_COLUMNS = ("id", "username", "role", "care_team", "is_active", "created_at")
_LOOKUP = (
    select(
        *(_TOKENS.c[name].label(f"t_{name}") for name in _TOKEN_COLUMNS),
        *(_USERS.c[name].label(f"u_{name}") for name in _USER_COLUMNS),
    )
    .join(_USERS, _USERS.c.id == _TOKENS.c.user_id)
    .where(_TOKENS.c.token_hash == bindparam("digest"), _TOKENS.c.kind == bindparam("kind"))
)


def lookup_token(
    engine: Engine, secret: str, kind: TokenKind, direct: DirectStatements | None = None
) -> AuthToken | None:
    """As :func:`resolve_token`, for a request that keeps no session: one read, no ORM loading.

    The token and its user come back detached (never attached to a session, password hash left
    out): enough to sign the request in and attribute its audit event, and about a quarter of
    the cost of loading them through a session, which counts on a path taken by every request.
    The read is a read-only transaction (:data:`trdkit.store.engine.READ_ONLY`), or with
    ``direct`` (SQLite) one statement through the driver.
    """
    params = {"digest": _digest(secret), "kind": kind}
    if direct is not None:
        values = direct.select_one(_LOOKUP, params)
    else:
        with engine.connect().execution_options(**{READ_ONLY: True}) as connection:
            row = connection.execute(_LOOKUP, params).first()
            connection.rollback()
        values = None if row is None else dict(row._mapping)
    if values is None or not _live(
        values["t_expires_at"], values["t_revoked"], values["u_is_active"]
    ):
        return None
    user = User(**{name: values[f"u_{name}"] for name in _USER_COLUMNS})
    token = AuthToken(token_hash=params["digest"], **{n: values[f"t_{n}"] for n in _TOKEN_COLUMNS})
    token.user = user
    return token


def revoke_token(row: AuthToken) -> None:
    """Revoke a token or session (sign-out)."""
    row.revoked = True
