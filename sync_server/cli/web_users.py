"""``sync-server create-user``: a web login with a role (admin, hr, leader, staff).

Wire it with ``register_commands(subparsers)`` in ``sync_server.cli.build_parser``; the
password comes from ``$SYNC_USER_PASSWORD`` or is asked for.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import uuid
from typing import Any

from sync_server.cli.actor import cli_actor
from sync_server.settings import ServerSettings


def register_commands(subparsers: Any) -> None:
    """Add ``create-user`` to the CLI's subparsers (handler signature: (args, settings))."""
    parser = subparsers.add_parser(
        "create-user", help="create a web login (admin, hr, leader or staff)",
        description="Create a login for the HR web application; the password comes from "
        "$SYNC_USER_PASSWORD or is asked for.")
    parser.add_argument("--username", required=True)
    parser.add_argument("--role", required=True, choices=["admin", "hr", "leader", "staff"])
    parser.add_argument("--department", help="leaders: the department they see")
    parser.add_argument("--person-id", type=uuid.UUID, help="staff: their own person id")
    parser.set_defaults(handler=create_user_command)


def create_user_command(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sync_server.db.engine import make_engine, session_factory, transaction
    from sync_server.db.migrate import upgrade
    from sync_server.service import users

    password = os.environ.get("SYNC_USER_PASSWORD") or getpass.getpass("password: ")
    upgrade(settings.database.url)
    engine = make_engine(settings.database.url)
    try:
        with transaction(session_factory(engine)) as session:
            users.create_user(session, args.username, password, users.Role(args.role),
                              args.department, args.person_id, actor=cli_actor())
    finally:
        engine.dispose()
    sys.stdout.write(f"user {args.username} ({args.role}) created\n")
    return 0
