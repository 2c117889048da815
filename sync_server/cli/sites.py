"""CLI command ``sites``: list, create and rename sites (buildings), and put a kiosk or a
department at one. Audited as the operating-system user (sync_server.cli.actor).

The web page /hr/sites is the everyday door; this serves scripts and a first set-up without a
browser. Wired with ``register_site_commands``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sync_server.cli.actor import cli_actor
from sync_server.settings import ServerSettings


def register_site_commands(subparsers: Any) -> None:
    """Add ``sites`` and its sub-commands (handler signature: (args, settings) -> exit code)."""
    sites = subparsers.add_parser(
        "sites", help="list, create or rename sites; assign kiosks and departments",
        description="Sites are buildings: each kiosk receives only the people of its own "
        "site. A person's site is their own, else their department's, else the default site.")
    sub = sites.add_subparsers(dest="sites_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help="every site with its kiosks and active people",
                             description="One line per site (the default first): id, name, "
                             "active people, kiosks.")
    listing.set_defaults(handler=_list)
    create = sub.add_parser("create", help="add a site", description="Add a site with no "
                            "kiosks or people yet; names are unique.")
    create.add_argument("name", help="the site's name, e.g. 'Tòa nhà B'")
    create.set_defaults(handler=_create)
    rename = sub.add_parser("rename", help="give a site another name",
                            description="Rename a site (named by its current name or id).")
    rename.add_argument("site", help="the site's current name or id")
    rename.add_argument("new_name")
    rename.set_defaults(handler=_rename)
    assign = sub.add_parser("assign", help="put kiosks or departments at a site",
                            description="Move kiosks (their next feed read starts again) and "
                            "departments (their people without a site of their own follow) "
                            "to a site.")
    assign.add_argument("site", help="the site's name or id")
    assign.add_argument("--kiosk", action="append", default=[], metavar="NAME_OR_ID")
    assign.add_argument("--department", action="append", default=[], metavar="NAME")
    assign.set_defaults(handler=_assign)


def _sessions(settings: ServerSettings):  # type: ignore[no-untyped-def]
    from sync_server.db.engine import make_engine, session_factory
    from sync_server.db.migrate import upgrade

    upgrade(settings.database.url)
    return session_factory(make_engine(settings.database.url))


def _say(text: str) -> None:
    """The command's own output (not logging)."""
    sys.stdout.write(text + "\n")


def _list(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sync_server.db.engine import transaction
    from sync_server.service import sites

    with transaction(_sessions(settings)) as session:
        for site in sites.summaries(session):
            marker = "  (default)" if site.is_default else ""
            _say(f"{site.id}  {site.name}{marker}  {site.people} people  kiosks: "
                 f"{', '.join(site.kiosks) or '-'}")
    return 0


def _create(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sync_server.db.engine import transaction
    from sync_server.service import sites

    with transaction(_sessions(settings)) as session:
        site = sites.create_site(session, args.name, actor=cli_actor())
        _say(f"site {site.name} ({site.id}) created")
    return 0


def _rename(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sync_server.db.engine import transaction
    from sync_server.service import sites

    with transaction(_sessions(settings)) as session:
        site = sites.find_site(session, args.site)
        old = site.name
        sites.rename_site(session, site.id, args.new_name, actor=cli_actor())
        _say(f"site {old} is now {site.name}")
    return 0


def _assign(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sync_server.db.engine import transaction
    from sync_server.service import kiosks, site_moves, sites

    if not (args.kiosk or args.department):
        raise SystemExit("name a --kiosk or a --department to assign")
    with transaction(_sessions(settings)) as session:
        site = sites.find_site(session, args.site)
        for name in args.kiosk:
            kiosk = kiosks.find_kiosk(session, name)
            site_moves.assign_kiosk(session, kiosk.id, site.id, actor=cli_actor())
            _say(f"kiosk {kiosk.name} is at {site.name}")
        for name in args.department:
            moved = site_moves.assign_department(session, name, site.id, actor=cli_actor())
            _say(f"department {name} is at {site.name} ({moved} people moved)")
    return 0
