"""The verdict for one punch, the moment it is made: what the kiosk tells the person.

Lateness is counted from the shift START, as frappe/hrms does: a 08:00 shift with 5 minutes
of grace is on time up to 08:05:00 exactly; at 08:05:01 the person is late, and the minutes
shown are the whole minutes since 08:00 (5). Early leave is counted back from the shift END,
with the early-exit grace mirrored. Minutes are rounded down.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from attendance.model import Person, Punch, PunchKind
from attendance.shifts import Schedule, ShiftOccurrence

DEFAULT_COOLDOWN_S = 120


class VerdictStatus(enum.Enum):
    ON_TIME = "on_time"
    LATE = "late"
    EARLY_LEAVE = "early_leave"
    OUTSIDE_SHIFT = "outside_shift"  # a shift is assigned but the punch is outside its windows
    NO_SHIFT = "no_shift"  # nothing assigned today (day off, holiday, no assignment)
    DUPLICATE = "duplicate"  # within the cooldown of the previous punch: not a new punch
    ON_LEAVE = "on_leave"  # approved leave today: the punch is recorded, no lateness told


@dataclass(frozen=True)
class PunchVerdict:
    kind: PunchKind  # CHECK_IN or CHECK_OUT, never AUTO
    status: VerdictStatus
    minutes: int = 0  # late or early minutes, rounded down; 0 otherwise
    reason: str = ""  # machine-readable detail, e.g. "within_grace", "cooldown"


def is_duplicate(previous: Punch | None, new: Punch, cooldown_s: int = DEFAULT_COOLDOWN_S) -> bool:
    """True when ``new`` repeats ``previous`` (same person) within ``cooldown_s`` seconds."""
    if previous is None or previous.person_id != new.person_id:
        return False
    gap = (new.captured_at - previous.captured_at).total_seconds()
    return 0 <= gap < cooldown_s


def drop_duplicates(punches: Iterable[Punch], cooldown_s: int = DEFAULT_COOLDOWN_S) -> list[Punch]:
    """Punches in time order with repeats collapsed onto the first of each burst.

    A burst is measured from the last KEPT punch, so someone standing at the kiosk for five
    minutes produces one punch every ``cooldown_s``, not one per frame.
    """
    kept: list[Punch] = []
    last_by_person: dict[object, Punch] = {}
    for punch in sorted(punches, key=lambda p: (p.captured_at, str(p.id))):
        if is_duplicate(last_by_person.get(punch.person_id), punch, cooldown_s):
            continue
        kept.append(punch)
        last_by_person[punch.person_id] = punch
    return kept


def decide_kind(punch: Punch, earlier: Sequence[Punch]) -> PunchKind:
    """An explicit kind stands; AUTO is a check-in first, a check-out after that."""
    if punch.kind is not PunchKind.AUTO:
        return punch.kind
    return PunchKind.CHECK_OUT if earlier else PunchKind.CHECK_IN


def verdict_for_punch(shift: ShiftOccurrence | None, earlier: Sequence[Punch], punch: Punch,
                      cooldown_s: int = DEFAULT_COOLDOWN_S,
                      shift_assigned: bool = False) -> PunchVerdict:
    """The verdict for ``punch`` given the shift it belongs to and the earlier punches of it.

    ``shift`` is the occurrence from ``Schedule.occurrence_for_instant`` (None when the punch
    is in no shift's window); ``earlier`` are the person's earlier punches of that shift (or of
    the local day when there is none); ``shift_assigned`` tells OUTSIDE_SHIFT from NO_SHIFT
    when ``shift`` is None.
    """
    ordered = sorted(earlier, key=lambda p: p.captured_at)
    if ordered and is_duplicate(ordered[-1], punch, cooldown_s):
        return PunchVerdict(decide_kind(ordered[-1], ordered[:-1]), VerdictStatus.DUPLICATE, 0,
                            "cooldown")
    kind = decide_kind(punch, ordered)
    if shift is None:
        status = VerdictStatus.OUTSIDE_SHIFT if shift_assigned else VerdictStatus.NO_SHIFT
        return PunchVerdict(kind, status, 0, status.value)
    if kind is PunchKind.CHECK_IN:
        return _check_in_verdict(shift, punch.captured_at)
    return _check_out_verdict(shift, punch.captured_at)


def verdict_at_kiosk(schedule: Schedule, person: Person, punch: Punch,
                     earlier_today: Sequence[Punch],
                     cooldown_s: int = DEFAULT_COOLDOWN_S) -> PunchVerdict:
    """The greeting's verdict: finds the shift ``punch`` belongs to, then ``verdict_for_punch``.

    ``earlier_today`` may hold the person's punches of the last day or so; only those of the
    same shift (or, outside any shift, of the same local date) count as earlier.
    """
    found = schedule.occurrence_for_instant(person, punch.captured_at)
    if found is not None:
        earlier = [p for p in earlier_today if found.contains(p.captured_at)
                   and p.captured_at <= punch.captured_at]
        return verdict_for_punch(found, earlier, punch, cooldown_s)
    local_day = schedule.local_date(punch.captured_at)
    earlier = [p for p in earlier_today if schedule.local_date(p.captured_at) == local_day
               and p.captured_at <= punch.captured_at]
    assigned = schedule.occurrence_on(person, local_day) is not None
    return verdict_for_punch(None, earlier, punch, cooldown_s, shift_assigned=assigned)


def _check_in_verdict(shift: ShiftOccurrence, at: datetime) -> PunchVerdict:
    late_s = (at - shift.start).total_seconds()
    if late_s <= shift.shift.late_grace_min * 60:
        reason = "before_start" if late_s <= 0 else "within_grace"
        return PunchVerdict(PunchKind.CHECK_IN, VerdictStatus.ON_TIME, 0, reason)
    return PunchVerdict(PunchKind.CHECK_IN, VerdictStatus.LATE, int(late_s // 60), "after_grace")


def _check_out_verdict(shift: ShiftOccurrence, at: datetime) -> PunchVerdict:
    early_s = (shift.end - at).total_seconds()
    if early_s <= shift.shift.early_exit_grace_min * 60:
        reason = "after_end" if early_s <= 0 else "within_grace"
        return PunchVerdict(PunchKind.CHECK_OUT, VerdictStatus.ON_TIME, 0, reason)
    return PunchVerdict(PunchKind.CHECK_OUT, VerdictStatus.EARLY_LEAVE, int(early_s // 60),
                        "before_grace")


_TEXT = {
    "en": {
        "on_time": "On time", "late": "Late by {n}", "early_leave": "Early leave by {n}",
        "outside_shift": "Outside your shift hours", "no_shift": "No shift today",
        "duplicate": "Already recorded", "on_leave": "You are on leave today — recorded",
        "minute": "1 minute", "minutes": "{n} minutes", "hours": "{h} h {m} min",
    },
    "vi": {
        "on_time": "Đúng giờ", "late": "Đi muộn {n}", "early_leave": "Về sớm {n}",
        "outside_shift": "Ngoài giờ ca làm việc", "no_shift": "Hôm nay không có ca",
        "duplicate": "Đã ghi nhận trước đó",
        "on_leave": "Hôm nay bạn đang nghỉ phép — đã ghi nhận",
        "minute": "1 phút", "minutes": "{n} phút", "hours": "{h} giờ {m} phút",
    },
}


def describe(verdict: PunchVerdict, language: str = "en") -> str:
    """The verdict as the kiosk shows it, in English ("en") or Vietnamese ("vi").

    "On time" / "Đúng giờ", "Late by 12 minutes" / "Đi muộn 12 phút", "Early leave by 1 h
    5 min" / "Về sớm 1 giờ 5 phút". Whether it was a check-in or a check-out is the
    verdict's ``kind``; the kiosk labels that itself.
    """
    text = _TEXT.get(language)
    if text is None:
        raise ValueError(f"no texts for language {language!r}; have {sorted(_TEXT)}")
    return text[verdict.status.value].format(n=_duration(verdict.minutes, text))


def _duration(minutes: int, text: dict[str, str]) -> str:
    if minutes >= 60:
        return text["hours"].format(h=minutes // 60, m=minutes % 60)
    if minutes == 1:
        return text["minute"]
    return text["minutes"].format(n=minutes)
