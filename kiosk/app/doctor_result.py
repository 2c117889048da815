"""One ``kiosk doctor`` check's outcome."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"{'PASS' if self.ok else 'FAIL'} {self.name}: {self.detail}"
        return f"{text} -- fix: {self.fix}" if not self.ok and self.fix else text
