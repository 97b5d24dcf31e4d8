"""Question boxes from a YOLO detector exported to ONNX, run on the CPU with onnxruntime.

Both common output layouts are decoded:

- **v5-style** ``(1, N, 5 + classes)``: ``cx, cy, w, h, objectness, class scores...``;
  a detection's score is ``objectness * class score``.
- **v8-style** ``(1, 4 + classes, N)`` (transposed, no objectness):
  ``cx, cy, w, h, class scores...``.

``layout="auto"`` tells them apart by shape: a v8 output has far fewer rows than
columns (it is channels-first), a v5 output the other way round.

The image is letterboxed (scaled to fit, padded with grey 114) to the model's square
input; boxes are mapped back to the original image, clipped, and filtered by
per-class non-maximum suppression. Defaults follow the seed: input 640, confidence
0.4, IoU 0.5.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np

from academy_desktop.tesseract import app_dir

INPUT_SIZE = 640
CONF_THRESHOLD = 0.4
IOU_THRESHOLD = 0.5
PAD_VALUE = 114
MODELS_DIR = "models"

Layout = Literal["auto", "v5", "v8"]
Box = tuple[int, int, int, int]  # x, y, w, h in original-image pixels


@dataclass(frozen=True)
class Letterbox:
    """How an image was fitted into the model input: ``model = original * ratio + pad``."""

    ratio: float
    pad_x: float
    pad_y: float


@dataclass(frozen=True)
class Detection:
    box: Box
    score: float
    class_id: int


def letterbox(image: np.ndarray, size: int = INPUT_SIZE) -> tuple[np.ndarray, Letterbox]:
    """``image`` (2-D grey or BGR) scaled to fit ``size`` x ``size`` and centred on grey."""
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    h, w = image.shape[:2]
    ratio = min(size / w, size / h)
    new_w, new_h = max(1, round(w * ratio)), max(1, round(h * ratio))
    resized = cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_AREA)
    pad_x, pad_y = (size - new_w) / 2, (size - new_h) / 2
    left, top = round(pad_x - 0.1), round(pad_y - 0.1)
    out = np.full((size, size, 3), PAD_VALUE, dtype=np.uint8)
    out[top : top + new_h, left : left + new_w] = resized
    return out, Letterbox(ratio, float(left), float(top))


def _candidates(output: np.ndarray, layout: Layout) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(xyxy boxes in model pixels, scores, class ids) from a raw output tensor."""
    arr = np.asarray(output, dtype=np.float32)
    while arr.ndim > 2 and arr.shape[0] == 1:
        arr = arr[0]
    if arr.ndim != 2:
        raise ValueError(f"unexpected YOLO output shape {output.shape}")
    if layout == "auto":
        layout = "v8" if arr.shape[0] < arr.shape[1] else "v5"
    if layout == "v8":
        arr = arr.T
        if arr.shape[1] < 5:
            raise ValueError(f"v8 output needs 4 + classes channels, got {arr.shape[1]}")
        class_scores = arr[:, 4:]
    else:
        if arr.shape[1] < 6:
            raise ValueError(f"v5 output needs 5 + classes columns, got {arr.shape[1]}")
        class_scores = arr[:, 5:] * arr[:, 4:5]
    class_ids = np.argmax(class_scores, axis=1)
    scores = class_scores[np.arange(len(arr)), class_ids]
    cx, cy, w, h = arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3]
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
    return boxes, scores, class_ids


def nms(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float) -> list[int]:
    """Indices of the boxes (xyxy) kept by greedy non-maximum suppression, best first."""
    order = list(np.argsort(-scores, kind="stable"))
    areas = np.clip(boxes[:, 2] - boxes[:, 0], 0, None) * np.clip(
        boxes[:, 3] - boxes[:, 1], 0, None
    )
    keep: list[int] = []
    while order:
        best = order.pop(0)
        keep.append(int(best))
        if not order:
            break
        rest = np.array(order)
        x1 = np.maximum(boxes[best, 0], boxes[rest, 0])
        y1 = np.maximum(boxes[best, 1], boxes[rest, 1])
        x2 = np.minimum(boxes[best, 2], boxes[rest, 2])
        y2 = np.minimum(boxes[best, 3], boxes[rest, 3])
        inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
        union = areas[best] + areas[rest] - inter
        iou = np.where(union > 0, inter / np.maximum(union, 1e-9), 0.0)
        order = [int(i) for i, v in zip(rest, iou, strict=True) if v <= iou_threshold]
    return keep


def decode(
    output: np.ndarray,
    lb: Letterbox,
    image_size: tuple[int, int],
    *,
    conf_threshold: float = CONF_THRESHOLD,
    iou_threshold: float = IOU_THRESHOLD,
    layout: Layout = "auto",
) -> list[Detection]:
    """Detections in original-image pixels (``image_size`` = (width, height)), sorted (y, x)."""
    boxes, scores, class_ids = _candidates(output, layout)
    mask = scores >= conf_threshold
    boxes, scores, class_ids = boxes[mask], scores[mask], class_ids[mask]
    if len(boxes) == 0:
        return []
    width, height = image_size
    boxes = boxes.copy()
    boxes[:, [0, 2]] = np.clip((boxes[:, [0, 2]] - lb.pad_x) / lb.ratio, 0, width)
    boxes[:, [1, 3]] = np.clip((boxes[:, [1, 3]] - lb.pad_y) / lb.ratio, 0, height)
    found: list[Detection] = []
    for cls in np.unique(class_ids):
        idx = np.flatnonzero(class_ids == cls)
        for k in nms(boxes[idx], scores[idx], iou_threshold):
            x1, y1, x2, y2 = boxes[idx[k]]
            box = (round(x1), round(y1), round(x2 - x1), round(y2 - y1))
            if box[2] > 0 and box[3] > 0:
                found.append(Detection(box, float(scores[idx[k]]), int(cls)))
    found.sort(key=lambda d: (d.box[1], d.box[0]))
    return found


class YoloDetector:
    """An ONNX YOLO model loaded once and run on as many images as needed."""

    def __init__(
        self,
        model_path: Path | str,
        *,
        input_size: int = INPUT_SIZE,
        conf_threshold: float = CONF_THRESHOLD,
        iou_threshold: float = IOU_THRESHOLD,
        layout: Layout = "auto",
    ) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.log_severity_level = 3  # errors only
        self.session: Any = ort.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        model_input = self.session.get_inputs()[0]
        self.input_name: str = model_input.name
        shape = model_input.shape
        # a static square input wins over the default size
        if len(shape) == 4 and isinstance(shape[2], int) and shape[2] == shape[3]:
            input_size = int(shape[2])
        self.input_size = input_size
        self.conf_threshold = conf_threshold
        self.iou_threshold = iou_threshold
        self.layout: Layout = layout

    def detect(self, image: np.ndarray) -> list[Detection]:
        """Detections on a grey or BGR image, in its pixels, sorted top to bottom."""
        boxed, lb = letterbox(image, self.input_size)
        rgb = cv2.cvtColor(boxed, cv2.COLOR_BGR2RGB)
        tensor = np.ascontiguousarray(rgb.transpose(2, 0, 1)[None], dtype=np.float32) / 255.0
        output = self.session.run(None, {self.input_name: tensor})[0]
        h, w = image.shape[:2]
        return decode(
            output,
            lb,
            (w, h),
            conf_threshold=self.conf_threshold,
            iou_threshold=self.iou_threshold,
            layout=self.layout,
        )

    def boxes(self, image: np.ndarray) -> list[Box]:
        return [d.box for d in self.detect(image)]


def find_model(
    configured: Path | str | None = None, *, app_folder: Path | None = None
) -> Path | None:
    """The YOLO model to use: ``configured`` (a settings path) when it exists, else the
    first ``*.onnx`` in the app's ``models/`` folder, else None."""
    if configured:
        path = Path(configured).expanduser()
        return path if path.is_file() else None
    folder = (app_folder or app_dir()) / MODELS_DIR
    if folder.is_dir():
        models = sorted(folder.glob("*.onnx"))
        if models:
            return models[0]
    return None


__all__ = [
    "CONF_THRESHOLD",
    "INPUT_SIZE",
    "IOU_THRESHOLD",
    "Box",
    "Detection",
    "Letterbox",
    "YoloDetector",
    "decode",
    "find_model",
    "letterbox",
    "nms",
]
