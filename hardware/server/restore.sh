#!/usr/bin/env bash
# Restore a backup made by backup.sh into the database at DATABASE_URL.
# Usage: restore.sh BACKUP_FILE      (the target database should be new and empty; for
# PostgreSQL it must exist: createdb NAME first). Stop the server before restoring.
set -euo pipefail

file="${1:?usage: restore.sh BACKUP_FILE (with DATABASE_URL set)}"
url="${DATABASE_URL:?DATABASE_URL is not set}"
url="${url/+psycopg/}"
[ -f "$file" ] || { echo "restore.sh: no such file: $file" >&2; exit 2; }

case "$url" in
  postgresql://*|postgres://*)
    pg_restore --no-owner --exit-on-error --single-transaction --dbname="$url" "$file"
    ;;
  sqlite:///*)
    db="${url#sqlite:///}"
    if [ -s "$db" ]; then
      echo "restore.sh: $db exists and is not empty; restore into a new path" >&2
      exit 2
    fi
    gunzip -c "$file" >"$db.partial"
    mv "$db.partial" "$db"
    ;;
  *)
    echo "restore.sh: unsupported DATABASE_URL scheme: ${url%%:*}" >&2
    exit 2
    ;;
esac
echo "restored $file"
