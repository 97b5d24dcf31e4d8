"""``main.py --self-test``: every check passes on a good installation, and each one
fails when what it checks is broken (the frozen bundle is checked by .ci/package)."""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from academy_desktop import selftest, tesseract
from academy_desktop.resources import MODELS_ENV, RESOURCES_ENV
from academy_desktop.store import Workspace

REPO_ROOT = Path(__file__).resolve().parents[1]
CHECKS = [
    "bundle data",
    "workspace",
    "grading",
    "onnx models",
    "keyring",
    "ocr",
    "homework video",
    "main window",
]


def _run_main(tmp_path: Path, report: Path, **env_extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **env_extra)
    env["ACADEMY_DESKTOP_CONFIG"] = str(tmp_path / "config")
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "main.py"), "--self-test", str(report)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
    )


def _statuses(report: str) -> dict[str, str]:
    """check name -> "ok" or "FAIL", from the report's lines."""
    out = {}
    for line in report.splitlines()[1:-1]:
        mark, rest = line.split(maxsplit=1)
        name = next(c for c in CHECKS if rest.startswith(c))
        out[name] = mark
    return out


def test_self_test_passes_and_writes_its_report(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    proc = _run_main(tmp_path, report)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = report.read_text(encoding="utf-8")
    assert text == proc.stdout
    assert _statuses(text) == dict.fromkeys(CHECKS, "ok")
    assert f"self-test passed: {len(CHECKS)} checks" in text
    assert "4 sample pages graded as expected" in text
    assert "catalogues academy_ko, qtbase_ko" in text
    assert (tmp_path / "report.txt.png").stat().st_size > 10_000  # the window's picture


def test_self_test_fails_without_its_data(tmp_path: Path) -> None:
    """A bundle that lacks a data file (here the Korean catalogue) fails, with a reason."""
    resources = tmp_path / "resources"
    shutil.copytree(REPO_ROOT / "resources", resources, ignore=shutil.ignore_patterns("i18n"))
    report = tmp_path / "report.txt"
    proc = _run_main(tmp_path, report, **{RESOURCES_ENV: str(resources)})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    text = report.read_text(encoding="utf-8")
    statuses = _statuses(text)
    assert statuses["bundle data"] == "FAIL" and "academy_ko.qm" in text
    assert statuses["main window"] == "FAIL"
    assert statuses["grading"] == "ok"
    assert "self-test FAILED: bundle data, main window" in text


# --- the checks one by one (in-process, no window) -------------------------------------


def test_a_failing_check_is_reported_and_the_others_still_run() -> None:
    test = selftest.SelfTest()

    def broken() -> str:
        raise ImportError(
            "\n\nIMPORTANT: PLEASE READ THIS\nlong advice\nOriginal error was: x.so\n"
        )

    assert not test.run("first", broken)
    assert test.run("second", lambda: "fine")
    assert not test.run("third", lambda: selftest._raise("wrong answer"))
    assert not test.passed
    first, second, third = test.checks
    assert first.detail.startswith("ImportError: IMPORTANT: PLEASE READ THIS ... Original error")
    assert "at test_selftest.py:" in first.detail
    assert second.ok and second.detail == "fine"
    assert third.detail == "wrong answer"
    report = selftest.format_report(test, 1.0)
    assert report.splitlines()[1].split()[0] == "FAIL"
    assert report.splitlines()[-1] == "self-test FAILED: first, third (1.0 s)"


def test_main_returns_1_and_writes_the_report_when_a_check_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fake_run(window_check: object, *, keep_picture: Path | None) -> selftest.SelfTest:
        test = selftest.SelfTest()
        test.run("ok one", lambda: "fine")
        test.run("bad one", lambda: selftest._raise("broken"))
        return test

    monkeypatch.setattr(selftest, "run_checks", fake_run)
    out = io.StringIO()
    report = tmp_path / "r.txt"
    assert selftest.main(report=report, out=out) == 1
    assert out.getvalue() == report.read_text(encoding="utf-8")
    assert "FAIL bad one" in out.getvalue()


def test_bundle_data_names_missing_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(RESOURCES_ENV, str(tmp_path))
    with pytest.raises(selftest.CheckFailed, match=r"kr-20q-5c-id8\.json"):
        selftest.check_bundle_data()


def test_grading_must_match_the_samples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    jpeg_only = selftest.SAMPLES[0]
    with Workspace.open(tmp_path / "ws", staff="t") as ws:
        monkeypatch.setattr(selftest, "SAMPLES", (jpeg_only,))
        assert "1 sample pages graded as expected" in selftest.check_grading(ws)
        wrong = selftest.SampleBatch(
            "other exam",
            jpeg_only.template,
            jpeg_only.key,
            jpeg_only.scan,
            (("20250001", 12.0),),
            1,
        )
        monkeypatch.setattr(selftest, "SAMPLES", (wrong,))
        with pytest.raises(selftest.CheckFailed, match=r"expected \[\('ok', '20250001', 12.0\)\]"):
            selftest.check_grading(ws)


def test_onnx_loads_every_model_and_fails_on_a_broken_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MODELS_ENV, str(tmp_path))
    assert selftest.check_onnx().endswith("no models in models/")
    (tmp_path / "square.onnx").write_bytes(selftest.square_model())
    assert "square.onnx (1 inputs)" in selftest.check_onnx()
    (tmp_path / "broken.onnx").write_bytes(b"not a model")
    with pytest.raises(selftest.CheckFailed, match=r"^broken.onnx: "):
        selftest.check_onnx()


def test_keyring_loads() -> None:
    assert selftest.check_keyring().startswith("backend keyring.backends.")


def _fake_tesseract(folder: Path, langs: list[str], reads: str) -> Path:
    """A stand-in ``tesseract`` program (a shell script) for the OCR check."""
    folder.mkdir(parents=True)
    (folder / "tessdata").mkdir()
    exe = folder / "tesseract"
    listing = "\\n".join(langs)
    exe.write_text(
        "#!/bin/sh\n"
        'case "$1" in\n'
        '  --version) echo "tesseract 9.9.9" ;;\n'
        f'  --list-langs) printf "List of available languages in tessdata (2):\\n{listing}\\n" ;;\n'
        f'  *) [ -n "$TESSDATA_PREFIX" ] && echo "{reads}" ;;\n'
        "esac\n"
    )
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    return folder


@pytest.mark.skipif(sys.platform == "win32", reason="the stand-in program is a shell script")
def test_ocr_uses_the_bundled_tesseract_and_checks_what_it_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(tesseract.TESSERACT_ENV, raising=False)
    app = tmp_path / "app"
    _fake_tesseract(app / "tesseract", ["eng", "kor"], "ACADEMY  2026")
    monkeypatch.setattr(tesseract, "app_dir", lambda: app)
    detail = selftest.check_ocr(tmp_path)
    assert detail.startswith("bundled tesseract 9.9.9 at ") and "(eng, kor)" in detail

    _fake_tesseract(tmp_path / "misreads", ["eng", "kor"], "ACADEMV 2O26")
    monkeypatch.setenv(tesseract.TESSERACT_ENV, str(tmp_path / "misreads"))
    with pytest.raises(selftest.CheckFailed, match="read 'ACADEMV 2O26'"):
        selftest.check_ocr(tmp_path)


@pytest.mark.skipif(sys.platform == "win32", reason="the stand-in program is a shell script")
def test_ocr_needs_korean_in_a_bundled_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(tesseract.TESSERACT_ENV, raising=False)
    app = tmp_path / "app"
    _fake_tesseract(app / "tesseract", ["eng"], "ACADEMY 2026")
    monkeypatch.setattr(tesseract, "app_dir", lambda: app)
    with pytest.raises(selftest.CheckFailed, match="bundled tessdata lacks kor"):
        selftest.check_ocr(tmp_path)


def test_ocr_is_skipped_without_tesseract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(tesseract.TESSERACT_ENV, raising=False)
    monkeypatch.setattr(tesseract, "app_dir", lambda: tmp_path)
    monkeypatch.setattr(tesseract, "_windows_install_dirs", list)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert selftest.check_ocr(tmp_path) == "skipped: no Tesseract installed"


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")
def test_ocr_with_the_system_tesseract(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(tesseract.TESSERACT_ENV, raising=False)
    monkeypatch.setattr(tesseract, "app_dir", lambda: tmp_path)  # no bundled copy here
    assert selftest.check_ocr(tmp_path).startswith("system tesseract ")


def test_square_model_is_a_valid_onnx_model() -> None:
    import numpy as np
    import onnxruntime as ort

    session = ort.InferenceSession(selftest.square_model(), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["x"]
    (y,) = session.run(None, {"x": np.array([-2.0, 0.5, 3.0], dtype=np.float32)})
    assert y.tolist() == [4.0, 0.25, 9.0]


# --- finding Tesseract (academy_desktop/tesseract.py) ----------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="the stand-in program is a shell script")
def test_tesseract_lookup_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(tesseract.TESSERACT_ENV, raising=False)
    system = _fake_tesseract(tmp_path / "system-bin", ["eng"], "")
    monkeypatch.setenv("PATH", str(system))
    app = tmp_path / "app"
    app.mkdir()
    found = tesseract.find_tesseract(app_folder=app)
    assert found is not None and found.source == "system" and found.tessdata is None
    assert "TESSDATA_PREFIX" not in found.environment({"PATH": "x"})

    bundled = _fake_tesseract(app / "tesseract", ["eng", "kor"], "")
    found = tesseract.find_tesseract(app_folder=app)  # the copy beside the app comes first
    assert found == tesseract.Tesseract(bundled / "tesseract", "bundled", bundled / "tessdata")
    assert found.environment({})["TESSDATA_PREFIX"] == str(bundled / "tessdata")
    assert found.languages() == ["eng", "kor"]

    other = _fake_tesseract(tmp_path / "support", ["eng"], "")
    monkeypatch.setenv(tesseract.TESSERACT_ENV, str(other / "tesseract"))  # the program itself
    found = tesseract.find_tesseract(app_folder=app)
    assert found is not None and (found.source, found.executable) == ("env", other / "tesseract")

    monkeypatch.setenv(tesseract.TESSERACT_ENV, str(tmp_path / "nowhere"))
    assert tesseract.find_tesseract(app_folder=app) is None  # a wrong override is not ignored


def test_tesseract_from_a_frozen_linux_app_gets_the_outside_library_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    t = tesseract.Tesseract(Path("/usr/bin/tesseract"), "system")
    inside = {"LD_LIBRARY_PATH": "/app/_internal", "LD_LIBRARY_PATH_ORIG": "/opt/lib", "A": "1"}
    monkeypatch.setattr(tesseract, "is_frozen", lambda: True)
    if sys.platform != "win32":
        assert t.environment(inside) == {"LD_LIBRARY_PATH": "/opt/lib", "A": "1"}
        assert t.environment({"LD_LIBRARY_PATH": "/app/_internal"}) == {}
    monkeypatch.setattr(tesseract, "is_frozen", lambda: False)
    assert t.environment(inside) == inside


def test_tesseract_failure_is_an_error(tmp_path: Path) -> None:
    t = tesseract.Tesseract(tmp_path / "missing-tesseract", "env")
    with pytest.raises(tesseract.TesseractError, match="missing-tesseract"):
        t.version()
