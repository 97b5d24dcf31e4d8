"""Synthetic homework media: short videos of a page being written on, and photos of
worksheets, for the homework engine's tests, the store/GUI/sync tests and the benches.

    from synth.homework_media import writing_video, blank_video, worked_photo
    video = writing_video(tmp_path / "w.mp4")                 # 6 s, 10 fps, 800x600
    photo = worked_photo(tmp_path / "p.png", seed=2)

Videos are written with OpenCV's ``mp4v`` encoder (always available in opencv-python).
The scene: a portrait page (printed worksheet lines) lying on a wooden desk, seen with a
slight perspective; unless ``jitter=False`` it drifts by a few pixels (a hand-held phone)
and has sensor noise. Handwriting strokes are short blue-pen scribbles laid out four to
a row, added one by one over the video. The page is drawn at :data:`PAGE` size and warped
into the frame; the frame ``size`` (w, h) scales the scene (the default 800x600 has the
seed's 600 px minimum short side).

Each video function returns its path. The expected verdict of each kind:

===============================  ===================================================
:func:`writing_video`            ``wrote``
:func:`little_writing_video`     ``little_writing``
:func:`blank_video`              ``no_writing`` (a worksheet nobody writes on)
:func:`static_photo_video`       ``no_writing`` and ``frozen`` (a written page, still)
:func:`page_turn_video`          ``wrote``, one page turn per extra page
:func:`hand_covering_video`      ``wrote`` (a hand over the page in some frames)
:func:`looped_video`             ``wrote`` and ``looped`` (the same clip repeated)
:func:`dark_video`               ``unreadable``, ``TOO_DARK``
:func:`blurred_video`            ``unreadable``, ``BLUR_OR_SHAKE``
:func:`short_video`              ``unreadable``, ``too_short``
:func:`corrupt_video`            ``unreadable``, ``INVALID_FORMAT`` (random bytes)
:func:`truncated_video`          never raises (half of a writing video's bytes)
===============================  ===================================================

Harder variants: ``writing_video(..., pencil=True, shake=3.0, flicker=0.15)`` (thin grey
strokes, a shaking camera, auto-exposure), ``writing_hand=True`` on the writing, little
writing, page-turn and blank videos (the writer's hand with a pen on the page in four
frames of five; on a blank page it pretends to write). ``bench/homework_accuracy.py``
runs them all.

Photos (:func:`worksheet`, :func:`worked_photo`, :func:`blank_worksheet_photo`) are an
A4 worksheet at 150 dpi (1240x1754): a title and four questions in Korean and English
(Nanum Gothic when installed, else ASCII text in OpenCV's Hershey font), with handwritten
working under each question when ``worked``. ``on_table=True`` photographs the sheet on
a dark table with perspective instead of a flat scan.

:func:`demo_set` writes a small mixed set named after the sample roster (for screenshots).
Only numpy, OpenCV and Pillow are used; nothing here depends on pytest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

Array = NDArray[Any]
Size = tuple[int, int]

FRAME: Size = (800, 600)  # default video frame (w, h)
PAGE: Size = (400, 566)  # the page as drawn, before it is warped into the frame
INK = (90, 40, 20)  # dark blue pen (BGR)
PENCIL = (105, 105, 110)  # graphite (BGR)
DESK = (70, 95, 120)  # wooden desk (BGR)
SKIN = (120, 150, 215)  # a hand (BGR)
PAPER = 235
# the page's corners in a 800x600 frame; other sizes scale these about the centre
_CORNERS_800x600 = np.array([[220, 30], [590, 40], [600, 570], [205, 560]], np.float32)

FONT_DIR = Path("/usr/share/fonts/truetype/nanum")
FONT = FONT_DIR / "NanumGothic.ttf"
SHEET: Size = (1240, 1754)  # A4 at 150 dpi
QUESTIONS = (
    "1. 다음을 계산하시오. 12 + 35 = ?",
    "2. Solve for x: 3x + 5 = 20",
    "3. 사과 7개 중 3개를 먹으면?",
    "4. Compute 48 ÷ 6 × 2",
)
QUESTIONS_ASCII = (
    "1. Compute 12 + 35 = ?",
    "2. Solve for x: 3x + 5 = 20",
    "3. 7 apples, 3 eaten: how many left?",
    "4. Compute 48 / 6 x 2",
)
QUESTION_Y = tuple(260 + i * 370 for i in range(4))  # top of each question line


# ----------------------------------------------------------------------------- drawing


def strokes(seed: int, count: int) -> list[Array]:
    """``count`` handwriting-like scribbles in page coordinates, in writing order
    (four per row, rows 45 px apart from the top of the page)."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(count):
        row, col = divmod(k, 4)
        x0, y0 = 40 + col * 85, 60 + (row % 10) * 45
        xs = x0 + np.linspace(0, 70, 12)
        ys = y0 + rng.integers(-12, 12, 12)
        out.append(np.stack([xs, ys], axis=1).astype(np.int32))
    return out


def page(written: Sequence[Array], printed: bool = False, pencil: bool = False) -> Array:
    """The page (BGR, :data:`PAGE` size) with ``written`` strokes (blue pen, or a thin
    grey ``pencil``); ``printed`` adds a worksheet's ruled lines (ink that is there from
    the start)."""
    img = np.full((PAGE[1], PAGE[0], 3), PAPER, np.uint8)
    if printed:
        for y in range(80, 540, 60):
            cv2.line(img, (30, y), (370, y), (120, 120, 120), 1)
    colour, width = (PENCIL, 1) if pencil else (INK, 2)
    for s in written:
        cv2.polylines(img, [s], False, colour, width, cv2.LINE_AA)
    return img


def page_corners(
    size: Size = FRAME, t: float = 0.0, jitter: bool = True, shake: float = 1.0
) -> Array:
    """Where the page lies in a frame of ``size`` at frame number ``t`` (drifting by
    ``3 * shake`` px at 600 px high when ``jitter``)."""
    w, h = size
    scale = h / FRAME[1]
    centre = np.array([FRAME[0] / 2, FRAME[1] / 2], np.float32)
    corners = (_CORNERS_800x600 - centre) * scale + np.array([w / 2, h / 2], np.float32)
    if jitter:
        corners = corners + np.array(
            [3 * shake * scale * np.sin(t / 3.0), 3 * shake * scale * np.cos(t / 4.0)],
            np.float32,
        )
    return corners.astype(np.float32)


def frame(
    page_img: Array,
    t: int,
    *,
    size: Size = FRAME,
    jitter: bool = True,
    seed: int = 0,
    hand: bool = False,
    pen: tuple[float, float] | None = None,
    light: float = 1.0,
    shake: float = 1.0,
) -> Array:
    """One video frame: ``page_img`` on the desk at frame number ``t``.

    ``hand`` puts a hand and arm over the lower half of the page; ``pen`` (a point in
    page coordinates) a writing hand whose pen tip is there, the arm out to the bottom
    right; ``light`` scales the brightness (auto-exposure, a lamp); ``shake`` scales the
    page's drift.
    """
    w, h = size
    out: Array = np.full((h, w, 3), DESK, np.uint8)
    src = np.array([[0, 0], [PAGE[0], 0], [PAGE[0], PAGE[1]], [0, PAGE[1]]], np.float32)
    m = cv2.getPerspectiveTransform(src, page_corners(size, t, jitter, shake))
    cv2.warpPerspective(page_img, m, (w, h), out, borderMode=cv2.BORDER_TRANSPARENT)
    if pen is not None:
        _writing_hand(out, m, pen, h / FRAME[1])
    if hand:
        scale = h / FRAME[1]
        centre = (round(w / 2 + 20 * scale), round(h / 2 + 120 * scale))
        axes = (round(150 * scale), round(90 * scale))
        cv2.ellipse(out, centre, axes, 10, 0, 360, SKIN, -1)
        # the arm, out to the bottom right corner of the frame
        arm = np.array(
            [
                [centre[0] + axes[0] // 2, centre[1] - axes[1] // 3],
                [w, h - round(140 * scale)],
                [w, h],
                [centre[0] + axes[0] // 3, h],
            ],
            np.int32,
        )
        cv2.fillPoly(out, [arm], SKIN)
    if light != 1.0:
        out = cv2.convertScaleAbs(out, alpha=light)
    if jitter:  # sensor noise: a window of a larger noise field, moved every frame
        bank = _noise_bank(w, h)
        rng = np.random.default_rng(seed * 100_003 + t)
        dy, dx = (int(v) for v in rng.integers(0, _NOISE_MARGIN, 2))
        out = cv2.add(out, bank[dy : dy + h, dx : dx + w], dtype=cv2.CV_8U)
    return out


def _writing_hand(out: Array, m: Array, pen: tuple[float, float], scale: float) -> None:
    """A hand holding a pen whose tip is at ``pen`` (page coordinates), drawn into the
    frame ``out`` (``m``: page to frame), with the forearm out of the bottom right."""
    h, w = out.shape[:2]
    tip = cv2.perspectiveTransform(np.array([[pen]], np.float32), m)[0, 0]
    tx, ty = float(tip[0]), float(tip[1])
    cv2.line(out, (round(tx), round(ty)), (round(tx + 28 * scale), round(ty + 30 * scale)),
             (40, 40, 40), max(2, round(4 * scale)))  # fmt: skip
    centre = (round(tx + 62 * scale), round(ty + 58 * scale))
    axes = (round(70 * scale), round(45 * scale))
    cv2.ellipse(out, centre, axes, 35, 0, 360, SKIN, -1)
    arm = np.array(
        [
            [centre[0] + 10 * scale, centre[1] - 25 * scale],
            [w + 40 * scale, h - 20 * scale],
            [w + 40 * scale, h + 60 * scale],
            [centre[0] - 15 * scale, centre[1] + 25 * scale],
        ],
        np.int32,
    )
    cv2.fillPoly(out, [arm], SKIN)


_NOISE_MARGIN = 64
_noise_banks: dict[Size, Array] = {}


def _noise_bank(w: int, h: int) -> Array:
    """Gaussian noise (sigma 2 grey levels) a little larger than a frame, made once per size."""
    bank = _noise_banks.get((w, h))
    if bank is None:
        rng = np.random.default_rng(12345)
        shape = (h + _NOISE_MARGIN, w + _NOISE_MARGIN, 3)
        bank = rng.normal(0.0, 2.0, shape).round().astype(np.int16)
        if len(_noise_banks) > 4:
            _noise_banks.clear()
        _noise_banks[(w, h)] = bank
    return bank


def write_video(path: Path | str, frames: Sequence[Array], fps: float = 10.0) -> Path:
    """Write BGR frames with the ``mp4v`` encoder; the folder is created."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, (w, h))
    if not writer.isOpened():
        raise OSError(f"OpenCV cannot write {path}")
    try:
        for f in frames:
            writer.write(f)
    finally:
        writer.release()
    return path


def _n(seconds: float, fps: float) -> int:
    return max(1, round(seconds * fps))


def _progressive(
    n: int,
    count: int,
    seed: int,
    *,
    size: Size,
    printed: bool,
    jitter: bool,
    done_at: float = 1.0,
    hand_at: Callable[[int], bool] | None = None,
    t0: int = 0,
    pencil: bool = False,
    pen_at: Callable[[int], bool] | None = None,
    light_at: Callable[[int], float] | None = None,
    shake: float = 1.0,
) -> list[Array]:
    """``n`` frames in which ``count`` strokes appear one after the other, all written
    by ``done_at`` (a share of the clip; 1.0: the last stroke at the very end).
    ``pen_at(i)``: a writing hand at the end of the newest stroke in frame ``i``;
    ``light_at(i)``: the brightness of frame ``i``."""
    all_strokes = strokes(seed, count)
    cache: dict[int, Array] = {}
    out = []
    for i in range(n):
        shown = min(count, int(count * i / max(1e-9, done_at * n)))
        if shown not in cache:
            cache[shown] = page(all_strokes[:shown], printed, pencil)
        pen = None
        if pen_at is not None and pen_at(i):
            tip = all_strokes[max(0, shown - 1)][-1] if count else np.array([200, 280])
            pen = (float(tip[0]), float(tip[1]))
        out.append(
            frame(
                cache[shown],
                t0 + i,
                size=size,
                jitter=jitter,
                seed=seed,
                hand=hand_at(i) if hand_at is not None else False,
                pen=pen,
                light=light_at(i) if light_at is not None else 1.0,
                shake=shake,
            )
        )
    return out


# ------------------------------------------------------------------------------ videos


def writing_video(
    path: Path | str,
    seconds: float = 6.0,
    fps: float = 10.0,
    size: Size = FRAME,
    seed: int = 0,
    *,
    count: int = 32,
    printed: bool = True,
    jitter: bool = True,
    pencil: bool = False,
    shake: float = 1.0,
    flicker: float = 0.0,
    writing_hand: bool = False,
) -> Path:
    """A worksheet on which ``count`` strokes appear one by one over the whole clip,
    the page drifting slightly. Expected: ``wrote``.

    ``pencil``: thin grey strokes; ``shake``: the drift times this; ``flicker``: the
    brightness swings by this share (0.15: ±15%, auto-exposure); ``writing_hand``: the
    writer's hand is on the page at the pen tip, lifted away in every fifth frame.
    """
    n = _n(seconds, fps)
    frames = _progressive(
        n,
        count,
        seed + 1,
        size=size,
        printed=printed,
        jitter=jitter,
        pencil=pencil,
        shake=shake,
        light_at=_flicker(flicker, seed) if flicker else None,
        pen_at=(lambda i: i % 5 != 4) if writing_hand else None,
    )
    return write_video(path, frames, fps)


def _flicker(amount: float, seed: int) -> Callable[[int], float]:
    phase = float(np.random.default_rng(seed).uniform(0, 6.28))
    return lambda i: 1.0 + amount * float(np.sin(i / 4.0 + phase))


def little_writing_video(
    path: Path | str,
    seconds: float = 6.0,
    fps: float = 10.0,
    size: Size = FRAME,
    seed: int = 0,
    *,
    count: int = 2,
    writing_hand: bool = False,
) -> Path:
    """Only ``count`` short strokes (a word or two) are added, in the first half.
    Expected: ``little_writing``. ``writing_hand``: see :func:`writing_video`."""
    frames = _progressive(
        _n(seconds, fps),
        count,
        seed + 1,
        size=size,
        printed=True,
        jitter=True,
        done_at=0.5,
        pen_at=(lambda i: i % 5 != 4) if writing_hand else None,
    )
    return write_video(path, frames, fps)


def blank_video(
    path: Path | str,
    seconds: float = 6.0,
    fps: float = 10.0,
    size: Size = FRAME,
    seed: int = 0,
    *,
    printed: bool = True,
    flicker: float = 0.0,
    writing_hand: bool = False,
) -> Path:
    """A worksheet (``printed``) or a clean page that nobody writes on, filmed hand-held.
    Expected: ``no_writing``, not frozen. ``flicker``: see :func:`writing_video`;
    ``writing_hand``: a hand with a pen moves over the page (pretending) without writing.
    """
    blank = page([], printed)
    light = _flicker(flicker, seed) if flicker else None
    tips = [(float(s[-1][0]), float(s[-1][1])) for s in strokes(seed, 32)]
    frames = [
        frame(
            blank,
            t,
            size=size,
            seed=seed,
            light=light(t) if light else 1.0,
            pen=tips[t % 32] if writing_hand else None,
        )
        for t in range(_n(seconds, fps))
    ]
    return write_video(path, frames, fps)


def static_photo_video(
    path: Path | str,
    seconds: float = 6.0,
    fps: float = 10.0,
    size: Size = FRAME,
    seed: int = 0,
    *,
    count: int = 32,
) -> Path:
    """A finished page filmed as a still picture (every frame identical, no noise).
    Expected: ``no_writing`` with ``frozen``, although the page is written."""
    still = frame(page(strokes(seed + 2, count), True), 0, size=size, jitter=False)
    return write_video(path, [still] * _n(seconds, fps), fps)


def page_turn_video(
    path: Path | str,
    seconds: float = 6.0,
    fps: float = 10.0,
    size: Size = FRAME,
    seed: int = 0,
    *,
    pages: int = 2,
    count: int = 28,
    writing_hand: bool = False,
) -> Path:
    """``pages`` pages one after the other: each starts blank (a page turn) and gets
    ``count`` strokes. Expected: ``wrote`` with ``pages - 1`` page turns.
    ``writing_hand``: see :func:`writing_video`."""
    n = _n(seconds, fps)
    per_page = max(2, n // pages)
    frames: list[Array] = []
    for p in range(pages):
        length = per_page if p < pages - 1 else n - per_page * (pages - 1)
        frames += _progressive(
            length,
            count,
            seed * 10 + 3 + p,
            size=size,
            printed=False,
            jitter=True,
            done_at=0.85,
            t0=p * per_page,
            pen_at=(lambda i: i % 5 != 4) if writing_hand else None,
        )
    return write_video(path, frames, fps)


def hand_covering_video(
    path: Path | str,
    seconds: float = 6.0,
    fps: float = 10.0,
    size: Size = FRAME,
    seed: int = 0,
    *,
    count: int = 32,
    every: int = 3,
) -> Path:
    """Writing as in :func:`writing_video`, with a hand (and arm) over the lower half of
    the page in every ``every``-th frame (frames 0, ``every``, ...). Expected: ``wrote``
    and those frames flagged ``hand_covered``."""
    frames = _progressive(
        _n(seconds, fps),
        count,
        seed + 5,
        size=size,
        printed=False,
        jitter=True,
        hand_at=lambda i: i % every == 0,
    )
    return write_video(path, frames, fps)


def looped_video(
    path: Path | str,
    seconds: float = 4.0,
    fps: float = 10.0,
    size: Size = FRAME,
    seed: int = 0,
    *,
    repeats: int = 3,
    count: int = 32,
) -> Path:
    """A ``seconds`` writing clip played ``repeats`` times in a row. Expected:
    ``looped`` (the verdict's confidence is lowered)."""
    clip = _progressive(_n(seconds, fps), count, seed + 8, size=size, printed=True, jitter=True)
    return write_video(path, clip * repeats, fps)


def dark_video(
    path: Path | str,
    seconds: float = 4.0,
    fps: float = 10.0,
    size: Size = FRAME,
    seed: int = 0,
    *,
    brightness: float = 0.12,
) -> Path:
    """Writing filmed with almost no light (every pixel times ``brightness``).
    Expected: ``unreadable`` with ``TOO_DARK``."""
    frames = _progressive(_n(seconds, fps), 32, seed + 6, size=size, printed=False, jitter=True)
    return write_video(path, [(f * brightness).astype(np.uint8) for f in frames], fps)


def blurred_video(
    path: Path | str,
    seconds: float = 4.0,
    fps: float = 10.0,
    size: Size = FRAME,
    seed: int = 0,
    *,
    sigma: float = 0.0,
) -> Path:
    """Writing filmed out of focus (a Gaussian blur, 31 px at 600 px high; ``sigma`` 0:
    OpenCV's default for the kernel). Expected: ``unreadable`` with ``BLUR_OR_SHAKE``."""
    k = (round(31 * size[1] / FRAME[1]) // 2) * 2 + 1
    frames = _progressive(_n(seconds, fps), 32, seed + 9, size=size, printed=False, jitter=True)
    return write_video(path, [cv2.GaussianBlur(f, (k, k), sigma) for f in frames], fps)


def short_video(
    path: Path | str,
    frames: int = 10,
    fps: float = 10.0,
    size: Size = FRAME,
    seed: int = 0,
) -> Path:
    """Only ``frames`` frames (below the seed's 30). Expected: ``unreadable`` with
    ``too_short``."""
    clip = _progressive(frames, frames, seed + 7, size=size, printed=False, jitter=True)
    return write_video(path, clip, fps)


def corrupt_video(path: Path | str, n_bytes: int = 50_000, seed: int = 0) -> Path:
    """Random bytes with a video's name. Expected: ``unreadable``, ``INVALID_FORMAT``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(np.random.default_rng(seed).integers(0, 256, n_bytes, np.uint8).tobytes())
    return path


def truncated_video(path: Path | str, keep: float = 0.5, seed: int = 0, **kw: Any) -> Path:
    """The first ``keep`` share of the bytes of a :func:`writing_video` (a copy cut off
    mid-transfer; ``kw`` go to :func:`writing_video`). The analysis must not raise."""
    path = Path(path)
    whole = writing_video(path.with_name(path.stem + ".whole" + path.suffix), seed=seed, **kw)
    data = whole.read_bytes()
    whole.unlink()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


# ------------------------------------------------------------------------------ photos


def _pil_font(size: int) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT), size) if FONT.is_file() else None


def has_korean_font() -> bool:
    """Whether Nanum Gothic is installed (else worksheets are drawn in ASCII)."""
    return FONT.is_file()


def worksheet(*, worked: bool, seed: int = 0, answered: int = 4) -> Array:
    """A printed A4 worksheet (grey, :data:`SHEET` size): a title and four questions
    starting at :data:`QUESTION_Y`; ``worked`` adds handwritten working (a script font
    with thick strokes) in four lines under the first ``answered`` questions."""
    w, h = SHEET
    if has_korean_font():
        from PIL import Image, ImageDraw

        im = Image.new("L", (w, h), 255)
        draw = ImageDraw.Draw(im)
        draw.text((100, 80), "수학 숙제 Homework 3", font=_pil_font(48), fill=0)
        body = _pil_font(34)
        for text, y in zip(QUESTIONS, QUESTION_Y, strict=True):
            draw.text((100, y), text, font=body, fill=0)
        gray = np.array(im)
    else:
        gray = np.full((h, w), 255, np.uint8)
        cv2.putText(gray, "Homework 3", (100, 128), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 0, 3)
        for text, y in zip(QUESTIONS_ASCII, QUESTION_Y, strict=True):
            cv2.putText(gray, text, (100, y + 32), cv2.FONT_HERSHEY_SIMPLEX, 1.1, 0, 2)
    if worked:
        rng = np.random.default_rng(seed)
        for y0 in QUESTION_Y[: max(0, answered)]:
            for line in range(4):
                y = y0 + 70 + line * 60
                x = 160
                while x < 900:
                    mark = f"{rng.integers(0, 999)}{rng.choice(['+', '-', '=', 'x'])}"
                    cv2.putText(
                        gray,
                        mark,
                        (x, y + 40),
                        cv2.FONT_HERSHEY_SCRIPT_SIMPLEX,
                        1.3,
                        30,
                        3,
                        cv2.LINE_AA,
                    )
                    x += int(rng.integers(120, 200))
    return gray


def on_table(sheet: Array, size: Size = (1500, 2000)) -> Array:
    """``sheet`` photographed on a dark table, slightly turned and in perspective."""
    w, h = size
    photo = np.full((h, w), 60, np.uint8)
    sh, sw = sheet.shape[:2]
    src = np.array([[0, 0], [sw - 1, 0], [sw - 1, sh - 1], [0, sh - 1]], np.float32)
    dst = np.array(
        [[0.2 * w, 0.1 * h], [0.82 * w, 0.13 * h], [0.8 * w, 0.9 * h], [0.17 * w, 0.87 * h]],
        np.float32,
    )
    m = cv2.getPerspectiveTransform(src, dst)
    cv2.warpPerspective(sheet, m, (w, h), photo, borderMode=cv2.BORDER_TRANSPARENT)
    return photo


def _save_photo(path: Path | str, gray: Array, table: bool) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    img = on_table(gray) if table else gray
    params = [cv2.IMWRITE_JPEG_QUALITY, 92] if path.suffix.lower() in {".jpg", ".jpeg"} else []
    if not cv2.imwrite(str(path), img, params):
        raise OSError(f"OpenCV cannot write {path}")
    return path


def worked_photo(
    path: Path | str, seed: int = 0, *, table: bool = False, answered: int = 4
) -> Path:
    """A worked worksheet (see :func:`worksheet`) saved as an image (the format follows
    the suffix: .png, .jpg, ...). Expected: a high writing score, verdict ``wrote``
    (``answered=2``: ``little_writing``, ``answered=1``: ``no_writing``)."""
    return _save_photo(path, worksheet(worked=True, seed=seed, answered=answered), table)


def blank_worksheet_photo(path: Path | str, *, table: bool = False) -> Path:
    """A printed worksheet with nothing written in. Expected: a low writing score,
    verdict ``no_writing``."""
    return _save_photo(path, worksheet(worked=False), table)


# ---------------------------------------------------------------------------- demo set


def demo_set(folder: Path | str) -> list[Path]:
    """A small mixed set named after the sample roster (``resources/samples/roster.csv``):
    writing, a little writing, a blank page, page turns, a dark video and two photos."""
    folder = Path(folder)
    return [
        writing_video(folder / "20250001_3단원.mp4", seconds=12, seed=1, writing_hand=True),
        little_writing_video(folder / "20250002_3단원.mp4", seconds=10, seed=2),
        blank_video(folder / "20250003_3단원.mp4", seconds=10, seed=3),
        page_turn_video(folder / "20250004_3단원.mp4", seconds=14, seed=4),
        dark_video(folder / "20250005_3단원.mp4", seconds=6, seed=5),
        worked_photo(folder / "숙제사진_강별.jpg", seed=6, table=True),
        blank_worksheet_photo(folder / "IMG_0042.jpg"),
    ]


__all__ = [
    "FRAME",
    "PAGE",
    "QUESTION_Y",
    "SHEET",
    "blank_video",
    "blank_worksheet_photo",
    "blurred_video",
    "corrupt_video",
    "dark_video",
    "demo_set",
    "frame",
    "hand_covering_video",
    "has_korean_font",
    "little_writing_video",
    "looped_video",
    "on_table",
    "page",
    "page_corners",
    "page_turn_video",
    "short_video",
    "static_photo_video",
    "strokes",
    "truncated_video",
    "worked_photo",
    "worksheet",
    "write_video",
    "writing_video",
]
