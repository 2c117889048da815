"""The look-alike confirmation on the enrolment page.

When an enrolment is refused because the new face resembles someone already enrolled, the
admin may tick "these are two different people" (unticked when offered) and start again; the
next StartEnrollment then carries that person in ``confirmed_different``. The line runs
across the whole page (a name is long), its font the largest from 18 pt down to 11 pt at which
it fits beside its box. GUI thread only.
"""

from __future__ import annotations

from uuid import UUID

from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QCheckBox

from kiosk.app.state import EnrollmentFinished
from kiosk.ui.admin_style import CHECKBOX_MARGIN_PX, CONSENT_STYLE, INDICATOR_PX
from kiosk.ui.live_texts import LiveTexts


class LookalikeConfirmation(QCheckBox):
    """Hidden until a look-alike refusal offers it; ``confirmed`` is what the admin ticked."""

    def __init__(self) -> None:
        super().__init__()
        self.setStyleSheet(CONSENT_STYLE)
        self.setVisible(False)
        self.setMinimumHeight(40)  # never squeezed under its text
        self._lookalike: tuple[UUID, str] | None = None

    @property
    def offered(self) -> bool:
        """Whether the last enrolment was refused for resembling someone."""
        return self._lookalike is not None

    def confirmed(self) -> tuple[UUID, ...]:
        """The look-alike's id when the admin ticked the box, else nobody."""
        return (self._lookalike[0],) if self._lookalike is not None and \
            self.isChecked() else ()

    def offer(self, finished: EnrollmentFinished, texts: LiveTexts, page_px: int) -> None:
        """After a look-alike refusal, let the admin confirm different people (unticked);
        after any other outcome, hide. ``page_px``: the page's width."""
        self._lookalike = (None if finished.ok or finished.lookalike_id is None
                           else (finished.lookalike_id, finished.lookalike_name))
        self.setChecked(False)
        self.setVisible(self._lookalike is not None)
        if self._lookalike is not None:
            self.setText(texts("enroll.confirm_different", name=self._lookalike[1]))
            self.fit(page_px)

    def fit(self, page_px: int) -> None:
        """The font: the largest from 18 pt down to 11 pt at which the one line fits beside
        the box across a page ``page_px`` wide."""
        room = page_px - 2 * CHECKBOX_MARGIN_PX - INDICATOR_PX
        font = QFont(self.font())
        size_pt = 18
        while size_pt > 11:
            font.setPointSize(size_pt)
            if QFontMetrics(font).horizontalAdvance(self.text()) <= room:
                break
            size_pt -= 1
        self.setStyleSheet(CONSENT_STYLE.replace("font-size: 18pt", f"font-size: {size_pt}pt"))
