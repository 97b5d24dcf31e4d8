"""What goes into the Academy Desktop bundle, shared by the spec, build.py and the tests.

Only the standard library is imported here, so the tests can load this file without
PyInstaller. Nothing in this folder is part of the ``academy_desktop`` package; the
folder has no ``__init__.py`` on purpose (a package named ``packaging`` would shadow the
PyPI ``packaging`` library).
"""

from __future__ import annotations

import fnmatch
import re
import subprocess
import tomllib
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]
PACKAGING = ROOT / "packaging"

APP_NAME = "AcademyDesktop"  # the executable, the bundle folder and the install folder
DISPLAY_NAME = "Academy Desktop"
PUBLISHER = "Academy Desktop"
DESCRIPTION = "Academy Desktop - offline OMR grading for academies"
ICON = PACKAGING / "icon" / "academy-desktop.ico"
SPEC = PACKAGING / "academy_desktop.spec"
NSIS_SCRIPT = PACKAGING / "installer.nsi"

# Folders under resources/ and what they hold; every folder there must be listed, so a
# new one is a conscious choice (tests/test_packaging.py checks).
RESOURCE_DIRS = {
    "i18n": "the app's Qt catalogues (.qm)",
    "icons": "the window's SVG icons (KDE Breeze)",
    "printable": "printable answer sheets (PDF)",
    "samples": "sample scans and keys; the self-test grades them",
    "schemas": "JSON schemas of templates and answer keys",
    "templates": "the bundled sheet templates",
}
# Files that stay out of the bundle (source-only or tool caches).
SKIP_PATTERNS = ("*.ts", "*.pyc", "__pycache__", ".DS_Store", "*.orig", "*.rej")

# Qt plugins kept, by plugin folder; the stem is the file name without "lib"/"q"
# prefix handling: we match the whole stem (e.g. "libqxcb" on Linux, "qwindows" on
# Windows). Everything else the PySide6 hooks collect is dropped.
QT_PLUGINS = {
    "platforms": {"qwindows", "qoffscreen", "qminimal", "libqxcb", "libqoffscreen", "libqminimal"},
    "imageformats": {"qjpeg", "qsvg", "qico", "libqjpeg", "libqsvg", "libqico"},
    "iconengines": {"qsvgicon", "libqsvgicon"},
    "styles": {"qmodernwindowsstyle", "qwindowsvistastyle"},
    # Korean input methods on Linux desktops (Windows' IME is part of qwindows)
    "platforminputcontexts": {
        "libcomposeplatforminputcontextplugin",
        "libibusplatforminputcontextplugin",
    },
    "xcbglintegrations": {"libqxcb-glx-integration", "libqxcb-egl-integration"},
}
# Libraries left out although a hook collects them: OpenCV's video I/O plugin (FFmpeg,
# 30 MB on Windows; loaded only to read videos, which the app never does - on Linux the
# FFmpeg libraries are linked into cv2 itself and have to stay).
DROPPED_BINARIES = ("opencv_videoio_ffmpeg*",)

# Qt's own translations kept (the app loads qtbase_ko for standard buttons and dialogs).
QT_TRANSLATIONS = {"qtbase_ko.qm"}

# Python modules never used by the app (some are pulled in by optional imports of
# libraries we do use). The self-test fails if one of them turns out to be needed.
EXCLUDED_MODULES = [
    "tkinter",
    "_tkinter",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtPdf",
    "PySide6.QtPdfWidgets",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtDBus",
    "PySide6.QtXml",
    "PySide6.QtConcurrent",
    "PySide6.QtPrintSupport",
    "PySide6.QtUiTools",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtSvg",
    "PySide6.QtSvgWidgets",
    "PIL._avif",  # AVIF is not a scan format we read; its codec library is 5 MB
    "PIL._imagingtk",
    "PIL.ImageTk",
    "greenlet",  # SQLAlchemy's asyncio support only
    "IPython",
    "matplotlib",
    "pytest",
    "_pytest",
    "pytestqt",
    "mypy",
    "ruff",
    "setuptools",
    "pip",
    "onnxruntime.tools",
    "onnxruntime.transformers",
    "onnxruntime.quantization",
]

# Left out of the Linux bundle only: keyring's Secret Service backend (GNOME keyring)
# needs cryptography (14 MB); the Linux bundle is CI's proof of the spec, not a release.
LINUX_EXCLUDED_MODULES = ["secretstorage", "cryptography", "jeepney"]

# Imported by code PyInstaller cannot see: Alembic migration scripts are loaded from
# files at run time; keyring finds its backends through entry points.
HIDDEN_IMPORTS = [
    "alembic.op",
    "alembic.context",
    "alembic.ddl.sqlite",
    "sqlalchemy.dialects.sqlite",
    "onnxruntime",
    "keyring",
    "keyring.backends",
    "pytesseract",
]
# Distributions whose metadata the bundle needs: our version (About dialog, --version)
# and keyring's backend entry points.
METADATA = ["academy-desktop", "keyring"]

# The Microsoft C++ runtime (see docs/packaging.md): copied next to the app on Windows.
MSVC_RUNTIME_DLLS = (
    "msvcp140.dll",
    "msvcp140_1.dll",
    "msvcp140_2.dll",
    "msvcp140_atomic_wait.dll",
    "msvcp140_codecvt_ids.dll",
    "vcruntime140.dll",
    "vcruntime140_1.dll",
    "concrt140.dll",
)


def project_version(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The one version of the project: ``[project] version`` in pyproject.toml."""
    with pyproject.open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """Four numbers for Windows version resources: ``1.2.3rc1`` -> (1, 2, 3, 0)."""
    match = re.match(r"^(\d+)(?:\.(\d+))?(?:\.(\d+))?", version)
    if match is None:
        raise ValueError(f"not a release version: {version!r}")
    numbers = [int(g) for g in match.groups(default="0")]
    return (numbers[0], numbers[1], numbers[2], 0)


def installer_name(version: str) -> str:
    return f"{APP_NAME}-{version}-setup.exe"


def _skipped(path: Path) -> bool:
    return any(fnmatch.fnmatch(part, pat) for part in path.parts for pat in SKIP_PATTERNS)


def _files(folder: Path) -> Iterable[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not _skipped(path.relative_to(folder)):
            yield path


def data_files(root: Path = ROOT) -> list[tuple[str, str]]:
    """``(source file, destination folder in the bundle)`` for PyInstaller's ``datas``.

    The destinations are what :mod:`academy_desktop.resources` expects under
    ``sys._MEIPASS``: ``resources/``, ``models/`` and
    ``academy_desktop/store/migrations``.
    """
    pairs: list[tuple[str, str]] = []
    trees = [(root / "resources" / name, f"resources/{name}") for name in RESOURCE_DIRS]
    trees += [
        (root / "models", "models"),
        (root / "academy_desktop" / "store" / "migrations", "academy_desktop/store/migrations"),
    ]
    for folder, dest in trees:
        if not folder.is_dir():
            raise FileNotFoundError(f"bundle data folder missing: {folder}")
        for path in _files(folder):
            rel = path.relative_to(folder).parent
            target = PurePosixPath(dest, *rel.parts)
            pairs.append((str(path), str(target)))
    for path in sorted((root / "resources").iterdir()):
        if path.is_file() and not _skipped(path.relative_to(root / "resources")):
            pairs.append((str(path), "resources"))
    return pairs


def keep_qt_file(dest: str) -> bool:
    """Whether a file the PySide6 hooks collected stays in the bundle (by its
    destination path, e.g. ``PySide6/Qt/plugins/platforms/libqxcb.so``)."""
    parts = PurePosixPath(dest.replace("\\", "/")).parts
    if len(parts) < 3 or parts[0] != "PySide6":
        return True
    inner = parts[2:] if parts[1] == "Qt" else parts[1:]
    if len(inner) >= 3 and inner[0] == "plugins":
        folder, name = inner[1], inner[-1]
        stem = name.split(".")[0]
        return stem in QT_PLUGINS.get(folder, set())
    if len(inner) >= 2 and inner[0] == "translations":
        return inner[-1] in QT_TRANSLATIONS
    return True


def keep_binary(dest: str) -> bool:
    """Whether a collected library (by its destination path) stays in the bundle."""
    name = PurePosixPath(dest.replace("\\", "/")).name
    if any(fnmatch.fnmatch(name.lower(), pattern) for pattern in DROPPED_BINARIES):
        return False
    return keep_qt_file(dest)


def trim_qt_hook(
    hiddenimports: list[str],
    binaries: list[tuple[str, str]],
    datas: list[tuple[str, str]],
) -> tuple[list[str], list[tuple[str, str]], list[tuple[str, str]]]:
    """Filter what a PySide6 hook collected (``(source, destination folder)`` pairs)."""

    def keep(pair: tuple[str, str]) -> bool:
        source, dest_dir = pair
        return keep_qt_file(f"{dest_dir}/{Path(source).name}")

    return hiddenimports, [b for b in binaries if keep(b)], [d for d in datas if keep(d)]


def strippable(path: Path) -> bool:
    """Whether ``strip`` may remove a Linux library's symbols without breaking it.

    Libraries repaired by auditwheel (in a ``<dist>.libs`` folder, or loading from one
    through their RPATH) were rewritten by patchelf, and stripping those leaves
    segments that are not page-aligned ("ELF load command address/offset not
    page-aligned" when numpy loads OpenBLAS). Everything else (Python itself,
    its extension modules, Qt, ICU) strips safely.
    """
    if any(part.endswith(".libs") for part in path.parts):
        return False
    with path.open("rb") as f:
        if f.read(4) != b"\x7fELF":
            return False
    dynamic = subprocess.run(
        ["readelf", "-d", str(path)], capture_output=True, text=True, check=False
    ).stdout
    return not any(
        ("RPATH" in line or "RUNPATH" in line) and ".libs" in line for line in dynamic.splitlines()
    )


def strip_bundle(folder: Path) -> int:
    """Strip the symbols of the bundle's strippable Linux libraries; returns bytes saved.

    (PyInstaller's own ``strip=True`` strips every library, including the
    auditwheel-repaired ones it must not touch.)
    """
    saved = 0
    for path in sorted(folder.rglob("*.so*")):
        if path.is_symlink() or not path.is_file() or not strippable(path):
            continue
        before = path.stat().st_size
        subprocess.run(["strip", "--strip-unneeded", str(path)], check=True)
        saved += before - path.stat().st_size
    return saved


def folder_size(folder: Path) -> int:
    """Bytes of all files under ``folder`` (symlinks not followed)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def windows_version_info(version: str) -> str:
    """The text of a PyInstaller version-resource file (``EXE(version=...)``)."""
    v = version_tuple(version)
    strings = {
        "CompanyName": PUBLISHER,
        "FileDescription": DESCRIPTION,
        "FileVersion": version,
        "InternalName": APP_NAME,
        "LegalCopyright": PUBLISHER,
        "OriginalFilename": f"{APP_NAME}.exe",
        "ProductName": DISPLAY_NAME,
        "ProductVersion": version,
    }
    string_structs = ",\n".join(
        f"          StringStruct({key!r}, {value!r})" for key, value in strings.items()
    )
    return f"""# generated by packaging/buildinfo.py from pyproject.toml: do not edit
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={v!r},
    prodvers={v!r},
    mask=0x3F,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0),
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '041204B0',
        [
{string_structs}
        ])
    ]),
    VarFileInfo([VarStruct('Translation', [0x0412, 1200, 0x0409, 1200])])
  ]
)
"""
