"""``sync-server``: run, migrate, create-admin, provision-kiosk, revoke-kiosk, rotate-key,
retention, create-user, enroll-folder, the reminders' commands (create-integration,
subscribe-webhook, deliver-webhooks, digest-recipient, digest), the scheduled report
e-mails (report-subscription, scheduled-reports), and the reviews of what
kiosks sent (kiosk-enrolments, held-punches).

A thin layer over the services; every command takes the settings file from ``--config`` or
``$SYNC_SERVER_CONFIG`` (the database URL from ``SYNC_SERVER_DATABASE__URL`` if set).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from protocol.errors import SettingsError
from protocol.files import PRIVATE_UMASK
from sync_server import __version__
from sync_server.cli.actor import cli_actor
from sync_server.errors import ServerError
from sync_server.service import audit, day_results
from sync_server.settings import ServerSettings, load_server_settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger("sync_server.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sync-server", description="Central sync server for "
                                     "attendance kiosks: punches, change feed, provisioning.")
    parser.add_argument("--version", action="version", version=f"sync-server {__version__}")
    parser.add_argument("--config", type=Path, help="settings TOML (default: "
                        "$SYNC_SERVER_CONFIG or built-in defaults)")
    parser.add_argument("--log-level", default="WARNING", help="DEBUG, INFO, WARNING or ERROR")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = sub.add_parser("run", help="serve the API (migrates first)",
                         description="Migrate the database, then serve the HTTP API.")
    run.add_argument("--host", help="listen address (default from settings: 127.0.0.1)")
    run.add_argument("--port", type=int, help="listen port (default from settings: 8600)")
    run.add_argument("--workers", type=int, help="uvicorn worker processes")
    run.set_defaults(handler=_run)

    migrate = sub.add_parser("migrate", help="bring the database schema up to date",
                             description="Apply the Alembic migrations (safe to repeat).")
    migrate.set_defaults(handler=_migrate)

    admin = sub.add_parser("create-admin", help="create an admin login (HR web and API)",
                           description="Create an admin who logs into both the HR web "
                           "(/hr, role admin) and the admin API (/api/v1) with one username "
                           "and password; the password comes from $SYNC_ADMIN_PASSWORD or is "
                           "asked for. Other web roles: create-user.")
    admin.add_argument("--username", required=True)
    admin.set_defaults(handler=_create_admin)

    provision = sub.add_parser("provision-kiosk", help="register a kiosk, print its one-time "
                               "code", description="Register a kiosk and print a one-time code "
                               "that the kiosk exchanges for its credential.")
    provision.add_argument("--name", required=True, help="the kiosk's unique name")
    provision.set_defaults(handler=_provision)

    revoke = sub.add_parser("revoke-kiosk", help="revoke a kiosk's credential",
                            description="Revoke a kiosk: its requests are refused from now on.")
    revoke.add_argument("--name", required=True, help="the kiosk's name or id")
    revoke.set_defaults(handler=_revoke)

    from sync_server.cli.web_users import register_commands

    register_commands(sub)  # create-user (HR and admin web logins)

    from sync_server.cli.enrol import register_enrol_command

    register_enrol_command(sub)  # enroll-folder (faces from a folder of photos)

    from sync_server.cli.reminders import register_reminder_commands

    register_reminder_commands(sub)  # integrations, webhooks and the leaders' digest

    from sync_server.cli.reports import register_report_commands

    register_report_commands(sub)  # scheduled report e-mails

    from sync_server.cli.reviews import register_review_commands

    register_review_commands(sub)  # kiosk enrolments and held punches awaiting review

    from sync_server.cli.sites import register_site_commands

    register_site_commands(sub)  # sites: list, create, rename, assign kiosks / departments

    rotate = sub.add_parser("rotate-key", help="re-encrypt templates and chips under a new "
                            "data key", description="With $SYNC_SERVER_DATA_KEY='new,old' "
                            "re-encrypt under 'new'; otherwise add a new key to the key file, "
                            "re-encrypt everything, then drop the old key.")
    rotate.set_defaults(handler=_rotate_key)

    retention = sub.add_parser("retention", help="apply the retention periods now",
                               description="Delete raw punches older than --punch-days, "
                               "the biometrics of people inactive longer than "
                               "--inactive-days (recorded erasures), refused-attempt "
                               "snapshots older than --refused-snapshot-days and refused "
                               "attempts older than --refused-days; print the counts. "
                               "Unset options use the [retention] settings.")
    retention.add_argument("--punch-days", type=int)
    retention.add_argument("--inactive-days", type=int)
    retention.add_argument("--refused-snapshot-days", type=int)
    retention.add_argument("--refused-days", type=int)
    retention.set_defaults(handler=_retention)
    return parser


def _sessions(settings: ServerSettings):  # type: ignore[no-untyped-def]
    from sync_server.db.engine import make_engine, session_factory
    from sync_server.db.migrate import upgrade

    upgrade(settings.database.url)
    return session_factory(make_engine(settings.database.url))


def _run(args: argparse.Namespace, settings: ServerSettings) -> int:
    import uvicorn

    from sync_server.db.migrate import upgrade
    from sync_server.settings import uvicorn_options

    upgrade(settings.database.url)
    _check_data_key(settings)
    if args.config is not None:
        os.environ["SYNC_SERVER_CONFIG"] = str(args.config)  # the workers read it
    uvicorn.run("sync_server.app:create_app_from_environment", factory=True,
                host=args.host or settings.http.host, port=args.port or settings.http.port,
                workers=args.workers or settings.http.workers, log_level="warning",
                **uvicorn_options())
    return 0


def _check_data_key(settings: ServerSettings) -> None:
    """Fail at start, not at the first enrollment, when the data key is missing."""
    from sync_server.db.engine import transaction
    from sync_server.service import datakeys

    with transaction(_sessions(settings)) as session:
        datakeys.keyring_for(session)


def _migrate(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sync_server.db.migrate import upgrade

    upgrade(settings.database.url)
    _say("database is up to date")
    return 0


def _create_admin(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sync_server.db.engine import transaction
    from sync_server.service import admins

    password = os.environ.get("SYNC_ADMIN_PASSWORD") or getpass.getpass("password: ")
    with transaction(_sessions(settings)) as session:
        admins.create_admin(session, args.username, password, actor=cli_actor())
        web = _web_admin(session, args.username, password)
    if web:
        _say(f"admin {args.username} created: logs into the HR web (/hr) and the admin API "
             "(/api/v1) with this password")
    else:
        _say(f"admin {args.username} created for the admin API (/api/v1); the HR web already "
             f"has a login {args.username!r}, left unchanged (its password stays its own; "
             "change it on the web's Users page or make another with sync-server create-user "
             "--role admin)")
    return 0


def _web_admin(session: Session, username: str, password: str) -> bool:
    """The same admin as an HR web login (role admin), unless that name is taken there."""
    from sync_server.service import users

    if users.find_user(session, username) is not None:
        return False
    users.create_user(session, username, password, users.Role.ADMIN, actor=cli_actor())
    return True


def _provision(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sync_server.db.engine import transaction
    from sync_server.service import kiosks

    with transaction(_sessions(settings)) as session:
        kiosk_id, code = kiosks.create_provisioning_code(
            session, args.name, settings.provisioning.code_ttl_s, actor=cli_actor())
    hours = settings.provisioning.code_ttl_s / 3600
    _say(f"kiosk {args.name} ({kiosk_id})\none-time code: {code}\n(valid {hours:g} h, once)")
    return 0


def _revoke(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sync_server.db.engine import transaction
    from sync_server.service import kiosks

    with transaction(_sessions(settings)) as session:
        kiosk = kiosks.revoke(session, args.name, actor=cli_actor())
        _say(f"kiosk {kiosk.name} ({kiosk.id}) revoked")
    return 0


def _rotate_key(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sync_server.db.engine import transaction
    from sync_server.service import datakeys

    with transaction(_sessions(settings)) as session:
        count, key_id = datakeys.rotate(session, settings.database.url, actor=cli_actor())
    datakeys.drop_old_keys(settings.database.url)
    _say(f"re-encrypted {count} blobs under key {key_id}")
    return 0


def _retention(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sync_server.db.engine import transaction
    from sync_server.service.retention import RetentionPolicy, apply_retention

    kept = settings.retention

    def days(given: int | None, configured: int) -> int:
        return configured if given is None else given

    policy = RetentionPolicy(
        raw_punch_days=days(args.punch_days, kept.raw_punch_days),
        inactive_biometrics_days=days(args.inactive_days, kept.inactive_biometrics_days),
        refused_snapshot_days=days(args.refused_snapshot_days, kept.refused_snapshot_days),
        refused_attempt_days=days(args.refused_days, kept.refused_attempt_days))
    with transaction(_sessions(settings)) as session:
        report = apply_retention(session, policy)
    _say(f"deleted {report.punches} raw punches; erased biometrics of {report.people} "
         f"inactive people; cleared {report.refused_snapshots} refused-attempt snapshots; "
         f"deleted {report.refused_attempts} refused attempts")
    return 0


def _say(text: str) -> None:
    """The command's own output (not logging)."""
    sys.stdout.write(text + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point."""
    args = build_parser().parse_args(argv)
    os.umask(PRIVATE_UMASK)  # database files, keys and backups are the service user's alone
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = load_server_settings(args.config)
        if args.command == "run":  # each request is its own door
            return int(args.handler(args, settings))
        audit.install_guard(strict=settings.audit.strict)
        day_results.install_invalidation()
        with audit.door(f"sync-server {args.command}"):
            return int(args.handler(args, settings))
    except (ServerError, SettingsError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2

