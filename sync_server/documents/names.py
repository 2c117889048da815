"""File names and media types shared by the documents and the web downloads."""

from __future__ import annotations

import unicodedata

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"


def ascii_filename(name: str) -> str:
    """``name`` without accents and with only letters, digits, '.', '-' and '_' (others
    become '_'): safe inside a quoted ``filename=`` on any browser."""
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return "".join(c if c.isascii() and (c.isalnum() or c in ".-_") else "_" for c in plain)
