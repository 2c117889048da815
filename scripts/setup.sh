#!/usr/bin/env bash
# Set up (or refresh) this checkout: Debian packages, a virtual environment in .venv, and the
# project installed into it in editable mode. Idempotent: re-running installs only what is
# missing. Usage: scripts/setup.sh [--dev]   (--dev adds test tools, PostgreSQL, Chromium)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${FACE_ATTENDANCE_VENV:-$root/.venv}"
dev=0
[ "${1:-}" = "--dev" ] && dev=1

say() { printf '[setup] %s\n' "$*" >&2; }

# Debian packages: Qt's runtime libraries for PySide6 (offscreen too), the X11 (xcb) libraries
# the real kiosk window loads (those of PySide6's plugins/platforms/libqxcb.so), cage (a Wayland
# kiosk compositor) with Xwayland (Debian's cage 0.1.4 exits at start without it, and does not
# pull it in), the Wayland client libraries Qt's wayland platform plugin loads (libqwayland.so
# and its wayland-egl integration), fonts with Vietnamese diacritics, and for --dev:
# PostgreSQL (throw-away test servers), Chromium (browser tests), ShellCheck and
# systemd-analyze (deployment files), espeak-ng (spoken greeting), Xvfb (the real window under
# test). The same names exist on Raspberry Pi OS (Debian based).
packages=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 fonts-dejavu-core
          fonts-noto-core
          libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
          libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1
          libxcb-util1 libxcb-xfixes0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 cage
          xwayland libwayland-client0 libwayland-cursor0 libwayland-egl1)
[ $dev -eq 1 ] && packages+=(postgresql chromium shellcheck systemd xvfb espeak-ng)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    say "installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  else
    say "not a Debian system: install these yourself if missing: ${missing[*]}"
  fi
fi

python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  say "Python 3.11 or newer is required (found: $("$python" --version 2>&1))"
  exit 1
fi
if [ ! -x "$venv/bin/python" ]; then
  say "creating the virtual environment $venv"
  "$python" -m venv "$venv"
fi

extras="kiosk,server"
[ $dev -eq 1 ] && extras="kiosk,server,dev"
stamp="$venv/.installed-$extras"
if [ ! -f "$stamp" ] || [ "$root/pyproject.toml" -nt "$stamp" ]; then
  say "installing the project and its dependencies ($extras)"
  "$venv/bin/python" -m pip install -q --upgrade pip
  "$venv/bin/python" -m pip install -q -e "${root}[${extras}]"
  touch "$stamp"
fi
say "ready: $venv"
