"""OCR of homework photos: Tesseract (Korean + English) through pytesseract.

The program is looked up with :func:`academy_desktop.tesseract.find_tesseract` (the copy
bundled next to the app first, then the system's). Without Tesseract, or when it fails,
:func:`ocr` still returns a result: empty text, confidence 0 and a bilingual ``error``
message, so the rest of the analysis goes on.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from academy_desktop.tesseract import Tesseract, find_tesseract

LANG = "kor+eng"
OCR_TIMEOUT = 120  # seconds for one page
MISSING_MESSAGE = (
    "Tesseract OCR을 찾지 못해 글자 인식을 건너뛰었습니다. "
    "Tesseract(한국어 데이터 포함)를 설치하거나 앱과 함께 제공된 폴더를 확인해 주세요. / "
    "Tesseract OCR was not found, so text recognition was skipped. Install Tesseract "
    "with Korean language data, or check the copy shipped with the app."
)
FAILED_MESSAGE = "글자 인식에 실패했습니다. / Text recognition failed."

_LOCK = threading.Lock()  # pytesseract keeps the program path in a module global


def _run(engine: Tesseract, image: np.ndarray, lang: str, psm: int) -> dict[str, Any]:
    import pytesseract

    config = f"--psm {psm}"
    if engine.tessdata is not None:
        config += f' --tessdata-dir "{engine.tessdata}"'
    with _LOCK:
        pytesseract.pytesseract.tesseract_cmd = str(engine.executable)
        data = pytesseract.image_to_data(
            image,
            lang=lang,
            config=config,
            output_type=pytesseract.Output.DICT,
            timeout=OCR_TIMEOUT,
        )
    lines: dict[tuple[int, int, int], list[str]] = {}
    confidences: list[float] = []
    for word, conf, block, par, line in zip(
        data["text"],
        data["conf"],
        data["block_num"],
        data["par_num"],
        data["line_num"],
        strict=True,
    ):
        word = str(word).strip()
        conf = float(conf)
        if not word or conf < 0:
            continue
        lines.setdefault((int(block), int(par), int(line)), []).append(word)
        confidences.append(conf)
    text = "\n".join(" ".join(words) for _, words in sorted(lines.items()))
    confidence = float(np.mean(confidences)) / 100.0 if confidences else 0.0
    return {"text": text, "confidence": round(confidence, 4), "words": len(confidences)}


def ocr(
    image: np.ndarray,
    *,
    lang: str = LANG,
    psm: int = 6,
    tesseract: Tesseract | None = None,
) -> dict[str, Any]:
    """``{text, confidence, words, error}`` for a grey or BGR uint8 image.

    ``confidence`` is the mean word confidence in 0..1 (Tesseract's 0..100 / 100);
    ``error`` is None on success, else a bilingual message (nothing is raised).
    """
    engine = tesseract or find_tesseract()
    if engine is None:
        return {"text": "", "confidence": 0.0, "words": 0, "error": MISSING_MESSAGE}
    try:
        result = _run(engine, image, lang, psm)
    except Exception as exc:  # a broken install, missing language data, a timeout
        return {
            "text": "",
            "confidence": 0.0,
            "words": 0,
            "error": f"{FAILED_MESSAGE} ({type(exc).__name__}: {exc})",
        }
    result["error"] = None
    return result


__all__ = ["FAILED_MESSAGE", "LANG", "MISSING_MESSAGE", "ocr"]
