#!/usr/bin/env bash
# Installs the system packages the test suite needs. Idempotent: does nothing when all are present.
# Called by `make test` and by `.ci/run`.
set -euo pipefail
needed=(
  # WeasyPrint (PDF reports): Pango, HarfBuzz and a font.
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
  # Storage and API tests run against a real PostgreSQL server too (scripts/start-postgres.sh).
  postgresql
  # Association and polygenic-score results are validated against PLINK 2.
  plink2
  # Browser tests of the web app drive Debian's Chromium through Playwright (no browser download).
  chromium
)
missing=()
for pkg in "${needed[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
