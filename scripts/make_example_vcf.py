"""Write the synthetic genotype file used by ``examples/pgx-explained-failure.yaml``.

One sample, phased, every CYP2B6 and CYP2C19 defining position of the project's allele tables
(GRCh38): CYP2C19 *17/*17 and CYP2B6 *1/*6. Re-run after an allele-table update:
``.venv/bin/python scripts/make_example_vcf.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "pgx"))

from pgx_caller_vcf import Sample, vcf_text, write_vcf  # noqa: E402


def main() -> None:
    sample = Sample.of("DEMO07", CYP2C19=("*17", "*17"), CYP2B6=("*1", "*6"))
    text = vcf_text([sample], genes=("CYP2B6", "CYP2C19"), phased=True)
    out = write_vcf(ROOT / "examples" / "genotypes" / "demo-pgx-07.vcf", text)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
