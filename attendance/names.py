"""Names that a spreadsheet would run: the rule both the kiosk and the server apply at input.

A text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)``, DDE such as
``=cmd|'/c calc'!A0``: OWASP "CSV injection"). People's names, codes and departments with
such a start are refused wherever they come in; exports neutralise any that are stored.
Pure function, any thread.
"""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

FORMULA_REFUSAL = ("không được bắt đầu bằng =, +, -, @, tab hoặc xuống dòng (bảng tính có thể "
                   "chạy nó như công thức)",
                   "may not start with =, +, -, @, a tab or a carriage return (a spreadsheet "
                   "could run it as a formula)")
"""(Vietnamese, English) ending of the refusal message, after the field's name."""


def starts_like_formula(text: str | None) -> bool:
    """True when a spreadsheet would read ``text`` as a formula (see FORMULA_PREFIXES)."""
    return bool(text) and str(text).startswith(FORMULA_PREFIXES)
