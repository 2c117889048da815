#!/usr/bin/env bash
# Each deployable installs and starts alone: a fresh virtual environment per extra, the
# project installed with only that extra, then the entry point's --help and, for the server,
# migrate + run + GET /api/v1/health on 127.0.0.1. For the kiosk, the oldest Qt binding the
# kiosk boards get (PySide6-Essentials 6.7.3: Raspberry Pi OS Bookworm and JetPack 6 resolve
# to it, newer aarch64 wheels need glibc 2.39) and the kiosk's window tests run on it.
# Usage: scripts/check_extras.sh [kiosk|server ...]   (default: both). Exit 0 when all pass.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${FACE_ATTENDANCE_EXTRAS_DIR:-${TMPDIR:-/tmp}/face-attendance-extras}"
python="${PYTHON:-python3}"
oldest_qt="PySide6-Essentials==6.7.3"
extras=("$@")
[ ${#extras[@]} -eq 0 ] && extras=(kiosk server)

say() { printf '[extras] %s\n' "$*" >&2; }
quiet() { grep -v '^WARNING: Location' >&2 || true; }  # pip's notes on absent local indexes

fresh_venv() {  # fresh_venv NAME -> path of a new, empty virtual environment
  local venv="$work/$1"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip 2>&1 | quiet
  echo "$venv"
}

check_kiosk() {
  local venv
  venv=$(fresh_venv kiosk)
  say "kiosk: pip install .[kiosk] with $oldest_qt into a fresh venv"
  "$venv/bin/python" -m pip install -q "${root}[kiosk]" "$oldest_qt" 2>&1 | quiet
  for module in fastapi sqlalchemy uvicorn; do  # one distribution, two sets of dependencies
    if "$venv/bin/python" -c "import $module" 2>/dev/null; then
      say "kiosk: $module came with the kiosk extra (only the server needs it)"; return 1
    fi
  done
  (cd "$work" && "$venv/bin/kiosk" --help >/dev/null)
  (cd "$work" && "$venv/bin/python" -c \
    'import faceid.packs, kiosk.app.runtime, kiosk.ui.app, kiosk.sync, kiosk.store, kiosk.cli')
  say "kiosk: the window tests on $("$venv/bin/python" -c \
    'import PySide6; print("PySide6", PySide6.__version__)')"
  "$venv/bin/python" -m pip install -q pytest pytest-qt pytest-timeout 2>&1 | quiet
  (cd "$root" && QT_QPA_PLATFORM=offscreen "$venv/bin/python" -m pytest -q -p no:cacheprovider \
     tests/kiosk/ui)
  say "kiosk: PASS"
}

free_port() {
  "$1/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

check_server() {
  local venv port pid data
  venv=$(fresh_venv server)
  say "server: pip install .[server] into a fresh venv"
  "$venv/bin/python" -m pip install -q "${root}[server]" 2>&1 | quiet
  for module in PySide6 sqlite_utils gpiozero; do
    if "$venv/bin/python" -c "import $module" 2>/dev/null; then
      say "server: $module came with the server extra (only the kiosk needs it)"; return 1
    fi
  done
  (cd "$work" && "$venv/bin/sync-server" --help >/dev/null)
  (cd "$work" && "$venv/bin/python" -c 'import sync_server.app, sync_server.cli')
  data=$(mktemp -d)
  export SYNC_SERVER_DATABASE__URL="sqlite:///$data/server.sqlite3" XDG_DATA_HOME="$data"
  (cd "$data" && "$venv/bin/sync-server" migrate)
  port=$(free_port "$venv")
  (cd "$data" && exec "$venv/bin/sync-server" run --host 127.0.0.1 --port "$port") \
    >"$data/server.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' RETURN
  if ! "$venv/bin/python" - "$port" <<'PY'
import json, sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/api/v1/health"
for _ in range(120):
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            body = json.load(answer)
        assert body["status"] == "ok" and body["version"], body
        print(f"GET {url}: {body}", file=sys.stderr)
        sys.exit(0)
    except OSError:
        time.sleep(0.5)
sys.exit(f"no answer from {url} within 60 s")
PY
  then
    cat "$data/server.log" >&2; return 1
  fi
  say "server: PASS"
}

status=0
for extra in "${extras[@]}"; do
  case "$extra" in
    kiosk) check_kiosk || { say "kiosk: FAIL"; status=1; } ;;
    server) check_server || { say "server: FAIL"; status=1; } ;;
    *) say "unknown extra: $extra (kiosk or server)"; exit 2 ;;
  esac
done
exit $status
