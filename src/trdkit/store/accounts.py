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
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trdkit.store.models import ROLES, AuthToken, User, utcnow

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "AccountError",
    "authenticate",
    "count_users",
    "create_user",
    "find_user",
    "hash_password",
    "issue_token",
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


def resolve_token(session: Session, secret: str, kind: TokenKind) -> AuthToken | None:
    """The live token for ``secret`` (not expired, not revoked, user active), else ``None``."""
    row = session.scalar(
        select(AuthToken).where(AuthToken.token_hash == _digest(secret), AuthToken.kind == kind)
    )
    if row is None or row.revoked or row.expires_at <= utcnow() or not row.user.is_active:
        return None
    return row


def revoke_token(row: AuthToken) -> None:
    """Revoke a token or session (sign-out)."""
    row.revoked = True
