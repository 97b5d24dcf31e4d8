"""Time exporting an exam from the store: 1,000 sheets x 45 questions by default.

Builds a database in a temporary file with ``record_result`` (synthetic page
results: 45 five-choice questions, a few flagged and reviewed answers, a few
rejected pages), then times ``export_exam`` for each format and prints a Markdown
table. Target (issue 3): xlsx in under 5 s.

    python bench/store_export_bench.py [--sheets 1000] [--questions 45]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from academy_desktop.engine.result import FieldResult, PageResult
from academy_desktop.store.export import Format, export_exam
from academy_desktop.store.models import (
    AnswerKeyVersion,
    Base,
    Exam,
    Scan,
    Student,
    Template,
)
from academy_desktop.store.submissions import record_result

CHOICES = "12345"


def _page(rng: random.Random, page: int, questions: int, number: str) -> PageResult:
    if page % 97 == 0:
        return PageResult("batch.pdf", page, "rejected", "bench", "TOO_DARK", "너무 어둡습니다")
    fields: dict[str, FieldResult] = {}
    for q in range(1, questions + 1):
        roll = rng.random()
        if roll < 0.03:
            marks = sorted(rng.sample(CHOICES, 2))
            fields[f"q{q}"] = FieldResult(
                f"q{q}", marks, "multi", 0.6, "ambiguous", {}, "".join(marks)
            )
        elif roll < 0.05:
            fields[f"q{q}"] = FieldResult(f"q{q}", [], "blank", 0.99, "blank", {}, "")
        else:
            v = rng.choice(CHOICES)
            status = "low_confidence" if roll < 0.07 else "ok"
            fields[f"q{q}"] = FieldResult(f"q{q}", [v], "single", 0.9, status, {}, v)  # type: ignore[arg-type]
    return PageResult("batch.pdf", page, "ok", "bench", student_id=number, fields=fields)


def build(path: Path, sheets: int, questions: int) -> int:
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    rng = random.Random(7)
    with Session(engine) as s:
        t = Template(name="bench", source="native", origin=None, content={}, sha256="b" * 64)
        exam = Exam(title="벤치마크 시험", template=t)
        s.add(exam)
        s.flush()
        answers = {f"q{q}": rng.choice(CHOICES) for q in range(1, questions + 1)}
        key = {"format": "academy-answer-key", "version": 1, "answers": answers}
        s.add(AnswerKeyVersion(exam_id=exam.id, version=1, content=key))
        for i in range(sheets):
            if i % 10:
                s.add(Student(number=f"2025{i:04d}", name=f"학생{i}", class_name="A반"))
        scan = Scan(
            sha256="c" * 64, original_name="batch.pdf", stored_path="x", size=1, page_count=sheets
        )
        s.add(scan)
        s.flush()
        for page in range(1, sheets + 1):
            sub, _ = record_result(
                s, exam, scan, _page(rng, page, questions, f"2025{page - 1:04d}")
            )
            for a in sub.answers[:: max(1, questions // 3)]:
                if a.meta["omr"]["status"] != "ok":
                    a.current_value, a.reviewed = a.answer[:1], True
        s.commit()
        exam_id = exam.id
    engine.dispose()
    return exam_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, default=1000)
    parser.add_argument("--questions", type=int, default=45)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        exam_id = build(db, args.sheets, args.questions)
        print(
            f"built {args.sheets} sheets x {args.questions} questions in "
            f"{time.perf_counter() - t0:.1f} s\n"
        )
        engine = create_engine(f"sqlite:///{db}")
        print("| format | rows | seconds | file size |")
        print("|---|---:|---:|---:|")
        fmt: Format
        for fmt in ("xlsx", "csv", "jsonl"):
            out = Path(tmp) / f"export.{fmt}"
            with Session(engine) as s:
                t0 = time.perf_counter()
                summary = export_exam(s, exam_id, fmt, out)
                took = time.perf_counter() - t0
            print(f"| {fmt} | {summary.rows} | {took:.2f} | {out.stat().st_size / 1e6:.1f} MB |")
        engine.dispose()


if __name__ == "__main__":
    main()
