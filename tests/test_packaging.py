"""The packaging files agree with the app: every resource folder is bundled, the version
comes from pyproject.toml, Qt is trimmed to what is used, and the installer script is
consistent (and compiles, when makensis is installed). Building the bundle itself is
.ci/package's job (it takes a minute)."""

from __future__ import annotations

import ast
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path, PureWindowsPath
from types import ModuleType
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGING = REPO_ROOT / "packaging"
NSIS = PACKAGING / "installer.nsi"


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


buildinfo: Any = _load("buildinfo", PACKAGING / "buildinfo.py")
build: Any = _load("academy_packaging_build", PACKAGING / "build.py")


def test_every_resource_folder_is_listed() -> None:
    on_disk = {p.name for p in (REPO_ROOT / "resources").iterdir() if p.is_dir()}
    assert set(buildinfo.RESOURCE_DIRS) == on_disk


def test_bundle_data_lands_where_the_resource_locator_looks() -> None:
    pairs = buildinfo.data_files()
    dests = {dest for _src, dest in pairs}
    for name in buildinfo.RESOURCE_DIRS:
        assert f"resources/{name}" in dests
    assert "models" in dests
    assert {
        "academy_desktop/store/migrations",
        "academy_desktop/store/migrations/versions",
    } <= dests
    sources = {Path(src) for src, _dest in pairs}
    migrations = REPO_ROOT / "academy_desktop" / "store" / "migrations"
    assert set(migrations.glob("versions/*.py")) <= sources
    assert migrations / "env.py" in sources
    assert REPO_ROOT / "resources" / "i18n" / "academy_ko.qm" in sources
    assert REPO_ROOT / "resources" / "samples" / "kr-45q-samples.pdf" in sources
    for src in sources:  # source-only files stay out
        assert src.suffix not in {".ts", ".pyc"} and "__pycache__" not in src.parts
    for src, dest in pairs:  # every file keeps its place in the tree
        assert dest == Path(src).relative_to(REPO_ROOT).parent.as_posix()


def test_the_spec_uses_the_shared_lists() -> None:
    spec = buildinfo.SPEC.read_text(encoding="utf-8")
    for name in (
        "data_files()",
        "METADATA",
        "HIDDEN_IMPORTS",
        "EXCLUDED_MODULES",
        "keep_qt_file",
        "windows_version_info(VERSION)",
        "icon=str(buildinfo.ICON) if WINDOWS",
        "console=False",
        "hookspath",
    ):
        assert name in spec
    assert "academy-desktop" in buildinfo.METADATA  # importlib.metadata gives the version
    assert buildinfo.ICON.is_file() and buildinfo.ICON.read_bytes()[:4] == b"\0\0\1\0"


def test_version_comes_from_pyproject() -> None:
    import academy_desktop

    version = buildinfo.project_version()
    pyproject = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(rf'^version = "{re.escape(version)}"$', pyproject, re.M)
    assert academy_desktop.__version__ == version
    assert academy_desktop._version_from_pyproject() == version  # a never-installed tree
    assert buildinfo.installer_name(version) == f"AcademyDesktop-{version}-setup.exe"


def test_version_tuple() -> None:
    assert buildinfo.version_tuple("0.1.0") == (0, 1, 0, 0)
    assert buildinfo.version_tuple("2.10") == (2, 10, 0, 0)
    assert buildinfo.version_tuple("1.2.3rc1") == (1, 2, 3, 0)
    with pytest.raises(ValueError):
        buildinfo.version_tuple("dev")


def test_windows_version_resource() -> None:
    """The generated file is what PyInstaller's version-info loader evaluates."""

    def record(kind: str) -> Any:
        return lambda *args, **kwargs: {"kind": kind, "args": args, "kwargs": kwargs}

    names = ["VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct"]
    namespace = {name: record(name) for name in [*names, "VarFileInfo", "VarStruct"]}
    text = buildinfo.windows_version_info("1.4.2")
    ast.parse(text)
    info = eval(text, namespace)  # our own generated text
    fixed = info["kwargs"]["ffi"]["kwargs"]
    assert fixed["filevers"] == fixed["prodvers"] == (1, 4, 2, 0)
    table = info["kwargs"]["kids"][0]["args"][0][0]
    strings = {s["args"][0]: s["args"][1] for s in table["args"][1]}
    assert strings["ProductVersion"] == strings["FileVersion"] == "1.4.2"
    assert strings["OriginalFilename"] == "AcademyDesktop.exe"


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt/plugins/platforms/libqwayland.so", False),
        ("PySide6/plugins/platforms/qwindows.dll", True),
        ("PySide6/plugins/platforms/qdirect2d.dll", False),
        ("PySide6/plugins/iconengines/qsvgicon.dll", True),
        ("PySide6/plugins/imageformats/qsvg.dll", True),
        ("PySide6/plugins/imageformats/qpdf.dll", False),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
        ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", True),
        ("PySide6\\plugins\\styles\\qmodernwindowsstyle.dll", True),
        ("PySide6/plugins/tls/qopensslbackend.dll", False),
        ("PySide6/Qt/translations/qtbase_ko.qm", True),
        ("PySide6/translations/qtbase_de.qm", False),
        ("PySide6/translations/qtdeclarative_ko.qm", False),
        ("PySide6/Qt/lib/libQt6Core.so.6", True),
        ("PySide6/QtCore.pyd", True),
        ("cv2/cv2.pyd", True),
        ("resources/i18n/academy_ko.qm", True),
    ],
)
def test_qt_trimming(dest: str, kept: bool) -> None:
    assert buildinfo.keep_qt_file(dest) is kept


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("cv2/opencv_videoio_ffmpeg4140_64.dll", False),
        ("cv2\\cv2.pyd", True),
        ("opencv_python_headless.libs/libavcodec-57aca189.so.62", True),  # linked into cv2
        ("PySide6/plugins/platforms/qdirect2d.dll", False),
        ("onnxruntime/capi/onnxruntime.dll", True),
    ],
)
def test_dropped_binaries(dest: str, kept: bool) -> None:
    assert buildinfo.keep_binary(dest) is kept


def test_every_qt_module_the_app_uses_has_a_trimming_hook() -> None:
    used = set()
    for path in (REPO_ROOT / "academy_desktop").rglob("*.py"):
        used |= set(re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8")))
    hooks = {p.name[len("hook-PySide6.") : -3] for p in (PACKAGING / "hooks").glob("hook-*.py")}
    assert used and used <= hooks
    assert not {f"PySide6.{m}" for m in used} & set(buildinfo.EXCLUDED_MODULES)


def test_strippable(tmp_path: Path) -> None:
    libs = tmp_path / "numpy.libs"
    libs.mkdir()
    elf = Path(sys.executable).resolve()
    shutil.copy(elf, libs / "libopenblas.so")
    assert not buildinfo.strippable(libs / "libopenblas.so")  # repaired by auditwheel
    (tmp_path / "notes.so").write_text("not ELF")
    assert not buildinfo.strippable(tmp_path / "notes.so")


def test_msvc_runtime_version_from_its_folder() -> None:
    crt = PureWindowsPath(
        r"C:\Program Files\Microsoft Visual Studio\2022\Enterprise\VC\Redist\MSVC"
        r"\14.44.35112\x64\Microsoft.VC143.CRT"
    )
    assert build._msvc_version(crt) == (14, 44, 35112)
    assert build._msvc_version(PureWindowsPath(r"C:\redist\x64")) == ()
    assert set(buildinfo.MSVC_RUNTIME_DLLS) >= {"msvcp140.dll", "vcruntime140_1.dll"}


# --- the installer script --------------------------------------------------------------


def test_installer_script_essentials() -> None:
    nsi = NSIS.read_text(encoding="utf-8")
    assert "RequestExecutionLevel user" in nsi
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APP_NAME}"' in nsi
    assert '!define APP_NAME "AcademyDesktop"' in nsi and buildinfo.APP_NAME == "AcademyDesktop"
    assert '!insertmacro MUI_LANGUAGE "Korean"' in nsi
    assert '!insertmacro MUI_LANGUAGE "English"' in nsi
    assert "HKLM" not in nsi  # per user: nothing machine-wide
    assert nsi.count('--open "%1"') >= 3  # ProgID, Applications entry, context verb
    for ext in (".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp"):
        assert f'!insertmacro ${{MACRO}} "{ext}"' in nsi
    assert 'RMDir /r "$INSTDIR"' not in nsi  # never a recursive delete of the install dir
    assert "${If} $DeleteData == ${BST_CHECKED}" in nsi  # data removed only when ticked


def test_installer_strings_exist_in_both_languages() -> None:
    nsi = NSIS.read_text(encoding="utf-8")
    strings = re.findall(r"^LangString (\w+) \$\{LANG_(\w+)\} ", nsi, re.M)
    by_name: dict[str, set[str]] = {}
    for name, lang in strings:
        by_name.setdefault(name, set()).add(lang)
    assert by_name and all(langs == {"KOREAN", "ENGLISH"} for langs in by_name.values())
    used = set(re.findall(r"\$\((\w+)\)", nsi))
    assert used == set(by_name)


def test_uninstaller_deletes_the_folders_the_app_uses(monkeypatch: pytest.MonkeyPatch) -> None:
    """The uninstaller's "delete my data" removes exactly where the app keeps it on Windows."""
    import platformdirs
    import platformdirs.windows

    from academy_desktop import settings
    from academy_desktop.store import default_workspace_dir

    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.windows.Windows)
    monkeypatch.setattr(platformdirs.windows, "get_win_folder", lambda csidl: "/LOCALAPPDATA")
    monkeypatch.delenv(settings.CONFIG_ENV, raising=False)

    def nsis_path(path: Path) -> str:
        return "$LOCALAPPDATA\\" + "\\".join(path.relative_to("/LOCALAPPDATA").parts)

    defines = dict(re.findall(r'^!define (\w+) "(.*)"$', NSIS.read_text(encoding="utf-8"), re.M))
    assert defines["WORKSPACE_DIR"] == nsis_path(default_workspace_dir())
    assert defines["SETTINGS_DIR"] == nsis_path(settings.config_dir())
    assert defines["WORKSPACE_DIR"].startswith(defines["WORKSPACE_PARENT"] + "\\")


@pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis (NSIS) is not installed")
def test_installer_script_compiles(tmp_path: Path) -> None:
    payload = tmp_path / "AcademyDesktop"
    (payload / "_internal").mkdir(parents=True)
    (payload / "AcademyDesktop.exe").write_bytes(b"MZ stand-in")
    out = tmp_path / buildinfo.installer_name("1.2.3")
    cmd = ["makensis", "-INPUTCHARSET", "UTF8", "-V2", "-WX", "-DVERSION_QUAD=1.2.3.0"]
    cmd += [f"-DSRC_DIR={payload}", f"-DOUT_FILE={out}", "-DCOMPRESSION=none", str(NSIS)]
    missing_version = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert missing_version.returncode != 0
    assert "-DVERSION=" in missing_version.stdout + missing_version.stderr
    proc = subprocess.run(
        [*cmd[:-1], "-DVERSION=1.2.3", str(NSIS)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = out.read_bytes()
    assert data[:2] == b"MZ" and len(data) > 50_000
    assert "1.2.3".encode("utf-16-le") in data  # the version resource


def test_ci_runs_the_packaging_check() -> None:
    run = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert run[-1].strip() == "bash .ci/package"
    assert re.search(r"^\s+nsis\b", (REPO_ROOT / ".ci" / "install").read_text(), re.M)
    package = (REPO_ROOT / ".ci" / "package").read_text(encoding="utf-8")
    assert "packaging/build.py all --quick --check-budgets" in package


def test_windows_workflow_builds_checks_and_uploads_the_installer() -> None:
    workflow = (REPO_ROOT / ".github" / "workflows" / "windows.yml").read_text(encoding="utf-8")
    for needed in (
        "runs-on: windows-2022",
        "python -m pytest",
        "python packaging/build.py all --check-budgets --tesseract build\\tesseract",
        "./packaging/windows-install-check.ps1",
        "actions/upload-artifact@v4",
        "dist/AcademyDesktop-*-setup.exe",
    ):
        assert needed in workflow
    assert (PACKAGING / "windows-install-check.ps1").is_file()
