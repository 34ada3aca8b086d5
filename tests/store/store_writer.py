"""A writer process for the crash test: stores patients one transaction each, and says so.

Run as ``python store_writer.py DATABASE_URL DATA_DIR``. Each transaction stores one patient with
five PHQ-9 visits and its audit event; only after COMMIT returns does it print ``ACK <n> <id>``.
It writes until it is killed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from trdkit.record import validate_record
from trdkit.store import Actor, AuditAction, open_store, record_event
from trdkit.store.entries import add_scale
from trdkit.store.repository import create_patient

VISITS = 5


def main() -> None:
    store = open_store(Path(sys.argv[2]), sys.argv[1], upgrade=False)
    n = 0
    while True:
        with store.transaction() as session:
            patient = create_patient(
                session, validate_record({"id": f"w-{n}", "assessed_on": "2026-01-31"}), "crash"
            )
            for day in range(1, VISITS + 1):
                add_scale(
                    session,
                    patient,
                    {"instrument": "phq9", "date": f"2026-01-{day:02d}", "total": 10 + day},
                )
            record_event(
                session,
                Actor(id=None, username="writer"),
                AuditAction.create,
                "patient",
                patient.id,
            )
        print(f"ACK {n} {patient.id}", flush=True)
        n += 1


if __name__ == "__main__":
    main()
