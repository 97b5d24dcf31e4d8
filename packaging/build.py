"""Build Academy Desktop's one-folder bundle and its Windows installer.

    python packaging/build.py bundle [--tesseract DIR] [--msvc-runtime DIR]
    python packaging/build.py self-test          # the frozen app's --self-test, offscreen
    python packaging/build.py cold-start [--runs 5]
    python packaging/build.py installer [--compression lzma|zlib|none]
    python packaging/build.py all [--quick] [--check-budgets] [--tesseract DIR]
                                  [--msvc-runtime DIR]

``all`` runs the four steps in order (``--quick``: a zlib installer, for CI). The
bundle lands in ``dist/AcademyDesktop``, the installer in
``dist/AcademyDesktop-<version>-setup.exe`` (the version comes from pyproject.toml),
and every step adds its sizes and times to ``dist/build-report.json``.
The same commands run on Windows (the release) and Linux (CI); see docs/packaging.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import buildinfo

ROOT = buildinfo.ROOT
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
BUNDLE = DIST / buildinfo.APP_NAME
REPORT = DIST / "build-report.json"
WINDOWS = sys.platform == "win32"
EXE = BUNDLE / (buildinfo.APP_NAME + (".exe" if WINDOWS else ""))
TESSDATA_NEEDED = ("kor", "eng")
MIN_MSVC_RUNTIME = (14, 40)  # onnxruntime >= 1.21 needs a recent runtime (docs/packaging.md)

MB = 1_000_000
# Budgets (issue 7): the unpacked app, the installer and the frozen cold start.
BUNDLE_BUDGET = 400 * MB
INSTALLER_BUDGET = 150 * MB
COLD_START_BUDGET = 3.0


class BuildError(RuntimeError):
    pass


def log(message: str) -> None:
    print(f"build: {message}", flush=True)


def record(**values: Any) -> None:
    """Merge ``values`` into dist/build-report.json."""
    data: dict[str, Any] = {}
    if REPORT.is_file():
        data = json.loads(REPORT.read_text(encoding="utf-8"))
    data.update(values)
    DIST.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


# --- the Microsoft C++ runtime (Windows) -----------------------------------------


def _msvc_version(folder: Path) -> tuple[int, ...]:
    """The toolset version in a redist path (``...\\MSVC\\14.44.35112\\x64\\...``)."""
    for part in reversed(folder.parts):
        pieces = part.split(".")
        if len(pieces) >= 2 and all(p.isdigit() for p in pieces):
            return tuple(int(p) for p in pieces)
    return ()


def find_msvc_runtime(explicit: str | None) -> Path:
    """The folder with the newest ``msvcp140.dll`` and friends to ship (Windows only).

    Looked for in: ``--msvc-runtime``/``ACADEMY_MSVC_RUNTIME_DIR``, then the Visual
    Studio redistributable folders (``VCToolsRedistDir`` in a developer prompt, or
    found with vswhere): ``VC\\Redist\\MSVC\\<version>\\x64\\Microsoft.VC14x.CRT``.
    """
    given = explicit or os.environ.get("ACADEMY_MSVC_RUNTIME_DIR")
    if given:
        folder = Path(given)
        if not (folder / "msvcp140.dll").is_file():
            raise BuildError(f"no msvcp140.dll in {folder}")
        return folder
    roots: list[Path] = []
    if os.environ.get("VCTOOLSREDISTDIR"):  # Windows' variable names ignore case
        roots.append(Path(os.environ["VCTOOLSREDISTDIR"]).parent)
    vswhere = (
        Path(os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)"))
        / "Microsoft Visual Studio"
        / "Installer"
        / "vswhere.exe"
    )
    if vswhere.is_file():
        out = subprocess.run(
            [str(vswhere), "-all", "-products", "*", "-property", "installationPath"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        roots += [Path(line.strip()) / "VC" / "Redist" / "MSVC" for line in out.splitlines()]
    candidates = [
        crt
        for root in roots
        if root.is_dir()
        for crt in root.glob("*/x64/Microsoft.VC14*.CRT")
        if (crt / "msvcp140.dll").is_file() and _msvc_version(crt)
    ]
    if not candidates:
        raise BuildError(
            "the Visual C++ runtime was not found: install Visual Studio 2022 (or its Build "
            "Tools) with the C++ workload, or pass --msvc-runtime DIR (see docs/packaging.md)"
        )
    best = max(candidates, key=_msvc_version)
    if _msvc_version(best)[:2] < MIN_MSVC_RUNTIME:
        raise BuildError(f"the newest Visual C++ runtime found is too old: {best}")
    return best


# --- steps ------------------------------------------------------------------------


def check_tesseract(folder: Path) -> None:
    exe = folder / ("tesseract.exe" if WINDOWS else "tesseract")
    if not exe.is_file():
        raise BuildError(f"{exe} not found: --tesseract takes the folder holding it")
    for lang in TESSDATA_NEEDED:
        if not (folder / "tessdata" / f"{lang}.traineddata").is_file():
            raise BuildError(f"{folder}/tessdata/{lang}.traineddata is missing")


def build_bundle(tesseract: Path | None, msvc_runtime: str | None, clean: bool) -> None:
    if tesseract is not None:
        check_tesseract(tesseract)
    env = dict(os.environ)
    if WINDOWS:
        crt = find_msvc_runtime(msvc_runtime)
        log(f"Microsoft C++ runtime from {crt}")
        env["ACADEMY_MSVC_RUNTIME_DIR"] = str(crt)
    version = buildinfo.project_version()
    log(f"PyInstaller: {buildinfo.SPEC.relative_to(ROOT)} (version {version})")
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level=WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK),
    ]
    if clean:
        cmd.append("--clean")
    started = time.perf_counter()
    subprocess.run([*cmd, str(buildinfo.SPEC)], check=True, env=env, cwd=ROOT)
    seconds = time.perf_counter() - started
    app_bytes = buildinfo.folder_size(BUNDLE)
    tess_bytes = 0
    if tesseract is not None:
        target = BUNDLE / "tesseract"
        shutil.copytree(tesseract, target, symlinks=False)
        tess_bytes = buildinfo.folder_size(target)
        log(f"tesseract copied from {tesseract} ({tess_bytes / MB:.1f} MB)")
    log(
        f"bundle {BUNDLE}: {app_bytes / MB:.1f} MB ({app_bytes / 2**20:.1f} MiB) in {seconds:.1f} s"
    )
    record(
        version=version,
        platform=sys.platform,
        pyinstaller_seconds=round(seconds, 1),
        bundle_bytes=app_bytes,
        tesseract_bytes=tess_bytes,
    )


def run_self_test() -> None:
    if not EXE.is_file():
        raise BuildError(f"{EXE} not found: build the bundle first")
    report = DIST / "self-test.txt"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        env["ACADEMY_DESKTOP_CONFIG"] = str(Path(tmp) / "config")
        proc = subprocess.run([str(EXE), "--self-test", str(report)], env=env, check=False)
    seconds = time.perf_counter() - started
    if WINDOWS and report.is_file():  # the windowed .exe has no console: show the report
        print(report.read_text(encoding="utf-8"), end="")
    record(self_test_seconds=round(seconds, 1), self_test_passed=proc.returncode == 0)
    if proc.returncode != 0:
        raise BuildError(f"the frozen app's --self-test failed (exit {proc.returncode})")
    version = buildinfo.project_version()
    if f"Academy Desktop {version} self-test" not in report.read_text(encoding="utf-8"):
        raise BuildError(f"the frozen app does not report version {version} (see {report})")


def measure_cold_start(runs: int) -> list[float]:
    """Start the frozen app ``runs`` times on an empty workspace until its window is
    shown and idle (the app's ACADEMY_DESKTOP_STARTUP_PROBE), offscreen."""
    if not EXE.is_file():
        raise BuildError(f"{EXE} not found: build the bundle first")
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            cfg = Path(tmp) / "config"
            cfg.mkdir()
            settings = {"version": 2, "workspace": str(Path(tmp) / "ws"), "staff_name": "ci"}
            (cfg / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
            probe = Path(tmp) / "probe"
            env = dict(
                os.environ,
                QT_QPA_PLATFORM="offscreen",
                ACADEMY_DESKTOP_CONFIG=str(cfg),
                ACADEMY_DESKTOP_STARTUP_PROBE=str(probe),
            )
            started = time.time()
            subprocess.run([str(EXE)], env=env, check=True, capture_output=True, timeout=120)
            times.append(float(probe.read_text()) - started)
    log(
        "cold start to window: "
        + ", ".join(f"{t:.2f}" for t in times)
        + f" s (median {statistics.median(times):.2f} s)"
    )
    record(
        cold_start_seconds=[round(t, 3) for t in times],
        cold_start_median=round(statistics.median(times), 3),
    )
    return times


def build_installer(compression: str) -> Path:
    makensis = shutil.which("makensis")
    if makensis is None and WINDOWS:
        default = Path(os.environ.get("PROGRAMFILES(X86)", r"C:\Program Files (x86)"))
        candidate = default / "NSIS" / "makensis.exe"
        makensis = str(candidate) if candidate.is_file() else None
    if makensis is None:
        raise BuildError("makensis not found: install NSIS 3 (Debian: apt install nsis)")
    if not BUNDLE.is_dir():
        raise BuildError(f"{BUNDLE} not found: build the bundle first")
    version = buildinfo.project_version()
    quad = ".".join(str(n) for n in buildinfo.version_tuple(version))
    out = DIST / buildinfo.installer_name(version)
    out.unlink(missing_ok=True)
    cmd = [
        makensis,
        "-INPUTCHARSET",
        "UTF8",
        "-V2",
        "-WX",  # a warning is an error
        f"-DVERSION={version}",
        f"-DVERSION_QUAD={quad}",
        f"-DSRC_DIR={BUNDLE}",
        f"-DOUT_FILE={out}",
        f"-DCOMPRESSION={compression}",
        str(buildinfo.NSIS_SCRIPT),
    ]
    log(f"makensis ({compression}) -> {out.name}")
    started = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    size = out.stat().st_size
    log(f"installer {out}: {size / MB:.1f} MB ({size / 2**20:.1f} MiB) in {seconds:.1f} s")
    record(
        installer=out.name,
        installer_bytes=size,
        installer_compression=compression,
        makensis_seconds=round(seconds, 1),
    )
    return out


def check_budgets() -> None:
    """Fail when a measured size or time in dist/build-report.json is over budget.

    The bundle is the app without the optional tesseract folder (reported apart); the
    installer is checked when it was built with the release compression (lzma).
    """
    data = json.loads(REPORT.read_text(encoding="utf-8"))
    over = []
    if data.get("bundle_bytes", 0) > BUNDLE_BUDGET:
        over.append(f"bundle {data['bundle_bytes'] / MB:.1f} MB > {BUNDLE_BUDGET / MB:.0f} MB")
    if data.get("installer_compression") == "lzma" and data["installer_bytes"] > INSTALLER_BUDGET:
        over.append(f"installer {data['installer_bytes'] / MB:.1f} MB > 150 MB")
    if data.get("cold_start_median", 0) > COLD_START_BUDGET:
        over.append(f"cold start {data['cold_start_median']:.2f} s > {COLD_START_BUDGET} s")
    if over:
        raise BuildError("over budget: " + "; ".join(over))
    installer = (
        "installer <= 150 MB"
        if data.get("installer_compression") == "lzma"
        else f"installer not checked ({data.get('installer_compression')} is CI's quick mode; "
        "the release's lzma build is)"
    )
    log(f"within budgets (bundle <= 400 MB, {installer}, cold start <= 3 s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="step", required=True)
    for name in ("bundle", "all"):
        p = sub.add_parser(name)
        p.add_argument("--tesseract", type=Path, help="a Tesseract folder to ship beside the app")
        p.add_argument("--msvc-runtime", help="folder with msvcp140.dll etc. (Windows)")
        p.add_argument("--clean", action="store_true", help="rebuild PyInstaller's cache")
        if name == "all":
            p.add_argument("--quick", action="store_true", help="fast zlib installer (CI)")
            p.add_argument("--runs", type=int, default=3, help="cold starts to measure")
            p.add_argument("--check-budgets", action="store_true", help="fail when over budget")
    sub.add_parser("self-test")
    p = sub.add_parser("cold-start")
    p.add_argument("--runs", type=int, default=5)
    p = sub.add_parser("installer")
    p.add_argument("--compression", choices=("lzma", "zlib", "none"), default="lzma")
    args = parser.parse_args(argv)
    try:
        if args.step in ("bundle", "all"):
            build_bundle(args.tesseract, args.msvc_runtime, args.clean)
        if args.step in ("self-test", "all"):
            run_self_test()
        if args.step == "cold-start" or (args.step == "all" and args.runs > 0):
            measure_cold_start(args.runs)
        if args.step in ("installer", "all"):
            build_installer(
                ("zlib" if args.quick else "lzma") if args.step == "all" else args.compression
            )
        if args.step == "all" and args.check_budgets:
            check_budgets()
    except (BuildError, subprocess.CalledProcessError) as exc:
        print(f"build: FAILED: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
