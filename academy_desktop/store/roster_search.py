"""Find a student in the roster by name, initial consonants (초성) or student number.

Staff resolving an unknown or duplicate student type a few characters; the best
matches come first:

* a Hangul name, whole or in part (``민수``), or as it is being typed: the last
  syllable may still lack its final consonant (``김미`` finds 김민수);
* initial consonants (초성): ``ㄱㅁㅅ`` finds 김민수, and so do the beginnings
  ``ㄱㅁ`` and ``ㄱ``; syllables and initials may be mixed (``김ㅁㅅ``);
* a student number, by prefix or anywhere in it (``0001``).

Hangul is taken apart with Unicode arithmetic: syllable ``U+AC00 + (initial * 21 +
medial) * 28 + final``. Nothing here imports Qt; the roster is small (a few
thousand students), so matching runs in Python over one query's rows.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from academy_desktop.store.models import Student

__all__ = [
    "INITIALS",
    "RosterEntry",
    "compose",
    "decompose",
    "initials",
    "load_roster",
    "rank",
    "search_students",
]

SYLLABLE_BASE = 0xAC00
SYLLABLE_LAST = 0xD7A3
MEDIALS = 21
FINALS = 28
PER_INITIAL = MEDIALS * FINALS  # 588 syllables share an initial consonant

# Compatibility jamo (what a Korean keyboard types alone), in syllable order.
INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_INITIAL_SET = frozenset(INITIALS)
# Conjoining initial jamo U+1100..U+1112 -> the compatibility letter.
_CONJOINING = {chr(0x1100 + i): c for i, c in enumerate(INITIALS)}


@dataclass(frozen=True)
class RosterEntry:
    id: int
    number: str
    name: str
    class_name: str | None = None


def is_syllable(ch: str) -> bool:
    return len(ch) == 1 and SYLLABLE_BASE <= ord(ch) <= SYLLABLE_LAST


def decompose(ch: str) -> tuple[int, int, int] | None:
    """``(initial, medial, final)`` indexes of a Hangul syllable, else ``None``."""
    if not is_syllable(ch):
        return None
    index = ord(ch) - SYLLABLE_BASE
    return index // PER_INITIAL, (index % PER_INITIAL) // FINALS, index % FINALS


def compose(initial: int, medial: int, final: int = 0) -> str:
    """The syllable with these indexes (``compose(0, 8, 16)`` is 김)."""
    if not (0 <= initial < len(INITIALS) and 0 <= medial < MEDIALS and 0 <= final < FINALS):
        raise ValueError(f"not a Hangul syllable: ({initial}, {medial}, {final})")
    return chr(SYLLABLE_BASE + initial * PER_INITIAL + medial * FINALS + final)


def initial_of(ch: str) -> str:
    """The initial consonant (compatibility jamo) of a syllable; other characters as they are."""
    parts = decompose(ch)
    return INITIALS[parts[0]] if parts is not None else ch


def initials(text: str) -> str:
    """``김민수`` -> ``ㄱㅁㅅ`` (non-Hangul characters are kept)."""
    return "".join(initial_of(ch) for ch in text)


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    text = "".join(_CONJOINING.get(ch, ch) for ch in text)
    return "".join(text.split())


def _char_matches(q: str, c: str, last: bool) -> bool:
    if q == c:
        return True
    if q in _INITIAL_SET:
        return initial_of(c) == q
    if last:  # still being typed: 미 (no final yet) begins 민
        qp, cp = decompose(q), decompose(c)
        return qp is not None and cp is not None and qp[2] == 0 and qp[:2] == cp[:2]
    return False


def _find(query: str, name: str) -> int:
    """Where ``query`` matches in ``name`` syllable by syllable (initials allowed), or -1."""
    n = len(query)
    for start in range(len(name) - n + 1):
        if all(_char_matches(query[i], name[start + i], i == n - 1) for i in range(n)):
            return start
    return -1


def _score(entry: RosterEntry, query: str) -> tuple[int, int] | None:
    """``(tier, position)``: lower is better; ``None`` when the entry does not match."""
    name = _normal(entry.name)
    number = entry.number
    if query in (number, name):
        return (0, 0)
    if query.isdigit():
        if number.startswith(query):
            return (1, 0)
        pos = number.find(query)
        return (4, pos) if pos >= 0 else None
    if name.startswith(query):
        return (1, 0)
    pos = name.find(query)
    if pos >= 0:
        return (2, pos)
    pos = _find(query, name)
    if pos >= 0:
        return (3, pos)  # initials, or a half-typed last syllable
    pos = number.find(query)
    return (4, pos) if pos >= 0 else None


def rank(entries: Iterable[RosterEntry], query: str, limit: int = 20) -> list[RosterEntry]:
    """The entries matching ``query``, best first (an empty query lists by number).

    Order: exact name or number, then beginnings (name or number prefix), then a
    name containing the query, then initial-consonant matches, then numbers
    containing it; ties go to the earlier match, then the student number.
    """
    q = _normal(query)
    if not q:
        return sorted(entries, key=lambda e: e.number)[:limit]
    scored: list[tuple[tuple[int, int], str, RosterEntry]] = []
    for entry in entries:
        s = _score(entry, q)
        if s is not None:
            scored.append((s, entry.number, entry))
    scored.sort(key=lambda t: (t[0], t[1]))
    return [e for _, _, e in scored[:limit]]


def load_roster(session: Session) -> list[RosterEntry]:
    """Every student, as light rows for :func:`rank` (one query)."""
    rows = session.execute(
        select(Student.id, Student.number, Student.name, Student.class_name).order_by(
            Student.number
        )
    )
    return [RosterEntry(i, number, name, cls) for i, number, name, cls in rows]


def search_students(session: Session, query: str, limit: int = 20) -> list[RosterEntry]:
    """The roster's best matches for ``query`` (name, 초성 or number), best first."""
    return rank(load_roster(session), query, limit)


def matches(entry: RosterEntry, query: str) -> bool:
    """Whether ``entry`` matches ``query`` at all."""
    q = _normal(query)
    return not q or _score(entry, q) is not None
