#!/usr/bin/env bash
# Creates (once) the virtual environment of the sekmet FHIR R4 test server and prints the path of
# its `sekmet` executable. The FHIR-server integration tests (tests/interop/) start that server.
#
# The server lives in its own environment, beside but apart from .venv, so that its pins
# (fhir.resources 8, FastAPI, ...) never decide the product's dependency versions.
#
#   bash scripts/sekmet-venv.sh            # -> /path/to/.venv-sekmet/bin/sekmet
#   SEKMET_VENV=/tmp/x bash scripts/sekmet-venv.sh
#
# Idempotent: an environment that already holds the pinned version is reused as it is. The tests
# find it at $SEKMET_VENV (default: .venv-sekmet in the project root).
set -euo pipefail

SEKMET_VERSION=0.1.1
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${SEKMET_VENV:-$root/.venv-sekmet}"
python="${PYTHON:-python3}"

# Versions the integration tests were run with; sekmet-fhir itself only states lower bounds, so
# these keep a later release of a dependency from changing the server under the tests.
constraints=(
  "fastapi==0.165.0"
  "starlette==1.10.0"
  "uvicorn==0.54.0"
  "pydantic==2.14.4"
  "pydantic_core==2.50.5"
  "fhir.resources==8.3.0"
  "fhir_core==1.1.12"
  "fhirpathpy==2.2.4"
)

installed_version() {
  "$venv/bin/python" - <<'EOF' 2>/dev/null || true
from importlib.metadata import version
print(version("sekmet-fhir"))
EOF
}

if [ ! -x "$venv/bin/sekmet" ] || [ "$(installed_version)" != "$SEKMET_VERSION" ]; then
  echo "sekmet-venv: installing sekmet-fhir==$SEKMET_VERSION into $venv" >&2
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip >&2
  "$venv/bin/python" -m pip install --quiet "sekmet-fhir==$SEKMET_VERSION" "${constraints[@]}" >&2
fi
echo "$venv/bin/sekmet"
