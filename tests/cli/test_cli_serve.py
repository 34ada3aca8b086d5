"""``trdkit serve``: starts uvicorn on the data directory, creating the first-run admin."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from trdkit.cli.serve import ensure_first_admin
from trdkit.store import open_store
from trdkit.store.accounts import authenticate


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_ensure_first_admin__only_when_no_users(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    try:
        password = ensure_first_admin(store, "demo-password")
        assert password == "demo-password"
        assert ensure_first_admin(store, "other-password") is None
        with store.transaction() as session:
            admin = authenticate(session, "admin", "demo-password")
            assert admin is not None and admin.role == "admin"
    finally:
        store.close()


def test_serve__answers_health_and_token_on_loopback(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "TRDKIT_DATA_DIR": str(tmp_path / "data"),
        "TRDKIT_ADMIN_PASSWORD": "first-run-pw",
    }
    env.pop("TRDKIT_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-c", "from trdkit.cli import main; main()", "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"{base}/api/health", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.3)
        assert health.json()["database"] == "sqlite"
        token = httpx.post(
            f"{base}/api/auth/token", json={"username": "admin", "password": "first-run-pw"}
        )
        assert token.status_code == 200
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=30)
    assert "first run: created user 'admin' with password (from TRDKIT_ADMIN_PASSWORD)" in output
    assert "first-run-pw" not in output
    assert (tmp_path / "data" / "trdkit.sqlite3").exists()
