#!/usr/bin/env bash
# The quick start's first command: set up (or reuse) .venv, then run the main job on the
# embedded defaults -- the central server on SQLite and a kiosk connected to it, headless,
# on an image-folder camera -- and print what happened; then keep the server running with a
# sample ministry until Ctrl-C, the last lines giving the HR web's address and a login.
# Extra arguments go to scripts/demo.py (e.g. --models-from ../shared/models, --fresh,
# --workdir DIR, --no-serve to stop after the demo as before).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
venv="${FACE_ATTENDANCE_VENV:-$root/.venv}"
exec "$venv/bin/python" scripts/demo.py "$@"
