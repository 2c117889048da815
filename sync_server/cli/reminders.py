"""CLI commands of the reminders: ``create-integration``, ``subscribe-webhook``,
``deliver-webhooks``, ``digest-recipient`` and ``digest``.

Wired with ``register_reminder_commands(subparsers)`` in ``sync_server.cli.build_parser``.
``deliver-webhooks`` and ``digest`` are meant for timers (systemd or cron): the first every
minute (it sends what is due and retries failures with backoff), the second once a day.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sync_server.cli.actor import cli_actor
from sync_server.settings import ServerSettings


def register_reminder_commands(subparsers: Any) -> None:
    """Add the reminder commands (handler signature: (args, settings) -> exit code)."""
    integration = subparsers.add_parser(
        "create-integration", help="let another system push tasks (prints its token once)",
        description="Create an integration: prints its API bearer token and its webhook "
        "signing secret, once (only a hash of the token is kept).")
    integration.add_argument("--name", required=True, help="the system's unique name")
    integration.set_defaults(handler=_create_integration)

    subscribe = subparsers.add_parser(
        "subscribe-webhook", help="POST task status changes to a URL (prints its secret)",
        description="Subscribe a URL to task status changes, signed with HMAC-SHA256; "
        "prints the signing secret once.")
    subscribe.add_argument("--url", required=True)
    subscribe.add_argument("--system", help="only tasks of this integration (default: all)")
    subscribe.set_defaults(handler=_subscribe)

    deliver = subparsers.add_parser(
        "deliver-webhooks", help="send due webhook deliveries now (run by a timer)",
        description="POST every due task status change to its subscribers; failures are "
        "retried later with exponential backoff.")
    deliver.set_defaults(handler=_deliver)

    recipient = subparsers.add_parser(
        "digest-recipient", help="where a leader's daily digest goes",
        description="Set a leader's digest e-mail address and/or webhook URL.")
    recipient.add_argument("--username", required=True)
    recipient.add_argument("--email")
    recipient.add_argument("--webhook-url")
    recipient.set_defaults(handler=_recipient)

    digest = subparsers.add_parser(
        "digest", help="send each leader their overdue and unacknowledged tasks",
        description="Send the daily digest to every leader with a recipient (e-mail needs "
        "the mail settings section enabled).")
    digest.set_defaults(handler=_digest)


def _sessions(settings: ServerSettings):  # type: ignore[no-untyped-def]
    from sync_server.db.engine import make_engine, session_factory
    from sync_server.db.migrate import upgrade

    upgrade(settings.database.url)
    return session_factory(make_engine(settings.database.url))


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def _create_integration(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sync_server.db.engine import transaction
    from sync_server.service import reminder_webhooks

    with transaction(_sessions(settings)) as session:
        issued = reminder_webhooks.create_integration(session, args.name, actor=cli_actor())
    _say(f"integration {issued.name} ({issued.id})\napi token: {issued.token}\n"
         f"webhook secret: {issued.secret}\n(shown once)")
    return 0


def _subscribe(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sync_server.db.engine import transaction
    from sync_server.service import reminder_webhooks

    with transaction(_sessions(settings)) as session:
        row_id, secret = reminder_webhooks.subscribe(session, args.url, args.system)
    _say(f"subscription {row_id}\nsigning secret: {secret}\n(shown once)")
    return 0


def _deliver(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sync_server.service import reminder_webhooks

    report = reminder_webhooks.deliver_due(_sessions(settings))
    _say(f"delivered {report.delivered}, to retry {report.failed}, given up {report.given_up}")
    return 0


def _recipient(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sync_server.db.engine import transaction
    from sync_server.service import digest

    with transaction(_sessions(settings)) as session:
        digest.set_recipient(session, args.username, args.email, args.webhook_url)
    _say(f"digest of {args.username}: e-mail {args.email or '-'}, "
         f"webhook {args.webhook_url or '-'}")
    return 0


def _digest(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sync_server.service import digest

    report = digest.send_digests(_sessions(settings), settings.mail)
    _say(f"e-mailed {report.emailed}, posted {report.posted}, nothing to report "
         f"{report.skipped}")
    for error in report.errors:
        sys.stderr.write(f"error: {error}\n")
    return 1 if report.errors else 0
