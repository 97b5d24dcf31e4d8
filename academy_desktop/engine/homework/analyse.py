"""One entry point for a homework file, video or picture: :func:`analyse_file`.

The CLI (``main.py homework``), the workspace (``store.homework_batch``), the window and
the sync payload all use it, so its result is the homework analysis everywhere. It never
raises for a bad file: a refused or unreadable file gives ``verdict="unreadable"`` with
the rejection code and a bilingual message. Only
:class:`~academy_desktop.engine.progress.Cancelled` propagates.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final, Literal

from academy_desktop.engine.homework import image as hw_image
from academy_desktop.engine.homework import video as hw_video
from academy_desktop.engine.homework.segment import Method
from academy_desktop.engine.homework.verdict import image_verdict, page_score, rejected
from academy_desktop.engine.input_files import SUPPORTED_SUFFIXES
from academy_desktop.engine.progress import TaskState
from academy_desktop.engine.rejections import Rejection

Source = Literal["homework_video", "homework_image"]
SOURCE_VIDEO: Final = "homework_video"
SOURCE_IMAGE: Final = "homework_image"


def source_of(path: Path | str) -> Source:
    """``homework_video`` for a video (by its extension, or by its first bytes when the
    extension is not a known one), else ``homework_image`` (photos, scans, PDFs; a file
    that is neither is refused by the image reader with ``INVALID_FORMAT``)."""
    return homework_kind(path) or SOURCE_IMAGE


def homework_kind(path: Path | str) -> Source | None:
    """What a dropped file is for homework: ``homework_video`` (a known video extension,
    or a file without a known extension that starts like a video), ``homework_image``
    (a picture or PDF the page reader takes), or None (not a homework file)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in hw_video.VIDEO_EXTENSIONS:
        return SOURCE_VIDEO
    if suffix in SUPPORTED_SUFFIXES:
        return SOURCE_IMAGE
    return SOURCE_VIDEO if hw_video.looks_like_video(p) else None


def expand_inputs(inputs: Sequence[Path]) -> list[Path]:
    """Files as given; inside folders, the videos, pictures and PDFs (recursive, sorted,
    hidden files left out)."""
    out: list[Path] = []
    for path in inputs:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
                if child.is_file() and not hidden and homework_kind(child) is not None:
                    out.append(child)
        else:
            out.append(path)
    return out


def analyse_file(
    path: Path | str,
    *,
    ocr: bool = True,
    segmentation: Method = "auto",
    model_path: Path | str | None = None,
    sample_fps: float = 2.0,
    thumbnails: bool = True,
    task: TaskState | None = None,
    limits: hw_video.VideoLimits | None = None,
) -> dict[str, Any]:
    """Analyse a homework video or picture; never raises but for ``Cancelled``.

    Options: ``ocr``, ``segmentation`` and ``model_path`` apply to pictures (see
    :func:`.image.analyse_image`), ``sample_fps`` and ``limits`` to videos (see
    :func:`.video.analyze_video`); ``thumbnails`` keeps the pictures (PNG bytes): the
    video's key frames, the photo's page thumbnails. ``task`` receives progress 0..1
    and is checked for a cancel between frames/pages.

    Keys for every file:

    ==================  ==========================================================
    ``source``          ``"homework_video"`` or ``"homework_image"``
    ``file``            the file's name
    ``verdict``         ``wrote`` / ``little_writing`` / ``no_writing`` / ``unreadable``
    ``confidence``      0..1
    ``reason``          bilingual "한국어 / English" explanation of the verdict
    ``rejection_code``  the :class:`~academy_desktop.engine.rejections.Code` of an
                        ``unreadable`` file or page (``TOO_DARK``, ...) or None
    ==================  ==========================================================

    Videos add every key of :func:`.video.analyze_video`: the seed's ``total_frames``,
    ``sampled_frames``, ``avg_writing_score``, ``filled_ratio``, ``frames``,
    ``too_short``, and ``duration_s``, ``pages``, ``page_turns``, ``ink_gain``,
    ``frozen``, ``looped``, ``timeline`` (per page: start/end time, ink at start and
    end, gain, samples) and ``key_frames`` (``{page, which, index, time_s, png}``; without
    ``png`` when not ``thumbnails``).

    Pictures add ``pages`` (one entry per page of :func:`.image.analyse_image`, with
    ``thumbnail_png`` when ``thumbnails``; a rejected page is ``{index, rejected: {code,
    message}}``), ``page_count``, the best page's ``writing_score`` and
    ``calculation_score`` (the seed's keys; None when no page could be read) and
    ``ocr``: ``{text, confidence}`` over all pages (text joined by blank lines, the
    mean confidence of the pages with words; None without OCR).
    """
    p = Path(path)
    task = task or TaskState()
    source = source_of(p)
    head: dict[str, Any] = {"source": source, "file": p.name}
    if source == SOURCE_VIDEO:
        trust = p.suffix.lower() not in hw_video.VIDEO_EXTENSIONS
        result = hw_video.analyze_video(
            p, limits=limits, sample_fps=sample_fps, task=task, trust_content=trust
        )
        if not thumbnails:
            result["key_frames"] = [
                {k: v for k, v in f.items() if k != "png"} for f in result["key_frames"]
            ]
        return {**head, **result}
    try:
        result = hw_image.analyse_image(
            p,
            ocr=ocr,
            segmentation=segmentation,
            model_path=model_path,
            state=task,
            thumbnails=thumbnails,
        )
    except Rejection as rej:
        return {
            **head,
            "pages": [],
            "page_count": 0,
            "writing_score": None,
            "calculation_score": None,
            "ocr": None,
            **rejected(rej).as_dict(),
        }
    return {**head, **_image_summary(result["pages"], ocr)}


def _image_summary(pages: list[dict[str, Any]], ocr: bool) -> dict[str, Any]:
    read = [pg for pg in pages if page_score(pg) is not None]
    best = max(read, key=lambda pg: page_score(pg) or 0.0, default=None)
    text_pages = [pg["ocr"] for pg in read if isinstance(pg.get("ocr"), dict)]
    with_words = [o for o in text_pages if o.get("words")]
    ocr_summary = (
        {
            "text": "\n\n".join(o["text"] for o in text_pages if o.get("text")),
            "confidence": round(sum(o["confidence"] for o in with_words) / len(with_words), 4)
            if with_words
            else 0.0,
            "error": next((o["error"] for o in text_pages if o.get("error")), None),
        }
        if ocr and text_pages
        else None
    )
    return {
        "pages": pages,
        "page_count": len(pages),
        "writing_score": best["writing_score"] if best else None,
        "calculation_score": best["calculation_score"] if best else None,
        "ocr": ocr_summary,
        **image_verdict(pages).as_dict(),
    }


def to_jsonable(result: dict[str, Any]) -> dict[str, Any]:
    """A copy of an :func:`analyse_file` result that ``json.dumps`` accepts (pictures as
    base64 text)."""
    if result.get("source") == SOURCE_VIDEO:
        out = dict(result)
        out["key_frames"] = [
            {**f, "png": base64.b64encode(f["png"]).decode("ascii")} if "png" in f else dict(f)
            for f in result.get("key_frames", [])
        ]
        return out
    return hw_image.to_jsonable(result)


__all__ = ["SOURCE_IMAGE", "SOURCE_VIDEO", "analyse_file", "source_of", "to_jsonable"]
