"""Write the JSON Schemas of the record and the assessment into docs/schema/.

Run after changing a model (``make schema``); a test fails while the committed files differ.
"""

from __future__ import annotations

from pathlib import Path

from trdkit.schema import SCHEMAS, schema_text

OUT = Path(__file__).resolve().parent.parent / "docs" / "schema"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in SCHEMAS:
        (OUT / name).write_text(schema_text(name), encoding="utf-8")
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
