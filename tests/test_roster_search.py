"""Roster search: Hangul names, initial consonants (초성) and student numbers."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from academy_desktop.store.models import Student
from academy_desktop.store.roster_search import (
    RosterEntry,
    compose,
    decompose,
    initials,
    matches,
    rank,
    search_students,
)

ROSTER = [
    RosterEntry(1, "20250001", "김민수", "A반"),
    RosterEntry(2, "20250002", "김민지", "A반"),
    RosterEntry(3, "20250003", "이민수", "B반"),
    RosterEntry(4, "20250010", "박서준", "B반"),
    RosterEntry(5, "20251001", "강민", "C반"),
    RosterEntry(6, "20250004", "Kim Ann", None),
]


def names(found: list[RosterEntry]) -> list[str]:
    return [e.name for e in found]


def test_syllables_decompose_and_compose_with_unicode_arithmetic() -> None:
    assert decompose("김") == (0, 20, 16)  # ㄱ, ㅣ, ㅁ
    assert decompose("가") == (0, 0, 0)
    assert decompose("힣") == (18, 20, 27)
    assert decompose("a") is None and decompose("ㄱ") is None
    for ch in "김민수강별가힣":
        parts = decompose(ch)
        assert parts is not None
        assert compose(*parts) == ch
    assert compose(0, 20, 16) == "김"
    with pytest.raises(ValueError):
        compose(19, 0, 0)
    assert initials("김민수") == "ㄱㅁㅅ"
    assert initials("쌍꺼풀") == "ㅆㄲㅍ"
    assert initials("A반") == "Aㅂ"


def test_initial_consonants_find_the_name_whole_or_begun() -> None:
    assert names(rank(ROSTER, "ㄱㅁㅅ")) == ["김민수"]
    assert names(rank(ROSTER, "ㄱㅁ")) == ["김민수", "김민지", "강민"]
    assert names(rank(ROSTER, "ㅁㅅ")) == ["김민수", "이민수"]  # inside the name too
    assert set(names(rank(ROSTER, "ㄱ"))) == {"김민수", "김민지", "강민"}
    assert names(rank(ROSTER, "ㅎㅎ")) == []


def test_syllables_and_initials_mix_and_a_half_typed_syllable_matches() -> None:
    assert names(rank(ROSTER, "김ㅁㅈ")) == ["김민지"]
    assert names(rank(ROSTER, "김미")) == ["김민수", "김민지"]  # 미 is 민 before its ㄴ
    assert names(rank(ROSTER, "민수")) == ["김민수", "이민수"]
    assert names(rank(ROSTER, "김민수")) == ["김민수"]


def test_conjoining_jamo_are_read_as_the_letters_a_keyboard_types() -> None:
    assert names(rank(ROSTER, "\u1100\u1106\u1109")) == ["김민수"]  # ᄀᄆᄉ


def test_numbers_match_by_prefix_first_then_anywhere() -> None:
    found = rank(ROSTER, "2025100")
    assert names(found) == ["강민"]
    found = rank(ROSTER, "001")  # anywhere: the earlier match first, then by number
    assert [e.number for e in found] == ["20250010", "20250001", "20251001"]
    assert [e.number for e in rank(ROSTER, "20250001")] == ["20250001"]  # exact first
    prefix = rank(ROSTER, "2025000")
    assert [e.number for e in prefix] == ["20250001", "20250002", "20250003", "20250004"]
    # a number beginning with the query ranks above one that only contains it
    ranked = rank(ROSTER, "1001")
    assert [e.number for e in ranked] == ["20251001"]


def test_ranking_exact_then_prefix_then_contains_then_initials() -> None:
    roster = [
        RosterEntry(1, "1", "이민수"),  # contains 민
        RosterEntry(2, "2", "민수"),  # exact
        RosterEntry(3, "3", "민수빈"),  # prefix
        RosterEntry(4, "4", "마나스"),  # initials ㅁㄴ? no
    ]
    assert names(rank(roster, "민수")) == ["민수", "민수빈", "이민수"]
    assert names(rank(roster, "ㅁㅅ")) == ["민수", "민수빈", "이민수"]


def test_latin_names_ignore_case_and_spaces_and_empty_lists_by_number() -> None:
    assert names(rank(ROSTER, "kim ann")) == ["Kim Ann"]
    assert names(rank(ROSTER, "ANN")) == ["Kim Ann"]
    everyone = rank(ROSTER, "  ")
    assert [e.number for e in everyone] == sorted(e.number for e in ROSTER)
    assert len(rank(ROSTER, "", limit=2)) == 2
    assert matches(ROSTER[0], "ㄱㅁㅅ") and not matches(ROSTER[0], "ㅂㅅ")


def test_search_students_reads_the_roster(session: Session) -> None:
    session.add_all(
        [
            Student(number="20250001", name="김하늘", class_name="A반"),
            Student(number="20250002", name="이바다", class_name="A반"),
            Student(number="20250003", name="김하람", class_name="B반"),
        ]
    )
    session.flush()
    found = search_students(session, "ㄱㅎ")
    assert [(e.name, e.number) for e in found] == [("김하늘", "20250001"), ("김하람", "20250003")]
    assert [e.name for e in search_students(session, "ㄱㅎㄹ")] == ["김하람"]
    assert [e.name for e in search_students(session, "0002")] == ["이바다"]
    assert search_students(session, "ㄱ", limit=1)[0].class_name == "A반"
