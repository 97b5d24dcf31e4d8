"""Answer keys typed as a string of answers, e.g. ``31452 24135``.

Staff usually have the key as a row of numbers on the exam paper; typing it is the
fastest way in. The string lists one answer per question in sheet order:

* ``3``: the answer is 3 (a letter ``B`` on an A-E sheet). Spaces, commas and
  semicolons are ignored, so ``31452 24135`` and ``3,1,4,5,2`` are the same;
  circled and full-width digits (``③``, ``３``) count as plain ones.
* ``(24)`` or ``2/4``: several correct answers (복수 정답) - 2 or 4 both score.
* ``[24]``: one answer written with several characters: 2 and 4 both marked
  (an exact double mark), or a two-digit number on a question made of digit columns.
  Brackets may sit inside the others: ``(3[24])``, ``3/[24]``.
* ``*``: every choice is correct (a voided question, 전원 정답); a blank still
  scores the blank points.
* ``?``: no answer for this question; it is left out of the key and not scored.

:func:`parse_digit_key` checks the string against the sheet and says, in Korean
and English, which questions are missing or invalid; :func:`apply_answers` turns
the answers into an :class:`AnswerKey`, keeping the points and sections of an
earlier key; :func:`format_digit_key` writes a key back as such a string.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from academy_desktop.engine.answerkey import DEFAULT_SECTION, AnswerKey, KeyItem, Marking
from academy_desktop.engine.scoring import can_form
from academy_desktop.engine.template.model import Field, Template

__all__ = [
    "ALL_CHOICES",
    "SKIP",
    "DigitEntry",
    "DigitKey",
    "apply_answers",
    "format_digit_key",
    "key_labels",
    "parse_answer_cell",
    "parse_digit_key",
]

SEPARATORS = frozenset(" \t\r\n,;")
ALL_CHOICES = "*"
SKIP = "?"
GROUP = 5  # format_digit_key: answers per group


@dataclass(frozen=True)
class DigitEntry:
    """One question's answers as typed: ``accepted`` lists the correct answers."""

    label: str
    accepted: tuple[str, ...]
    start: int  # position of the token in the (normalised) text
    end: int
    all_choices: bool = False


@dataclass
class DigitKey:
    """The parsed string: answers by question, and what is wrong or missing."""

    entries: list[DigitEntry] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # written as "?"
    missing: list[str] = field(default_factory=list)  # questions after the last answer typed
    errors: list[str] = field(default_factory=list)  # "한국어 / English", one per problem
    invalid: list[str] = field(default_factory=list)  # labels whose answer cannot be read
    typed: int = 0  # tokens typed (answers and "?")
    tokens: dict[str, str] = field(default_factory=dict)  # label -> what was typed for it

    @property
    def ok(self) -> bool:
        return not self.errors

    def answers(self) -> dict[str, tuple[str, ...]]:
        return {e.label: e.accepted for e in self.entries}


def key_labels(template: Template) -> list[str]:
    """The questions a key can score: the template's questions
    (:attr:`Template.question_labels`), never the student number."""
    return template.question_labels


def _parts(template: Template, label: str) -> list[Field]:
    if label in template.joins:
        return [template.field_map[p] for p in template.joins[label] if p in template.field_map]
    field_ = template.field_map.get(label)
    return [field_] if field_ is not None else []


def _choice(parts: Sequence[Field], text: str) -> str:
    """``text`` spelled as the sheet spells it (``b`` -> ``B`` on an A-E sheet)."""
    if len(parts) == 1:
        for value in parts[0].values:
            if value.casefold() == text.casefold():
                return value
    return text


class _Syntax(ValueError):
    def __init__(self, pos: int, ko: str, en: str) -> None:
        super().__init__(en)
        self.pos, self.ko, self.en = pos, ko, en


class _Reader:
    """A tiny recursive-descent reader of the answer string."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def skip_separators(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in SEPARATORS:
            self.pos += 1

    def at_end(self) -> bool:
        self.skip_separators()
        return self.pos >= len(self.text)

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _char(self) -> str:
        c = self.peek()
        if not c:
            raise _Syntax(self.pos, "답이 끝나지 않았습니다", "the answer is not finished")
        if not c.isalnum():
            raise _Syntax(
                self.pos,
                f"'{c}'은(는) 답으로 쓸 수 없는 글자입니다",
                f"'{c}' cannot be part of an answer",
            )
        self.pos += 1
        return c

    def _exact(self) -> str:
        """``[...]``: one answer of several characters."""
        open_at = self.pos
        self.pos += 1
        chars = ""
        while self.peek() != "]":
            if not self.peek():
                raise _Syntax(open_at, "'['를 닫는 ']'가 없습니다", "'[' is never closed")
            if self.peek() in SEPARATORS:
                self.pos += 1
                continue
            chars += self._char()
        self.pos += 1
        if not chars:
            raise _Syntax(open_at, "'[ ]' 안에 답이 없습니다", "nothing inside '[ ]'")
        return chars

    def atom(self) -> str:
        return self._exact() if self.peek() == "[" else self._char()

    def _group(self) -> tuple[str, ...]:
        """``(...)``: several correct answers."""
        open_at = self.pos
        self.pos += 1
        out: list[str] = []
        while self.peek() != ")":
            if not self.peek():
                raise _Syntax(open_at, "'('를 닫는 ')'가 없습니다", "'(' is never closed")
            if self.peek() in SEPARATORS or self.peek() == "/":
                self.pos += 1
                continue
            out.append(self.atom())
        self.pos += 1
        if not out:
            raise _Syntax(open_at, "'( )' 안에 답이 없습니다", "nothing inside '( )'")
        return tuple(out)

    def token(self) -> tuple[str, tuple[str, ...]]:
        """The next question's answers: ``("answer", (...))``, ``("all", ())`` or
        ``("skip", ())``."""
        c = self.peek()
        if c == ALL_CHOICES:
            self.pos += 1
            return "all", ()
        if c == SKIP:
            self.pos += 1
            return "skip", ()
        if c == "(":
            return "answer", self._group()
        if c in ")]":
            raise _Syntax(
                self.pos, f"'{c}'에 짝이 되는 여는 괄호가 없습니다", f"'{c}' has no opening bracket"
            )
        out = [self.atom()]
        while self.peek() == "/":
            self.pos += 1
            out.append(self.atom())
        return "answer", tuple(out)


def normalise(text: str) -> str:
    """NFKC (``③`` -> ``3``, ``３`` -> ``3``, ``，`` -> ``,``) with its length kept per
    character, so positions still point into what was typed."""
    out = []
    for c in text:
        n = unicodedata.normalize("NFKC", c)
        out.append(n if len(n) == 1 else c)
    return "".join(out)


def _unique(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def parse_digit_key(text: str, template: Template, labels: Sequence[str] | None = None) -> DigitKey:
    """Read ``text`` for the questions ``labels`` (default :func:`key_labels`) of ``template``.

    Nothing is raised: the result lists every problem (``errors``, bilingual) and the
    questions after the last answer typed (``missing``, a warning, not an error).
    """
    labels = list(labels if labels is not None else key_labels(template))
    text = normalise(text)
    reader = _Reader(text)
    out = DigitKey()
    index = 0
    while not reader.at_end():
        start = reader.pos
        try:
            kind, answers = reader.token()
        except _Syntax as exc:
            n = exc.pos + 1
            out.errors.append(f"{n}번째 글자: {exc.ko} / character {n}: {exc.en}")
            return out
        out.typed += 1
        if index >= len(labels):
            index += 1
            continue
        label = labels[index]
        index += 1
        out.tokens[label] = text[start : reader.pos]
        parts = _parts(template, label)
        if kind == "skip":
            out.skipped.append(label)
            continue
        if kind == "all":
            if len(parts) != 1 or not parts[0].values:
                out.invalid.append(label)
                out.errors.append(
                    f"{label}: '*'(모두 정답)는 선택지가 있는 문항에만 쓸 수 있습니다 / "
                    f"{label}: '*' (every choice correct) needs a question with choices"
                )
                continue
            accepted = tuple(v for v in parts[0].values if v)
            out.entries.append(DigitEntry(label, accepted, start, reader.pos, all_choices=True))
            continue
        accepted = _unique([_choice(parts, a) for a in answers])
        bad = [a for a in accepted if not parts or not can_form(a, parts)]
        if bad:
            out.invalid.append(label)
            choices = ", ".join(parts[0].values) if len(parts) == 1 else ""
            hint_ko = f" (선택지: {choices})" if choices else ""
            hint_en = f" (choices: {choices})" if choices else ""
            shown = ", ".join(bad)
            out.errors.append(
                f"{label}: '{shown}'은(는) 답안지에서 나올 수 없는 답입니다{hint_ko} / "
                f"{label}: '{shown}' cannot be read from the sheet{hint_en}"
            )
            continue
        out.entries.append(DigitEntry(label, accepted, start, reader.pos))
    if index > len(labels):
        out.errors.append(
            f"답이 {index}개 입력되었지만 문항은 {len(labels)}개입니다 / "
            f"{index} answers typed but the sheet has {len(labels)} questions"
        )
    out.missing = labels[index:]
    return out


def parse_answer_cell(text: str) -> tuple[str, ...]:
    """A table cell of correct answers: ``2, 4`` (or ``2/4``, ``2|4``, ``2 4``) lists
    several; ``24`` is one answer (2 and 4 both marked)."""
    text = normalise(text)
    for sep in ",/|;\t":
        text = text.replace(sep, " ")
    return _unique([part for part in text.split() if part])


def _common_score(item: KeyItem) -> float | None:
    scores = {s for _, s in item.accepted}
    return scores.pop() if len(scores) == 1 else None


def apply_answers(
    base: AnswerKey | None,
    answers: Mapping[str, Sequence[str]],
    *,
    order: Sequence[str] | None = None,
    source: str = "",
) -> AnswerKey:
    """A key with ``answers`` (label -> correct answers), keeping from ``base`` each
    question's section, points and blank/wrong overrides, and its sections.

    An answer that was in ``base`` keeps its own points; a new one gets the points the
    question's answers shared (or the section's). Questions not in ``answers`` are left
    out. ``order`` (default: ``answers``' order) sets the key's question order.
    """
    sections = dict(base.sections) if base is not None else {DEFAULT_SECTION: Marking()}
    sections.setdefault(DEFAULT_SECTION, Marking())
    items: dict[str, KeyItem] = {}
    for label in order if order is not None else list(answers):
        if label not in answers or not answers[label]:
            continue
        old = base.items.get(label) if base is not None else None
        if old is None:
            items[label] = KeyItem(label, tuple((a, None) for a in answers[label]))
            continue
        scores = dict(old.accepted)
        shared = _common_score(old)
        accepted = tuple((a, scores.get(a, shared)) for a in answers[label])
        items[label] = KeyItem(label, accepted, old.section, old.incorrect, old.unmarked)
    default = base.default_section if base is not None else DEFAULT_SECTION
    return AnswerKey(items=items, sections=sections, default_section=default, source=source)


def _format_answer(answer: str) -> str:
    return answer if len(answer) == 1 else f"[{answer}]"


def format_digit_key(
    key: AnswerKey, template: Template, labels: Sequence[str] | None = None
) -> str:
    """``key`` as an answer string for :func:`parse_digit_key` (groups of five).

    Points and sections are not part of the string; questions without an answer are
    ``?`` (trailing ones are left out).
    """
    labels = list(labels if labels is not None else key_labels(template))
    tokens: list[str] = []
    for label in labels:
        item = key.items.get(label)
        if item is None:
            tokens.append(SKIP)
            continue
        answers = [a for a, _ in item.accepted]
        parts = _parts(template, label)
        choices = [v for v in parts[0].values if v] if len(parts) == 1 else []
        if len(answers) > 1 and choices and sorted(answers) == sorted(choices):
            tokens.append(ALL_CHOICES)
        elif len(answers) == 1:
            tokens.append(_format_answer(answers[0]))
        else:
            tokens.append("(" + "".join(_format_answer(a) for a in answers) + ")")
    while tokens and tokens[-1] == SKIP:
        tokens.pop()
    groups = ["".join(tokens[i : i + GROUP]) for i in range(0, len(tokens), GROUP)]
    return " ".join(groups)
