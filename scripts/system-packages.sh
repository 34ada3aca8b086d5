#!/usr/bin/env bash
# Installs the system packages the test suite needs. Idempotent: does nothing when all are present.
# Called by `make test` and by `.ci/run`. (This issue's tests need no system package yet; later
# ones add PostgreSQL, Chromium and plink2 here.)
set -euo pipefail
needed=()
missing=()
for pkg in "${needed[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
