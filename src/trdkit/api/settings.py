"""Settings of the web application, read from the environment by ``Settings.from_env``.

=========================  ==================================================================
``TRDKIT_DATA_DIR``        data directory (database, uploaded genotype files, secret key)
``TRDKIT_DATABASE_URL``    database URL (default: SQLite in the data directory)
``TRDKIT_SECRET_KEY``      key for pseudonyms of de-identified exports (default: a random key
                           kept in ``DATA_DIR/secret_key``)
``TRDKIT_SECURE_COOKIES``  ``1`` to mark cookies ``Secure`` (serve over HTTPS)
``TRDKIT_ADMIN_PASSWORD``  password of the first-run ``admin`` user (default: generated)
=========================  ==================================================================
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from trdkit.store.engine import default_data_dir

__all__ = ["Settings", "load_secret_key"]

_SECRET_FILE = "secret_key"


class Settings(BaseModel):
    """Everything ``create_app`` needs to know."""

    model_config = ConfigDict(frozen=True)

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None
    secret_key: str | None = Field(default=None, repr=False)
    secure_cookies: bool = False
    token_ttl: dt.timedelta = dt.timedelta(hours=12)
    session_ttl: dt.timedelta = dt.timedelta(hours=8)
    max_upload_bytes: int = Field(default=512 * 1024 * 1024, gt=0)

    @classmethod
    def from_env(cls) -> Settings:
        """Settings from the ``TRDKIT_*`` environment variables."""
        return cls(
            data_dir=default_data_dir(),
            database_url=os.environ.get("TRDKIT_DATABASE_URL") or None,
            secret_key=os.environ.get("TRDKIT_SECRET_KEY") or None,
            secure_cookies=os.environ.get("TRDKIT_SECURE_COOKIES", "") in ("1", "true", "yes"),
        )


def load_secret_key(settings: Settings) -> bytes:
    """The configured secret key, else the one kept in the data directory (made once, 0600)."""
    if settings.secret_key:
        return settings.secret_key.encode("utf-8")
    path = settings.data_dir / _SECRET_FILE
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        # Written to a private temporary file and linked into place: two workers starting at
        # once agree on one key, and a half-written key is never read.
        tmp = path.with_name(f".{_SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text(encoding="ascii").strip().encode("ascii")
