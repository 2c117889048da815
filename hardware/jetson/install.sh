#!/usr/bin/env bash
# Install the kiosk on a Jetson Orin Nano with JetPack 6 (Ubuntu 22.04, CUDA preinstalled).
# Usage: sudo hardware/jetson/install.sh [--from MODELS_DIR]
# For GPU inference install NVIDIA's onnxruntime-gpu wheel for your JetPack into
# /opt/face-attendance/.venv afterwards; without it the kiosk runs on the CPU, and
# `kiosk doctor` shows which execution provider is active.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=hardware/common/install-kiosk.sh
. "$here/../common/install-kiosk.sh"

require_root
install_debs python3-venv gstreamer1.0-tools gstreamer1.0-plugins-good \
  gstreamer1.0-plugins-bad cage xwayland fonts-noto-core fonts-dejavu-core libegl1 \
  libxkbcommon0 libfontconfig1 libwayland-client0 libwayland-cursor0 libwayland-egl1 \
  espeak-ng chrony
create_account
install_project "$(cd "$here/../.." && pwd)" kiosk
if [ ! -f "$CONFIG_DIR/kiosk.env" ]; then
  # A CSI camera through nvarguscamerasrc, converted to BGR for OpenCV.
  cat >"$CONFIG_DIR/kiosk.env" <<'ENV'
KIOSK_VISION__THREADS=4
KIOSK_CAMERA__SOURCE=gst:nvarguscamerasrc ! video/x-raw(memory:NVMM),width=1280,height=720,framerate=30/1 ! nvvidconv ! video/x-raw,format=BGRx ! videoconvert ! video/x-raw,format=BGR ! appsink drop=true max-buffers=1
ENV
fi
install_models "$@"
install_kiosk_unit
