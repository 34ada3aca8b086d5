"""A real FHIR R4 server for the integration tests: sekmet-fhir, started as a subprocess.

Use with ``pytest_plugins = ["fhir_server_fixtures"]``. The server comes from its own virtual
environment (``scripts/sekmet-venv.sh``, default ``.venv-sekmet`` in the project root, or
``$SEKMET_VENV``) so its pins stay out of the product's. Without it a test FAILS under ``CI=true``
and is skipped elsewhere.

Each module gets one server on a free loopback port, in its own temporary working directory
(sekmet writes ``data/sekmet.db`` there), configured by a ``settings.yaml`` written here: a static
bearer token is required (so the clients' token handling is exercised), the pharmacy simulator is
off (it would answer an active MedicationRequest with a MedicationDispense two seconds later) and
``base_url`` names the real port (sekmet's default, port 8090, would end up in search links).
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from conftest import ROOT

START_TIMEOUT = 30.0  # seconds until GET /fhir/metadata must answer
REQUEST_TIMEOUT = 30.0
FHIR_JSON = "application/fhir+json"


def sekmet_executable() -> Path:
    """The ``sekmet`` executable of the separate environment (fail under CI, skip otherwise)."""
    venv = Path(os.environ.get("SEKMET_VENV") or ROOT / ".venv-sekmet")
    exe = venv / "bin" / "sekmet"
    if not exe.exists():
        reason = f"sekmet FHIR server not installed at {exe} (run: bash scripts/sekmet-venv.sh)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI=true: the FHIR-server integration tests must run")
        pytest.skip(reason)
    return exe


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class SekmetServer:
    """A running sekmet server: its FHIR base URL, the bearer token it requires, and a client."""

    base_url: str
    token: str
    workdir: Path
    startup_seconds: float
    client: httpx.Client

    def request(self, method: str, path: str, body: Any = None, **params: str) -> httpx.Response:
        """One authorised request; ``path`` is relative to the FHIR base."""
        return self.client.request(
            method,
            f"{self.base_url}/{path.lstrip('/')}",
            json=body,
            params=params or None,
            headers={"Content-Type": FHIR_JSON} if body is not None else None,
        )

    def transaction(self, entries: list[dict[str, Any]]) -> dict[str, Any]:
        """POST a transaction Bundle; return the transaction-response (asserting 200)."""
        bundle = {"resourceType": "Bundle", "type": "transaction", "entry": entries}
        response = self.request("POST", "", bundle)
        assert response.status_code == 200, response.text[:2000]
        answer: dict[str, Any] = response.json()
        return answer

    def search(self, resource_type: str, **params: str) -> list[dict[str, Any]]:
        """Every matching resource of a search, following ``next`` links."""
        found: list[dict[str, Any]] = []
        response = self.request("GET", resource_type, **params)
        for _ in range(1000):  # bounded: a server looping on its own links must not hang a test
            assert response.status_code == 200, response.text[:2000]
            page = response.json()
            found += [
                e["resource"]
                for e in page.get("entry", [])
                if e.get("search", {}).get("mode", "match") == "match"
            ]
            link = next((x["url"] for x in page.get("link", []) if x["relation"] == "next"), None)
            if link is None:
                return found
            response = self.client.get(link)
        raise AssertionError(f"{resource_type} search did not end after 1000 pages")


def _start(exe: Path, workdir: Path, port: int, token: str) -> subprocess.Popen[bytes]:
    base = f"http://127.0.0.1:{port}/fhir"
    settings = {
        "base_url": base,
        "host": "127.0.0.1",
        "port": port,
        "data_dir": str(workdir / "data"),
        "server_auth": {"types": ["bearer"], "tokens": [token]},
        "simulator": {"enabled": False},
        "log_inbound": False,
    }
    config = workdir / "settings.yaml"
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEKMET_")}
    env["SEKMET_CONFIG"] = str(config)
    with (workdir / "server.log").open("ab") as log:
        return subprocess.Popen(
            [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )


def _wait_ready(proc: subprocess.Popen[bytes], base: str, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            if httpx.get(f"{base}/metadata", timeout=2.0).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def start_sekmet(workdir: Path) -> Iterator[SekmetServer]:
    """Start sekmet in ``workdir``, yield it once ready, stop it afterwards.

    A port taken between choosing and binding it makes the server exit; a new port is tried
    then (three attempts, all within ``START_TIMEOUT``).
    """
    exe = sekmet_executable()
    token = secrets.token_urlsafe(24)
    started = time.monotonic()
    deadline = started + START_TIMEOUT
    for _attempt in range(3):
        port = _free_port()
        base = f"http://127.0.0.1:{port}/fhir"
        proc = _start(exe, workdir, port, token)
        try:
            if _wait_ready(proc, base, deadline):
                headers = {"Authorization": f"Bearer {token}", "Accept": FHIR_JSON}
                with httpx.Client(headers=headers, timeout=REQUEST_TIMEOUT) as client:
                    yield SekmetServer(base, token, workdir, time.monotonic() - started, client)
                return
        finally:
            _stop(proc)
        if time.monotonic() >= deadline:
            break
    log = (workdir / "server.log").read_text(encoding="utf-8", errors="replace")[-3000:]
    pytest.fail(f"sekmet did not answer {START_TIMEOUT:.0f} s after start; its log:\n{log}")


@pytest.fixture(scope="module")
def sekmet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SekmetServer]:
    """A sekmet FHIR R4 server for the test module (requires its bearer token)."""
    yield from start_sekmet(tmp_path_factory.mktemp("sekmet"))


@pytest.fixture
def sekmet_base_url(sekmet: SekmetServer) -> str:
    """The FHIR base URL of the module's server (``http://127.0.0.1:PORT/fhir``)."""
    return sekmet.base_url
