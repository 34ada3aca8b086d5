"""Benchmark: the stateless assessment endpoint under load, on loopback, with wrk.

Starts ``trdkit serve`` (uvicorn, ``--workers`` processes, embedded SQLite in a temporary data
directory), signs in a clinician with a bearer token, and lets wrk (Debian package ``wrk``) send
``POST /api/assess`` with a typical record without a VCF (``examples/trd-with-genotypes.yaml``)
for a bounded time; every request commits its audit event. Reports assessments per second and the
latency percentiles, checks that the audit trail grew by at least the number of answered requests,
and profiles ``assess`` in-process (pyinstrument) for its per-call time. Not a unit test::

    .venv/bin/python benchmarks/bench_api_load.py [--duration 20] [--connections 4,8,16]
        [--threads 1] [--workers 2] [--calls 200] [--database-url URL] [--write]

``--database-url`` runs the server on that (empty) database instead, e.g. a PostgreSQL database
on the test server of ``scripts/start-postgres.sh``; the section is then printed, never written.

Traffic goes to 127.0.0.1 only. ``--write`` replaces (or appends) the "API load" section of
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from pyinstrument import Profiler

from trdkit import assess
from trdkit.record import PatientRecord, parse_record_text, validate_record
from trdkit.store import open_store
from trdkit.store.accounts import create_user, issue_token
from trdkit.store.models import AuditEvent
from trdkit.store.repository import count_rows

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## API load"
RECORDS = {
    "typical": ("typical", (ROOT / "examples" / "trd-with-genotypes.yaml").read_text("utf-8")),
    "minimal": ("minimal", '{"format": "trdkit.patient/1", "id": "bench-minimal"}'),
}
LUA = Path(__file__).with_name("api_assess.lua")
TARGET_RPS, TARGET_P99_MS, TARGET_ASSESS_MS = 300, 50, 1.0
WARM_UP_S = 3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _audit_count(data_dir: Path, url: str | None) -> int:
    store = open_store(data_dir, url, upgrade=False)
    try:
        with store.transaction() as session:
            return count_rows(session, AuditEvent)
    finally:
        store.close()


def bench_token(data_dir: Path, url: str | None = None) -> str:
    """Create the benchmark's clinician in a new store; return a bearer token for it."""
    store = open_store(data_dir, url)
    try:
        with store.transaction() as session:
            user = create_user(session, "bench", "bench-password", "clinician", "bench")
            token, _ = issue_token(session, user, "bearer", dt.timedelta(hours=2))
    finally:
        store.close()
    return token


def _start_server(
    data_dir: Path, port: int, workers: int, url: str | None
) -> subprocess.Popen[str]:
    env = {**os.environ, "TRDKIT_DATA_DIR": str(data_dir), "TRDKIT_ADMIN_PASSWORD": "unused-pw"}
    env.pop("TRDKIT_DATABASE_URL", None)
    if url:
        env["TRDKIT_DATABASE_URL"] = url
    command = [sys.executable, "-c", "from trdkit.cli import main; main()", "serve"]
    command += ["--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not start within 90 s")


def _wrk(port: int, body: Path, token: str, args: argparse.Namespace) -> dict[str, Any]:
    env = {**os.environ, "TRDKIT_BENCH_BODY": str(body), "TRDKIT_BENCH_TOKEN": token}
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s"]
    command += ["--timeout", "10s", "-s", str(LUA), f"http://127.0.0.1:{port}/api/assess"]
    out = subprocess.run(
        command, env=env, capture_output=True, text=True, check=True, timeout=args.duration + 60
    ).stdout
    line = next(x for x in reversed(out.splitlines()) if x.startswith("{"))
    figures: dict[str, Any] = json.loads(line)
    return figures


def profile_assess(record: PatientRecord, calls: int) -> tuple[float, str]:
    """Milliseconds per ``assess`` call in-process (best of three batches after a warm-up), and
    the pyinstrument summary."""
    for _ in range(20):
        assess(record)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(calls):
            assess(record)
        best = min(best, (time.perf_counter() - start) / calls * 1000)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(min(calls, 100)):
        assess(record)
    profiler.stop()
    return best, profiler.output_text(unicode=False, color=False, show_all=False)


def _top_frames(text: str, depth: int = 3, limit: int = 16) -> str:
    lines = [x for x in text.splitlines() if "`-" in x or "|-" in x]
    keep = [x for x in lines if (len(x) - len(x.lstrip(" |`-"))) <= depth * 3]
    return "\n".join(keep[:limit])


def _row(name: str, run: dict[str, Any], per_call: float) -> str:
    seconds = run["duration_us"] / 1e6
    record, count = name.split(":")
    return (
        f"| {RECORDS[record][0]} | {count} | {per_call:.2f} | {run['requests'] / seconds:.0f} | "
        f"{run['p50_us'] / 1000:.1f} | {run['p90_us'] / 1000:.1f} | "
        f"**{run['p99_us'] / 1000:.1f}** | {run['non_2xx']} / {run['socket_errors']} / "
        f"{run['timeouts']} | {run['audited']} |"
    )


def section(
    runs: dict[str, dict[str, Any]], calls: dict[str, float], profile: str, args: argparse.Namespace
) -> str:
    """The Markdown section for docs/benchmarks.md."""
    verdicts = []
    for count in args.counts:
        typical = runs[f"typical:{count}"]
        rps = typical["requests"] / (typical["duration_us"] / 1e6)
        met = rps >= TARGET_RPS and typical["p99_us"] / 1000 <= TARGET_P99_MS
        verdicts.append(f"{'met' if met else 'missed'} with {count} connections")
    verdict = "; ".join(verdicts)
    in_process = calls["typical"]
    assess_verdict = "met" if in_process <= TARGET_ASSESS_MS else f"missed ({in_process:.2f} ms)"
    rows = "\n".join(_row(k, runs[k], calls[k.split(":")[0]]) for k in runs)
    return f"""{SECTION}

Command: `.venv/bin/python benchmarks/bench_api_load.py --duration {args.duration} \
--connections {args.connections} --threads {args.threads} --workers {args.workers}`

Machine: {platform.machine()}, {os.cpu_count()} cores shared by the server ({args.workers} uvicorn
workers) and wrk ({args.threads} thread, {args.connections} connections, {args.duration} s per
run after a {WARM_UP_S} s warm-up; load average {args.load:.1f} before and \
{args.load_after:.1f} after the runs: other jobs on the machine slow every figure), Python \
{platform.python_version()}, {_database(args)}, loopback only. Load: `POST /api/assess` with a
bearer token, one audit event committed per request. "typical" is
`examples/trd-with-genotypes.yaml` as JSON (no VCF; lab-reported diplotypes); "minimal" is a
record with an id only, which shows what the API, authentication and audit cost around a
near-empty assessment.

| record | connections | `assess` in-process, ms/call | assessments/s | p50 ms | p90 ms | \
**p99 ms** | non-2xx / socket errors / timeouts | audit events committed |
|---|---|---|---|---|---|---|---|---|
{rows}

Targets: >= {TARGET_RPS} assessments/s with p99 <= {TARGET_P99_MS} ms for the typical record: \
{verdict}. `assess` <= {TARGET_ASSESS_MS} ms in-process: {assess_verdict}. Where `assess` \
spends its time on the typical record (pyinstrument, 100 calls, seconds, top frames):

```
{_top_frames(profile)}
```
"""


def _database(args: argparse.Namespace) -> str:
    if args.database_url:
        return "PostgreSQL (" + args.database_url.split("://", 1)[0] + ", a local server)"
    return "embedded SQLite (WAL, synchronous=FULL) in a temporary data directory"


def write_section(text: str) -> None:
    """Replace the section in docs/benchmarks.md, or append it at the end."""
    doc = DOC.read_text(encoding="utf-8")
    start = doc.find(SECTION + "\n")
    if start < 0:
        DOC.write_text(doc.rstrip("\n") + "\n\n" + text, encoding="utf-8")
        return
    end = doc.find("\n## ", start + len(SECTION))
    rest = doc[end + 1 :] if end >= 0 else ""
    DOC.write_text(doc[:start] + text + ("\n" + rest if rest else ""), encoding="utf-8")


def _load(
    port: int, data_dir: Path, body: Path, token: str, args: argparse.Namespace
) -> dict[str, Any]:
    check = httpx.post(
        f"http://127.0.0.1:{port}/api/assess",
        content=body.read_bytes(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        timeout=30,
    )
    check.raise_for_status()
    # Every worker loads the knowledge on its first assessment; measure the steady state.
    warm = argparse.Namespace(**{**vars(args), "duration": WARM_UP_S})
    _wrk(port, body, token, warm)
    before = _audit_count(data_dir, args.database_url)
    figures = _wrk(port, body, token, args)
    time.sleep(1)  # requests still in flight when wrk stopped counting finish
    figures["audited"] = _audit_count(data_dir, args.database_url) - before
    if figures["audited"] < figures["requests"] - figures["non_2xx"]:
        raise SystemExit(
            f"only {figures['audited']} audit events for {figures['requests']} requests"
        )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--duration", type=int, default=20, help="seconds of load per run (max 120)"
    )
    parser.add_argument(
        "--connections",
        default="8",
        help="wrk connections; a comma-separated list runs each record at each count",
    )
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--calls", type=int, default=200, help="in-process assess calls")
    parser.add_argument(
        "--database-url", default=None, help="an empty database to serve from (default: SQLite)"
    )
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    args.duration = max(1, min(args.duration, 120))
    args.counts = [int(x) for x in str(args.connections).split(",") if x.strip()]
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    args.load = os.getloadavg()[0]
    data = {k: parse_record_text(v[1]) for k, v in RECORDS.items()}
    calls: dict[str, float] = {}
    profile = ""
    for key, doc in data.items():
        calls[key], text = profile_assess(validate_record(doc), args.calls)
        profile = text if key == "typical" else profile
    runs: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="trdkit-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        token = bench_token(data_dir, args.database_url)
        port = _free_port()
        server = _start_server(data_dir, port, args.workers, args.database_url)
        try:
            for key, doc in data.items():
                body = Path(tmp) / f"{key}.json"
                body.write_text(json.dumps(doc), encoding="utf-8")
                for count in args.counts:
                    one = argparse.Namespace(**{**vars(args), "connections": count})
                    runs[f"{key}:{count}"] = _load(port, data_dir, body, token, one)
        finally:
            server.terminate()
            server.wait(timeout=60)
    args.load_after = os.getloadavg()[0]
    text = section(runs, calls, profile, args)
    print(text)
    if args.write and not args.database_url:
        write_section(text)


if __name__ == "__main__":
    main()
