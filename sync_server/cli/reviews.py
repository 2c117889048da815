"""CLI commands for what kiosks sent that waits for a person: ``kiosk-enrolments`` and
``held-punches`` (list, approve, reject; audited as ``cli:<operating-system user>``).

The web pages (/hr/kiosk-enrolments, /hr/held-punches) are the everyday door; these serve
scripts and a site without a browser at hand. Wired with ``register_review_commands``.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from typing import Any

from sync_server.cli.actor import cli_actor
from sync_server.settings import ServerSettings


def register_review_commands(subparsers: Any) -> None:
    """Add the review commands (handler signature: (args, settings) -> exit code)."""
    enrolments = subparsers.add_parser(
        "kiosk-enrolments", help="list, approve or reject kiosk enrolments awaiting review",
        description="Without options: list the kiosk enrolments awaiting review. Approving "
        "sends their templates to every kiosk; rejecting deletes them.")
    enrolments.add_argument("--approve", nargs="*", default=[], metavar="ID")
    enrolments.add_argument("--approve-all", action="store_true")
    enrolments.add_argument("--reject", nargs="*", default=[], metavar="ID")
    enrolments.set_defaults(handler=_kiosk_enrolments)

    held = subparsers.add_parser(
        "held-punches", help="list, approve or reject punches held for review",
        description="Without options: list the punches the server held (with why). Approved "
        "punches count in every report; rejected ones never do.")
    held.add_argument("--approve", nargs="*", default=[], metavar="ID")
    held.add_argument("--reject", nargs="*", default=[], metavar="ID")
    held.set_defaults(handler=_held_punches)


def _sessions(settings: ServerSettings):  # type: ignore[no-untyped-def]
    from sync_server.db.engine import make_engine, session_factory
    from sync_server.db.migrate import upgrade

    upgrade(settings.database.url)
    return session_factory(make_engine(settings.database.url))


def _say(text: str) -> None:
    """The command's own output (not logging)."""
    sys.stdout.write(text + "\n")


def _ids(texts: list[str]) -> list[uuid.UUID]:
    try:
        return [uuid.UUID(text) for text in texts]
    except ValueError as exc:
        raise SystemExit(f"not an id: {exc}") from None


def _kiosk_enrolments(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sync_server.db.engine import transaction
    from sync_server.service import kiosk_enrolments

    with transaction(_sessions(settings)) as session:
        pending = kiosk_enrolments.list_pending(session)
        approve = [p.id for p in pending] if args.approve_all else _ids(args.approve)
        for enrolment_id in approve:
            released = kiosk_enrolments.approve(session, enrolment_id, cli_actor())
            _say(f"approved {enrolment_id} ({released} held punch(es) now count)")
        for enrolment_id in _ids(args.reject):
            kiosk_enrolments.reject(session, enrolment_id, cli_actor())
            _say(f"rejected {enrolment_id}")
        if not (approve or args.reject):
            for p in pending:
                _say(f"{p.id}  {p.uploaded_at:%Y-%m-%d %H:%M}  kiosk {p.kiosk_name}  "
                      f"{p.person_name} ({p.department or '-'})  {p.templates} template(s)"
                      + ("  new person" if p.created_person else ""))
    sys.stderr.write(f"{len(pending)} awaiting review before this command\n")
    return 0


def _held_punches(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sync_server.db.engine import transaction
    from sync_server.service import punch_review

    with transaction(_sessions(settings)) as session:
        done = 0
        for texts, decision in ((args.approve, punch_review.Decision.APPROVE),
                                (args.reject, punch_review.Decision.REJECT)):
            if texts:
                done += punch_review.decide(session, _ids(texts), decision, cli_actor())
        if args.approve or args.reject:
            _say(f"{done} punch(es) decided")
            return 0
        for p in punch_review.list_held(session):
            _say(f"{p.id}  {p.occurred_at:%Y-%m-%d %H:%M:%S}Z  kiosk {p.kiosk_name}  "
                  f"{p.person_name or p.person_id}  {', '.join(p.reasons)}")
    return 0
