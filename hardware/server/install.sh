#!/usr/bin/env bash
# Install the central server on a plain Debian 12 machine: PostgreSQL, nginx, a virtual
# environment, the systemd units (server and daily backup), no containers.
# Usage: sudo hardware/server/install.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=hardware/common/install-kiosk.sh
. "$here/../common/install-kiosk.sh"
KIOSK_USER="${SERVER_USER:-faceattendance}"

require_root
install_debs python3-venv postgresql nginx
create_account
install_project "$(cd "$here/../.." && pwd)" server

if ! runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_roles WHERE rolname='$KIOSK_USER'" \
    | grep -q 1; then
  log "creating the PostgreSQL role and database $KIOSK_USER"
  runuser -u postgres -- createuser "$KIOSK_USER"
  runuser -u postgres -- createdb --owner="$KIOSK_USER" "$KIOSK_USER"
fi
if [ ! -f "$CONFIG_DIR/server.env" ]; then
  # Peer authentication over the local socket: no password to keep.
  # nginx on this host is the one proxy whose X-Forwarded-For / -Proto the server believes.
  printf 'SYNC_SERVER_DATABASE__URL=postgresql+psycopg:///%s\nDATABASE_URL=postgresql:///%s\nSYNC_SERVER_API__TRUSTED_PROXIES=127.0.0.1\n' \
    "$KIOSK_USER" "$KIOSK_USER" >"$CONFIG_DIR/server.env"
  chmod 0640 "$CONFIG_DIR/server.env"
fi
for unit in sync-server.service sync-server-backup.service sync-server-backup.timer \
    sync-server-retention.service sync-server-retention.timer \
    sync-server-reports.service sync-server-reports.timer; do
  render_template "$PREFIX/hardware/systemd/$unit" "/etc/systemd/system/$unit"
done
install -m 0644 "$here/nginx-sync-server.conf" /etc/nginx/sites-available/face-attendance
systemctl daemon-reload
systemctl enable --now sync-server.service sync-server-backup.timer sync-server-retention.timer \
  sync-server-reports.timer
log "server running on 127.0.0.1:8600; enable the nginx site once certificates are in place"
log "create the first admin: sudo -u $KIOSK_USER $PREFIX/.venv/bin/sync-server create-admin"
