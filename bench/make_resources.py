"""Re-generate the bundled printables and sample scans, deterministically.

    python bench/make_resources.py            # everything
    python bench/make_resources.py --check    # only verify the templates load and render

Reads ``resources/templates/*.json`` (hand-written, see docs of the native
format) and writes:

* ``resources/printable/<name>.pdf`` - one colour A4 page at 300 dpi per template;
* ``resources/samples/`` - six filled 20-question sheets as JPEGs, a three-page PDF
  of filled 45-question sheets, answer keys for both and a README listing what
  every simulated student meant to mark.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
for _p in (ROOT, ROOT / "tests"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from synth import SheetTruth, degrade, make_sheet  # noqa: E402
from synth.sheets import keep_points  # noqa: E402

from academy_desktop.engine.render import render_sheet, save_printable_pdf  # noqa: E402
from academy_desktop.engine.template.labels import label_sort_key  # noqa: E402
from academy_desktop.engine.template.model import Template  # noqa: E402
from academy_desktop.engine.template.native import load_native  # noqa: E402

TEMPLATES = ROOT / "resources" / "templates"
PRINTABLE = ROOT / "resources" / "printable"
SAMPLES = ROOT / "resources" / "samples"
MAX_PDF = 1_500_000
FIXED_DATE = 1_735_689_600  # 2025-01-01: PDF dates, unless SOURCE_DATE_EPOCH is set
MAX_SAMPLE = 250_000  # bytes per sample file

# mild, office-like: mostly clean sign-pen fills, a few of the cases the review screen shows
SAMPLE_MIX = {
    "full": 0.86,
    "partial": 0.04,
    "light_pencil": 0.03,
    "erased": 0.03,
    "double": 0.01,
    "blank": 0.03,
}
SAMPLE_DPI = (150.0, 200.0)  # the JPEGs
PDF_DPI = 120.0  # the PDF pages: a low office-scanner setting keeps 3 pages < 300 KB


def mild_scan(
    t: Template, seed: int, scan_dpi: tuple[float, float], **kwargs: object
) -> tuple[np.ndarray, SheetTruth]:
    """An office-like scan without sensor noise (noise makes JPEGs several times larger)."""
    img, truth = make_sheet(t, seed, "clean", mix=SAMPLE_MIX, **kwargs)  # type: ignore[arg-type]
    rng = np.random.default_rng(seed + 7919)
    mm = truth.dpi / 25.4
    out, _, _ = degrade.office(img, truth.dpi, keep_points(t, mm, mm), rng, scan_dpi=scan_dpi)
    return out, truth


def answer_key(t: Template, seed: int) -> dict[str, str]:
    rng = np.random.default_rng(seed)
    return {lab: str(rng.choice(t.field_map[lab].values)) for lab in t.question_labels}


def key_json(key: dict[str, str]) -> str:
    data = {
        "format": "academy-answer-key",
        "version": 1,
        "sections": {"DEFAULT": {"correct": 1, "incorrect": 0, "unmarked": 0}},
        "answers": key,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def jpeg_bytes(img: np.ndarray, limit: int, best: int = 80) -> bytes:
    """A progressive grey JPEG under ``limit`` bytes, at the best quality <= ``best`` that fits."""
    for quality in range(best, 30, -5):
        buf = io.BytesIO()
        Image.fromarray(img).save(buf, "JPEG", quality=quality, optimize=True, progressive=True)
        if buf.tell() < limit:
            return buf.getvalue()
    raise RuntimeError("cannot compress the sample under the size limit")


def pdf_date() -> time.struct_time:
    return time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", str(FIXED_DATE))))


def grey_pdf(pages: list[np.ndarray], path: Path, dpi: float, limit: int) -> None:
    """A multi-page PDF of grey JPEG pages, at the best quality that keeps it under ``limit``."""
    images = [Image.fromarray(p) for p in pages]
    for quality in range(70, 30, -5):
        buf = io.BytesIO()
        images[0].save(
            buf,
            "PDF",
            resolution=dpi,
            save_all=True,
            append_images=images[1:],
            quality=quality,
            optimize=True,
            title=path.stem,
            creationDate=pdf_date(),
            modDate=pdf_date(),
        )
        if buf.tell() < limit:
            path.write_bytes(buf.getvalue())
            return
    raise RuntimeError(f"cannot compress {path.name} under {limit} bytes")


def score(truth: SheetTruth, key: dict[str, str]) -> int:
    return sum(1 for lab, value in key.items() if truth.answers.get(lab) == [value])


def describe(name: str, truth: SheetTruth, key: dict[str, str]) -> list[str]:
    labels = sorted(key, key=label_sort_key)
    answers = ", ".join(f"{lab[1:]}:{'+'.join(truth.answers[lab]) or '-'}" for lab in labels)
    unusual = [f"{lab} {truth.kinds[lab]}" for lab in labels if truth.kinds[lab] != "full"]
    return [
        f"- `{name}`: student ID **{truth.student_id}**, score {score(truth, key)}/{len(key)}",
        f"  - intended answers: {answers}",
        f"  - not a clean fill: {', '.join(unusual) if unusual else 'none'}",
    ]


def make_printables(templates: list[Template]) -> None:
    PRINTABLE.mkdir(parents=True, exist_ok=True)
    for t in templates:
        out = PRINTABLE / f"{t.name}.pdf"
        save_printable_pdf(t, out, dpi=300)
        size = out.stat().st_size
        if size > MAX_PDF:
            raise RuntimeError(f"{out} is {size} bytes, over {MAX_PDF}")
        print(f"wrote {out.relative_to(ROOT)} ({size // 1024} KB)", file=sys.stderr)


def make_samples(t20: Template, t45: Template) -> None:
    SAMPLES.mkdir(parents=True, exist_ok=True)
    key20, key45 = answer_key(t20, 2020), answer_key(t45, 4545)
    (SAMPLES / "kr-20q-key.json").write_text(key_json(key20), encoding="utf-8")
    (SAMPLES / "kr-45q-key.json").write_text(key_json(key45), encoding="utf-8")
    lines20: list[str] = []
    for i in range(6):
        img, truth = mild_scan(
            t20, 100 + i, SAMPLE_DPI, key=key20, key_rate=0.75, student_id=f"2025{i + 1:04d}"
        )
        name = f"kr-20q-sample-{i + 1}.jpg"
        (SAMPLES / name).write_bytes(jpeg_bytes(img, MAX_SAMPLE, best=75))
        lines20 += describe(name, truth, key20)
    pages: list[np.ndarray] = []
    lines45: list[str] = []
    for i in range(3):
        img, truth = mild_scan(
            t45,
            200 + i,
            (PDF_DPI, PDF_DPI),
            key=key45,
            key_rate=0.7,
            student_id=f"2025{101 + i:04d}",
        )
        pages.append(img)
        lines45 += describe(f"page {i + 1}", truth, key45)
    pdf = SAMPLES / "kr-45q-samples.pdf"
    grey_pdf(pages, pdf, PDF_DPI, 285_000)
    (SAMPLES / "README.md").write_text(readme(lines20, lines45, key20), encoding="utf-8")
    for path in sorted(SAMPLES.iterdir()):
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KB)", file=sys.stderr)


def readme(lines20: list[str], lines45: list[str], key20: dict[str, str]) -> str:
    key_line = " ".join(
        f"{lab[1:]}:{v}" for lab, v in sorted(key20.items(), key=lambda kv: label_sort_key(kv[0]))
    )
    return "\n".join(
        [
            "# 샘플 답안지 / Sample answer sheets",
            "",
            "Synthetic scans of filled-in bundled sheets, so a new user can try grading",
            "straight away. 가상의 학생이 마킹한 답안지를 스캔한 것처럼 만든 파일입니다.",
            "Generated by `python bench/make_resources.py` (deterministic); do not edit by hand.",
            "",
            "## 20문항 / 20 questions: `kr-20q-sample-1.jpg` ... `kr-20q-sample-6.jpg`",
            "",
            "- Template / 양식: `resources/templates/kr-20q-5c-id8.json`",
            "- Answer key / 정답: `kr-20q-key.json` (1 point each; wrong and blank score 0)",
            f"- Key: {key_line}",
            "",
            "Intended answers (`question:value`, `-` = blank, `a+b` = two marks, graded as wrong):",
            "",
            *lines20,
            "",
            "## 45문항 / 45 questions: `kr-45q-samples.pdf` (3 pages, one student per page)",
            "",
            "- Template / 양식: `resources/templates/kr-45q-5c-id8.json`",
            "- Answer key / 정답: `kr-45q-key.json`",
            "",
            *lines45,
            "",
            "Erased marks (`erased`) are light smudges the student rubbed out, not answers.",
            "`partial` and `light_pencil` fills are real answers the program should still read",
            "(possibly flagged for review).",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only load and render the templates")
    args = parser.parse_args(argv)
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(FIXED_DATE))  # reproducible PDFs
    templates = [load_native(p) for p in sorted(TEMPLATES.glob("*.json"))]
    for t in templates:
        render_sheet(t, 50)
    if args.check:
        print(f"{len(templates)} templates OK", file=sys.stderr)
        return 0
    make_printables(templates)
    by_name = {t.name: t for t in templates}
    make_samples(by_name["kr-20q-5c-id8"], by_name["kr-45q-5c-id8"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
