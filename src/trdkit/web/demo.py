"""``trdkit demo``: the web app on an embedded demo database seeded with the example patients.

``make demo`` runs this. The data directory (default ``.demo-data`` in the working directory)
holds a SQLite database; the first run creates the first-run ``admin`` (as ``trdkit serve``
does) and a demo clinician, and stores each ``examples/*.yaml`` record as a patient of the demo
care team, with its genotype file called and stored when the record names one, and a first
assessment. Later runs keep what is there and add only what is missing. ``--check`` (or
``TRDKIT_DEMO_EXIT_AFTER_SEED=1``) seeds and exits instead of serving, for tests.

Every seeded write is an audit event of the actor ``demo-seed``, like any other write.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from trdkit.record import PatientRecord
    from trdkit.store.session import Store

# The web stack is imported when the command runs, so that other commands do not load it.

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_TEAM",
    "DEMO_USER",
    "SeededPatient",
    "demo_command",
    "seed_demo",
]

DEMO_USER = "demo"
DEMO_TEAM = "demo-team"
DEMO_PASSWORD = "demo-password"
EXIT_AFTER_SEED_ENV = "TRDKIT_DEMO_EXIT_AFTER_SEED"
_ACTOR = "demo-seed"


@dataclass(frozen=True)
class SeededPatient:
    """One example record in the demo database: where it came from and what it became."""

    source: str
    record_id: str
    patient_id: str
    created: bool
    genotype_file: bool
    trd_status: str | None


def _ensure_clinician(session: Session, password: str) -> bool:
    from trdkit.store.accounts import create_user, find_user
    from trdkit.store.audit import Actor, AuditAction, AuditDetail, record_event

    if find_user(session, DEMO_USER) is not None:
        return False
    user = create_user(session, DEMO_USER, password, "clinician", DEMO_TEAM)
    record_event(
        session,
        Actor(id=None, username=_ACTOR),
        AuditAction.create,
        "user",
        str(user.id),
        detail=AuditDetail(role="clinician"),
    )
    return True


def _store_genotypes(
    store: Store, session: Session, patient_id: str, path: Path, sample: str | None
) -> None:
    # The API's upload path, without HTTP: an opaque stored name, the PGx caller, one row.
    from trdkit.pgx.call import call_genotypes
    from trdkit.store.audit import Actor, AuditAction, AuditDetail, record_event
    from trdkit.store.models import Patient, new_id
    from trdkit.store.results import add_genotype_file

    stored = new_id() + (".vcf.gz" if path.name.endswith(".gz") else ".vcf")
    target = store.genotype_dir / stored
    shutil.copyfile(path, target)
    target.chmod(0o600)
    calls = call_genotypes(target, sample=sample)
    chosen = sample if sample in calls else next(iter(calls))
    patient = session.get(Patient, patient_id)
    assert patient is not None
    add_genotype_file(
        session,
        patient,
        original_name=path.name,
        stored_name=stored,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        size_bytes=path.stat().st_size,
        sample=chosen,
        assembly="GRCh38",
        calls=calls[chosen],
        uploaded_by=None,
    )
    record_event(
        session,
        Actor(id=None, username=_ACTOR),
        AuditAction.upload,
        "genotype",
        patient_id,
        detail=AuditDetail(format="vcf"),
    )


def _seed_one(store: Store, source: Path, record: PatientRecord) -> SeededPatient:
    from sqlalchemy import select

    from trdkit.assessment import assess
    from trdkit.store.audit import Actor, AuditAction, AuditDetail, record_event
    from trdkit.store.models import Patient
    from trdkit.store.repository import create_patient
    from trdkit.store.results import latest_calls, save_assessment

    actor = Actor(id=None, username=_ACTOR)
    with store.transaction() as session:
        existing = session.scalar(
            select(Patient).where(Patient.care_team == DEMO_TEAM, Patient.record_id == record.id)
        )
        if existing is not None:
            return SeededPatient(source.name, record.id, existing.id, False, False, None)
        patient = create_patient(session, record, DEMO_TEAM)
        record_event(session, actor, AuditAction.import_record, "patient", patient.id)
        genetics = record.genetics
        has_file = genetics is not None and genetics.vcf is not None
        if genetics is not None and genetics.vcf is not None:
            path = Path(genetics.vcf)
            path = path if path.is_absolute() else source.parent / path
            _store_genotypes(store, session, patient.id, path, genetics.sample)
        calls = latest_calls(session, patient.id)
        assessment = assess(record, vcf_calls=calls or None)
        save_assessment(session, patient, assessment, None)
        record_event(
            session,
            actor,
            AuditAction.assess,
            "assessment",
            patient.id,
            detail=AuditDetail(policy=assessment.policy.id),
        )
        status = assessment.trd.status.value
        return SeededPatient(source.name, record.id, patient.id, True, has_file, status)


def seed_demo(store: Store, examples: Path, password: str = DEMO_PASSWORD) -> list[SeededPatient]:
    """Create the demo clinician and store every example record not yet stored.

    Parameters
    ----------
    store
        The open demo store.
    examples
        The folder of ``*.yaml`` example records (genotype files relative to it).
    password
        The demo clinician's password, used only when the user is created.

    Returns
    -------
    list of SeededPatient
        One per example file, in file-name order.
    """
    from trdkit.record import load_record

    with store.transaction() as session:
        _ensure_clinician(session, password)
    return [_seed_one(store, path, load_record(path)) for path in sorted(examples.glob("*.yaml"))]


def _private_data_dir(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    # The demo data never belongs in version control, wherever the folder is made.
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n", encoding="ascii")


def demo_command(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.", min=1, max=65535)] = 8000,
    data_dir: Annotated[
        Path, typer.Option("--data-dir", help="Demo data directory (SQLite, genotype files).")
    ] = Path(".demo-data"),
    examples: Annotated[
        Path, typer.Option("--examples", help="Folder of example records (*.yaml).")
    ] = Path("examples"),
    check: Annotated[
        bool, typer.Option("--check", help="Seed, print the login and exit without serving.")
    ] = False,
) -> None:
    """Serve the web app on a demo database seeded with the example patients (Ctrl-C stops)."""
    import uvicorn

    from trdkit.api import Settings, create_app
    from trdkit.cli.serve import FIRST_ADMIN, ensure_first_admin
    from trdkit.store.engine import SQLITE_FILE
    from trdkit.store.session import open_store

    _private_data_dir(data_dir)
    url = f"sqlite:///{data_dir.resolve() / SQLITE_FILE}"
    password = os.environ.get("TRDKIT_DEMO_PASSWORD") or DEMO_PASSWORD
    store = open_store(data_dir, url)
    try:
        admin = ensure_first_admin(store, os.environ.get("TRDKIT_ADMIN_PASSWORD") or None)
        seeded = seed_demo(store, examples, password)
    finally:
        store.close()
    for s in seeded:
        what = "added" if s.created else "kept"
        extra = " with its genotype file" if s.genotype_file else ""
        status = f", {s.trd_status.replace('_', ' ')}" if s.trd_status else ""
        typer.echo(f"{what}: {s.source}{extra}{status}", err=True)
    typer.echo(f"data directory: {data_dir.resolve()} (SQLite)", err=True)
    if admin is not None:
        given = bool(os.environ.get("TRDKIT_ADMIN_PASSWORD"))
        shown = "(from TRDKIT_ADMIN_PASSWORD)" if given else admin
        typer.echo(f"first run: created user '{FIRST_ADMIN}' with password {shown}", err=True)
    typer.echo(f"open http://{host}:{port}/ and sign in as {DEMO_USER} / {password}", err=True)
    if check or os.environ.get(EXIT_AFTER_SEED_ENV) == "1":
        return
    typer.echo("serving until Ctrl-C", err=True)
    settings = Settings(data_dir=data_dir, database_url=url)
    uvicorn.run(create_app(settings), host=host, port=port, server_header=False)
