"""Telex input for Vietnamese: the keys typed for one word -> the word with its diacritics.

Pure Python (no Qt), used by the on-screen keyboard (kiosk.ui.touch_keys). The word is
recomposed from all its keys after every key, so a tone typed at the end of the word lands on
the right vowel ("Nguyeenx" -> "Nguyễn"). Keys:

- ``aa`` â, ``ee`` ê, ``oo`` ô, ``dd`` đ; ``w`` after a / o / u: ă / ơ / ư (``uow`` ươ), alone ư;
- tones ``s`` sắc, ``f`` huyền, ``r`` hỏi, ``x`` ngã, ``j`` nặng, ``z`` removes the tone; a tone
  key only acts once the word has a vowel (else it is the letter);
- typing a modifier again undoes it and keeps the letter: ``aaa`` aa, ``ss`` s (after a tone).

Tone placement (the traditional rule, as in most names: Hòa, Thủy): on the vowel with a hat
or horn (ơ in ươ); else on the only vowel; else on the last vowel when a consonant follows;
else on the middle of three vowels, or the first of two. "qu" and "gi" + vowel count as
consonants.
"""

from __future__ import annotations

import unicodedata

VOWELS = frozenset("aăâeêioôơuưy")
TONE_KEYS = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323", "z": ""}
DOUBLES = {"a": "â", "e": "ê", "o": "ô", "d": "đ"}
HORNS = {"a": "ă", "o": "ơ", "u": "ư"}
MARKED = frozenset("ăâêôơư")


def compose_word(keys: str) -> str:
    """The Vietnamese word for the Telex ``keys`` of one word (no spaces), case kept."""
    letters: list[str] = []  # lower-case letters with hats and horns, no tone
    upper: list[bool] = []
    tone = ""
    for key in keys:
        low = key.lower()
        if low in TONE_KEYS and _has_vowel(letters):
            if tone and TONE_KEYS[low] == tone:
                tone = ""  # the same tone twice: undo it, keep the letter
                letters.append(low)
                upper.append(key.isupper())
            else:
                tone = TONE_KEYS[low]
            continue
        if _apply_modifier(letters, upper, low, key.isupper()):
            continue
        letters.append(low)
        upper.append(key.isupper())
    if tone:
        position = tone_position(letters)
        if position is not None:
            letters[position] = unicodedata.normalize("NFC", letters[position] + tone)
    return "".join(c.upper() if up else c for c, up in zip(letters, upper, strict=True))


def _has_vowel(letters: list[str]) -> bool:
    return any(c in VOWELS for c in letters)


def _apply_modifier(letters: list[str], upper: list[bool], low: str, is_upper: bool) -> bool:
    """Apply ``low`` as a hat / horn / đ to the letters typed so far; False when it is not one."""
    if low in DOUBLES and letters:
        last = letters[-1]
        if last == low:
            letters[-1] = DOUBLES[low]
            return True
        if last == DOUBLES[low]:  # a third press: the plain letters
            letters[-1] = low
            letters.append(low)
            upper.append(is_upper)
            return True
        return False
    if low != "w":
        return False
    start, end = _vowel_run(letters)
    run = "".join(letters[start:end])
    if "uo" in run:
        at = start + run.index("uo")
        letters[at:at + 2] = ["ư", "ơ"]
        return True
    for index in range(end - 1, start - 1, -1):
        if letters[index] in HORNS:
            letters[index] = HORNS[letters[index]]
            return True
    letters.append("ư")
    upper.append(is_upper)
    return True


def _vowel_run(letters: list[str]) -> tuple[int, int]:
    """[start, end) of the last run of vowels (excluding the u of "qu", the i of "gi+V")."""
    end = len(letters)
    while end > 0 and letters[end - 1] not in VOWELS:
        end -= 1
    start = end
    while start > 0 and letters[start - 1] in VOWELS:
        start -= 1
    if start == 1 and end - start > 1 and letters[0] in "qg" and letters[1] in "ui":
        if letters[0] == "q" and letters[1] == "u" or letters[0] == "g" and letters[1] == "i":
            start = 2
    return start, end


def tone_position(letters: list[str]) -> int | None:
    """Index of the letter that carries the tone (see the module docstring); None: no vowel."""
    start, end = _vowel_run(letters)
    if start == end:
        return None
    run = letters[start:end]
    marked = [i for i, c in enumerate(run) if c in MARKED]
    if marked:
        return start + marked[-1]
    if len(run) == 1:
        return start
    if end < len(letters):
        return end - 1
    return start + 1 if len(run) == 3 else start
