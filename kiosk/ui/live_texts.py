"""Texts that follow the kiosk's language: each is set now and again on every switch.

GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.ui.strings import Language, text


class LiveTexts:
    """The (setter, key, values) of a page's texts, in the page's current language."""

    def __init__(self, language: Language) -> None:
        self.language: Language = language
        self._bound: list[tuple[Callable[[str], None], str, dict[str, object]]] = []

    def bind(self, setter: Callable[[str], None], key: str, **values: object) -> None:
        """Set a text now and again whenever the language changes."""
        self._bound.append((setter, key, values))
        setter(text(key, self.language, **values))

    def set_language(self, language: Language) -> None:
        """Switch every bound text to ``language``."""
        self.language = language
        for setter, key, values in self._bound:
            setter(text(key, language, **values))

    def __call__(self, key: str, **values: object) -> str:
        """One text in the current language (not bound: set it again after a switch)."""
        return text(key, self.language, **values)
