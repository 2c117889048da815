#!/usr/bin/env bash
# Install the kiosk on a Raspberry Pi 5 or 4 running Raspberry Pi OS Bookworm 64-bit.
# Usage: sudo hardware/raspberry-pi/install.sh [--from MODELS_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=hardware/common/install-kiosk.sh
. "$here/../common/install-kiosk.sh"

require_root
# Picamera2 and libcamera come from Raspberry Pi OS's own archive (not PyPI): the venv is
# created with --system-site-packages so that `import picamera2` works inside it.
install_debs python3-venv python3-picamera2 libcamera-apps cage xwayland fonts-noto-core \
  fonts-dejavu-core libegl1 libgl1 libxkbcommon0 libfontconfig1 libwayland-client0 \
  libwayland-cursor0 libwayland-egl1 espeak-ng chrony
create_account
install_project "$(cd "$here/../.." && pwd)" kiosk
# The Pi 5 has 4 Cortex-A76 cores: 3 inference threads leave one for the camera and the UI.
install -d "$CONFIG_DIR"
if [ ! -f "$CONFIG_DIR/kiosk.env" ]; then
  printf 'KIOSK_VISION__THREADS=3\nKIOSK_CAMERA__SOURCE=picamera2\n' >"$CONFIG_DIR/kiosk.env"
fi
install_models "$@"
install_kiosk_unit
