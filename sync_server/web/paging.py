"""Search and pagination of the long HR lists (people, audit trail, tasks, corrections).

A search matches when every word of it is in one of the row's fields, ignoring case and
Vietnamese accents ("nguyen an" finds "Nguyễn Văn An"). Pages are 1-based, ``PAGE_SIZE``
rows each; a page past the end shows the last one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import urlencode

T = TypeVar("T")
PAGE_SIZE = 50


def fold(text: str) -> str:
    """Lower case without accents (đ -> d): what searches compare."""
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


def matches(search: str, fields: Iterable[str | None]) -> bool:
    """Whether every word of ``search`` is in the joined ``fields`` (accents ignored)."""
    haystack = fold(" ".join(f for f in fields if f))
    return all(word in haystack for word in fold(search).split())


@dataclass(frozen=True)
class Pager:
    """Where a list page is: ``number`` of ``pages`` (1-based), ``total`` rows in all."""

    number: int
    size: int
    total: int
    query: dict[str, str] = field(default_factory=dict)  # the filters the links keep

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def href(self, number: int) -> str:
        kept = {k: v for k, v in self.query.items() if v}
        return "?" + urlencode({**kept, "page": number})


def pager(total: int, page: int, query: dict[str, str], size: int = PAGE_SIZE) -> Pager:
    """The pager of ``total`` rows at ``page`` (clamped into 1..pages)."""
    pages = max(1, -(-total // size))
    return Pager(min(max(page, 1), pages), size, total, query)


def page_of(rows: Sequence[T], page: int, query: dict[str, str],
            search: str = "", fields: Callable[[T], Iterable[str | None]] | None = None,
            size: int = PAGE_SIZE) -> tuple[list[T], Pager]:
    """The rows matching ``search`` (on ``fields`` of each row) on ``page``, and its pager."""
    if search.strip() and fields is not None:
        rows = [row for row in rows if matches(search, fields(row))]
    where = pager(len(rows), page, query, size)
    return list(rows[where.offset:where.offset + size]), where
