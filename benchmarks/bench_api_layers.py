"""Benchmark: what each layer of the stateless assessment's request path costs, in-process.

Drives the ASGI application directly (no sockets, no uvicorn) with the minimal record and a
bearer token, through routes that stop after one more layer each, and prints the CPU time per
request of the process (event loop and group-commit thread together):

* ``raw`` — middleware and routing to an ``async`` route that answers at once;
* ``body`` — plus reading and decoding the JSON body;
* ``auth`` — plus signing the caller in (``clinical_caller``: token lookup, role check);
* ``audit`` — plus committing the audit event through the group commit;
* ``assess`` — the real ``POST /api/assess`` (validation, ``assess``, JSON rendering on top).

The probe routes are added to a private application instance only. ``--concurrency`` requests
are in flight at a time (their audit events may share commits). Not a unit test::

    .venv/bin/python benchmarks/bench_api_layers.py [--requests 800] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Annotated, Any

from bench_api_load import bench_token
from fastapi import Body, Depends, FastAPI, Response

from trdkit.api.auth import clinical_caller
from trdkit.api.deps import Caller
from trdkit.api.settings import Settings
from trdkit.store.audit import AuditAction, AuditDetail

BODY = json.dumps({"format": "trdkit.patient/1", "id": "bench-minimal"}).encode()
LAYERS = ("raw", "body", "auth", "audit", "assess")


def _app(data_dir: Path) -> FastAPI:
    from trdkit.api.app import create_app

    app = create_app(Settings(data_dir=data_dir))
    ok = Response(b"{}", media_type="application/json")

    async def raw() -> Response:
        return ok

    async def body(data: Annotated[dict[str, Any], Body()]) -> Response:
        return ok

    async def auth(
        data: Annotated[dict[str, Any], Body()],
        caller: Annotated[Caller, Depends(clinical_caller)],
    ) -> Response:
        return ok

    async def audit(
        data: Annotated[dict[str, Any], Body()],
        caller: Annotated[Caller, Depends(clinical_caller)],
    ) -> Response:
        await caller.audit(AuditAction.assess, "record", detail=AuditDetail(policy="bench"))
        return ok

    for name, route in (("raw", raw), ("body", body), ("auth", auth), ("audit", audit)):
        app.add_api_route(f"/api/bench-{name}", route, methods=["POST"])
    return app


async def _request(app: FastAPI, path: str, token: str) -> None:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"authorization", b"Bearer " + token.encode()),
            (b"content-length", str(len(BODY)).encode()),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    delivered = False
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": BODY, "more_body": False}
        await asyncio.Event().wait()  # the client never disconnects
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(scope, receive, send)
    if status != [200]:
        raise SystemExit(f"{path} answered {status}")


async def _measure(app: FastAPI, token: str, requests: int, concurrency: int) -> dict[str, float]:
    costs: dict[str, float] = {}
    async with app.router.lifespan_context(app):
        for layer in LAYERS:
            path = "/api/assess" if layer == "assess" else f"/api/bench-{layer}"
            rounds = max(1, requests // concurrency)
            for _ in range(5):
                await asyncio.gather(*(_request(app, path, token) for _ in range(concurrency)))
            best = float("inf")
            for _ in range(3):
                start = time.process_time()
                for _ in range(rounds):
                    await asyncio.gather(*(_request(app, path, token) for _ in range(concurrency)))
                best = min(best, (time.process_time() - start) / (rounds * concurrency))
            costs[layer] = best * 1e6
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="trdkit-layers-") as tmp:
        data_dir = Path(tmp) / "data"
        os.environ.pop("TRDKIT_DATABASE_URL", None)
        token = bench_token(data_dir)
        app = _app(data_dir)
        costs = asyncio.run(_measure(app, token, args.requests, args.concurrency))
        app.state.store.close()
    print("| layer | CPU µs per request | added by the layer |")
    print("|---|---|---|")
    previous = 0.0
    for layer in LAYERS:
        print(f"| {layer} | {costs[layer]:.0f} | {costs[layer] - previous:+.0f} |")
        previous = costs[layer]


if __name__ == "__main__":
    main()
