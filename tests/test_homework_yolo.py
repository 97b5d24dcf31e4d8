"""YOLO decoding: tiny ONNX models whose outputs are known constants (the input is ignored)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
from onnx import TensorProto, helper  # noqa: E402

from academy_desktop.engine.homework import yolo  # noqa: E402
from academy_desktop.engine.homework.segment import segment_questions  # noqa: E402


def _constant_model(path: Path, output: np.ndarray, size: int = 640) -> Path:
    """An ONNX model with a (1, 3, size, size) input whose output is always ``output``."""
    value = helper.make_tensor(
        "value", TensorProto.FLOAT, list(output.shape), output.astype(np.float32).ravel().tolist()
    )
    graph = helper.make_graph(
        [
            helper.make_node("Constant", [], ["const"], value=value),
            helper.make_node("Identity", ["const"], ["output0"]),
        ],
        "constant_yolo",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, size, size])],
        [helper.make_tensor_value_info("output0", TensorProto.FLOAT, list(output.shape))],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def _padded(rows: list[list[float]] | np.ndarray, n: int = 100) -> np.ndarray:
    """``rows`` followed by empty (score 0) candidates, as real models emit thousands."""
    rows = np.asarray(rows, dtype=np.float32)
    out = np.zeros((n, rows.shape[1]), dtype=np.float32)
    out[: len(rows)] = rows
    out[len(rows) :, :4] = (10.0, 10.0, 5.0, 5.0)
    return out


# An image of 1280 x 960 letterboxed to 640: ratio 0.5, 80 px of padding top and bottom.
IMAGE = np.full((960, 1280), 255, dtype=np.uint8)
# detections in model pixels (cx, cy, w, h) and what they are in the image (x, y, w, h)
LOW = (320.0, 480.0, 200.0, 100.0)  # image box (440, 700, 400, 200)
HIGH = (160.0, 200.0, 100.0, 60.0)  # image box (220, 180, 200, 120)
HIGH_DUP = (164.0, 202.0, 100.0, 60.0)  # overlaps HIGH (IoU > 0.5): suppressed
FAINT = (500.0, 300.0, 50.0, 50.0)  # below the 0.4 confidence


def test_letterbox_geometry():
    boxed, lb = yolo.letterbox(IMAGE, 640)
    assert boxed.shape == (640, 640, 3)
    assert lb.ratio == pytest.approx(0.5)
    assert (lb.pad_x, lb.pad_y) == (0.0, 80.0)
    assert (boxed[:80] == yolo.PAD_VALUE).all() and (boxed[80:560] == 255).all()


def test_v5_layout_with_objectness(tmp_path):
    # rows: cx, cy, w, h, objectness, class0, class1
    rows = _padded(
        [
            [*LOW, 0.9, 0.9, 0.1],  # 0.81, class 0
            [*HIGH, 0.95, 0.1, 0.95],  # 0.9025, class 1
            [*HIGH_DUP, 0.9, 0.1, 0.9],  # 0.81, class 1, suppressed by HIGH
            [*FAINT, 0.5, 0.6, 0.0],  # 0.3 < 0.4
        ]
    )
    model = _constant_model(tmp_path / "v5.onnx", rows[None])
    found = yolo.YoloDetector(model).detect(IMAGE)
    assert [d.box for d in found] == [(220, 180, 200, 120), (440, 700, 400, 200)]
    assert [d.class_id for d in found] == [1, 0]
    assert found[0].score == pytest.approx(0.9025, abs=1e-4)
    assert found[1].score == pytest.approx(0.81, abs=1e-4)


def test_v8_transposed_layout_without_objectness(tmp_path):
    # columns are detections; rows: cx, cy, w, h, class0 score
    dets = _padded([[*LOW, 0.7], [*HIGH, 0.95], [*HIGH_DUP, 0.85], [*FAINT, 0.39]])
    # an objectness-style reading would multiply by column 4 and keep no class at all
    model = _constant_model(tmp_path / "v8.onnx", dets.T[None])
    found = yolo.YoloDetector(model).detect(IMAGE)
    assert [d.box for d in found] == [(220, 180, 200, 120), (440, 700, 400, 200)]
    assert [round(d.score, 2) for d in found] == [0.95, 0.7]


def test_thresholds_are_configurable_and_nms_is_per_class():
    dets = _padded([[*HIGH, 0.95, 0.0], [*HIGH_DUP, 0.0, 0.85], [*FAINT, 0.39, 0.0]])
    _, lb = yolo.letterbox(IMAGE, 640)
    found = yolo.decode(dets.T[None], lb, (1280, 960), conf_threshold=0.3)
    # the overlapping boxes are different classes: both kept; the faint one passes 0.3
    assert len(found) == 3
    strict = yolo.decode(dets.T[None], lb, (1280, 960), iou_threshold=0.5, conf_threshold=0.9)
    assert [d.box for d in strict] == [(220, 180, 200, 120)]


def test_boxes_are_clipped_to_the_image():
    _, lb = yolo.letterbox(IMAGE, 640)
    dets = np.array([[630.0, 90.0, 40.0, 40.0, 0.9]])  # crosses the right and top edges
    (found,) = yolo.decode(dets.T[None], lb, (1280, 960), layout="v8")
    x, y, w, h = found.box
    assert x + w == 1280 and y == 0 and h == 60


def test_nms_keeps_best_of_overlapping():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30]], dtype=np.float32)
    assert yolo.nms(boxes, np.array([0.5, 0.9, 0.8]), 0.5) == [1, 2]


def test_auto_segmentation_uses_a_configured_model_and_falls_back(tmp_path):
    rows = _padded([[*LOW, 0.9, 0.9], [*HIGH, 0.9, 0.9]])
    model = _constant_model(tmp_path / "q.onnx", rows[None])
    boxes, used = segment_questions(IMAGE, "auto", model_path=model)
    assert used == "yolo"
    assert boxes == [(220, 180, 200, 120), (440, 700, 400, 200)]
    # a configured path that does not exist: OpenCV (nothing on a white page)
    boxes, used = segment_questions(IMAGE, "auto", model_path=tmp_path / "missing.onnx")
    assert (boxes, used) == ([], "opencv")
    with pytest.raises(FileNotFoundError):
        segment_questions(IMAGE, "yolo", model_path=tmp_path / "missing.onnx")


def test_find_model_searches_the_models_folder(tmp_path):
    assert yolo.find_model(app_folder=tmp_path) is None
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "questions.onnx").write_bytes(b"x")
    assert yolo.find_model(app_folder=tmp_path) == tmp_path / "models" / "questions.onnx"
