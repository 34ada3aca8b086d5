"""Shared by ``cohort assoc`` and ``cohort prs``: genotype input, scheduler, progress, errors."""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from trdkit.cohort.io import BedSource, GeneticsInputError

if TYPE_CHECKING:
    from trdkit.cohort.io import GenotypeSource

__all__ = ["EXIT_INVALID", "fail", "genotype_input", "progress_bar", "scheduler"]

EXIT_INVALID = 2


def fail(message: str) -> NoReturn:
    """Print an invalid-input message (no traceback) and exit 2 (cli.md)."""
    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"[bold red]error:[/] {message}", markup=True
    )
    sys.exit(EXIT_INVALID)


@contextlib.contextmanager
def genotype_input(
    bfile: Path | None, vcf: Path | None, zarr: Path | None, out: Path
) -> Iterator[tuple[GenotypeSource, dict[str, Any]]]:
    """Open exactly one of ``--bfile``/``--vcf``/``--zarr``; a VCF is converted to Zarr first."""
    given = [(n, v) for n, v in (("--bfile", bfile), ("--vcf", vcf), ("--zarr", zarr)) if v]
    if len(given) != 1:
        raise GeneticsInputError("give exactly one of --bfile PREFIX, --vcf FILE or --zarr DIR")
    name, path = given[0]
    info: dict[str, Any] = {"genotypes": str(path), "format": name.lstrip("-")}
    if bfile is not None:
        yield BedSource.open(bfile), info
        return
    from trdkit.cohort.vcz import ZarrSource, vcf_to_zarr

    if zarr is not None:
        source = ZarrSource.open(zarr)
        info["multiallelic_skipped"] = source.multiallelic
        yield source, info
        return
    assert vcf is not None
    if not vcf.exists():
        raise GeneticsInputError(f"--vcf: {vcf} does not exist")
    with tempfile.TemporaryDirectory(prefix=".trdkit-vcz-", dir=out.parent) as tmp:
        store = Path(tmp) / "genotypes.vcz"
        info["converted"] = vcf_to_zarr(vcf, store)
        source = ZarrSource.open(store)
        info["multiallelic_skipped"] = source.multiallelic
        yield source, info


@contextlib.contextmanager
def scheduler(address: str | None) -> Iterator[str]:
    """Run Dask on local threads, or on the cluster at ``address`` (``--scheduler``)."""
    import dask

    if not address:
        with dask.config.set(scheduler="threads"):
            yield "threads"
        return
    from distributed import Client

    try:
        client = Client(address, timeout="20s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as exc:
        raise GeneticsInputError(
            f"--scheduler: cannot reach a Dask scheduler at {address} ({exc})"
        ) from exc
    with client:
        yield f"distributed {address}"


@contextlib.contextmanager
def progress_bar() -> Iterator[Any]:
    """A progress bar on stderr; yields a ``progress(phase, done, total)`` callback."""
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,} variants"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def update(phase: str, done: int, total: int) -> None:
        if phase not in tasks:
            tasks[phase] = bar.add_task(phase, total=total)
        bar.update(tasks[phase], completed=done, total=total)

    with bar:
        yield update
