#!/usr/bin/env bash
# Back up the server database into DIR, keeping the newest KEEP (default 14) backups.
# Usage: backup.sh DIR          with DATABASE_URL set (postgresql://... or sqlite:///path)
# PostgreSQL: pg_dump's custom format (compressed, restorable table by table).
# SQLite: an online copy through SQLite's backup API, then gzip.
set -euo pipefail
umask 077  # backups hold personal data: readable by their owner only

dir="${1:?usage: backup.sh DIR (with DATABASE_URL set)}"
url="${DATABASE_URL:?DATABASE_URL is not set}"
keep="${KEEP:-14}"
url="${url/+psycopg/}"  # SQLAlchemy's driver suffix means nothing to libpq
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dir"

case "$url" in
  postgresql://*|postgres://*)
    target="$dir/face-attendance-$stamp.dump"
    pg_dump --format=custom --no-owner --file="$target.partial" "$url"
    ;;
  sqlite:///*)
    db="${url#sqlite:///}"
    target="$dir/face-attendance-$stamp.sqlite3.gz"
    python3 - "$db" "$target.raw" <<'PY'
import sqlite3, sys
source = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
copy = sqlite3.connect(sys.argv[2])
source.backup(copy)
copy.close()
source.close()
PY
    gzip -c "$target.raw" >"$target.partial"
    rm -f "$target.raw"
    ;;
  *)
    echo "backup.sh: unsupported DATABASE_URL scheme: ${url%%:*}" >&2
    exit 2
    ;;
esac
mv "$target.partial" "$target"
echo "$target"

# Keep the newest $keep backups.
mapfile -t old < <(find "$dir" -maxdepth 1 -name 'face-attendance-*' -type f | sort -r \
  | tail -n +"$((keep + 1))")
if [ ${#old[@]} -gt 0 ]; then
  rm -f -- "${old[@]}"
fi
