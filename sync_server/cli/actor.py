"""Who a command acts as, for the audit log."""

from __future__ import annotations

import getpass


def cli_actor() -> str:
    """How a command's changes are attributed in the audit log: the operating-system user."""
    return f"cli:{getpass.getuser()}"
