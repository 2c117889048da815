"""Every command and sub-command says what it does: a command without docs fails here."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest


def walk(parser: argparse.ArgumentParser, path: str) -> list[tuple[str, argparse.ArgumentParser,
                                                                 str | None]]:
    """(command path, parser, help line given in the parent) for every sub-command."""
    found = []
    for action in parser._actions:  # argparse keeps sub-parsers only here
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                found.append((f"{path} {name}", sub, helps.get(name)))
                found.extend(walk(sub, f"{path} {name}"))
    return found


def parsers() -> list[tuple[str, argparse.ArgumentParser]]:
    from kiosk.cli import build_parser as kiosk_parser

    result = [("kiosk", kiosk_parser())]
    try:
        from sync_server.cli import build_parser as server_parser
    except ModuleNotFoundError:
        return result
    result.append(("sync-server", server_parser()))
    return result


@pytest.mark.parametrize("name,parser", parsers(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_is_documented(name: str, parser: argparse.ArgumentParser) -> None:
    assert parser.description, f"{name} has no description"
    commands = walk(parser, name)
    assert commands, f"{name} has no sub-commands"
    for path, sub, help_line in commands:
        assert help_line, f"`{path}` has no help line in `{name} --help`"
        assert sub.description or sub.format_help(), f"`{path}` has no description"


def test_kiosk_help_runs_as_a_program() -> None:
    done = subprocess.run([sys.executable, "-m", "kiosk.cli", "--help"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "attendance kiosk" in done.stdout
