"""The Korean catalogue of the window: extract, fill, compile, check.

    python .ci/i18n.py update [--merge DIR]   # lupdate the .ts from academy_desktop/ui
                                              # (and fill it from DIR/*.json, English -> Korean)
    python .ci/i18n.py compile                # lrelease the .ts into the .qm the app loads
    python .ci/i18n.py check                  # CI: every string translated, the .qm current

Source strings are English (``self.tr("...")``); Korean is the default language.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UI = ROOT / "academy_desktop" / "ui"
TS = ROOT / "resources" / "i18n" / "academy_ko.ts"
QM = TS.with_suffix(".qm")


def _tool(name: str) -> str:
    exe = shutil.which(f"pyside6-{name}") or str(Path(sys.executable).parent / f"pyside6-{name}")
    if not Path(exe).exists():
        raise SystemExit(f"pyside6-{name} not found: install PySide6 in this environment")
    return exe


def sources() -> list[str]:
    return sorted(str(p) for p in UI.rglob("*.py"))


def lupdate(ts: Path) -> None:
    ts.parent.mkdir(parents=True, exist_ok=True)
    cmd = [_tool("lupdate"), "-no-obsolete", "-locations", "none", *sources(), "-ts", str(ts)]
    subprocess.run(cmd, check=True, capture_output=True)
    tree = ET.parse(ts)
    tree.getroot().set("language", "ko_KR")
    tree.getroot().set("sourcelanguage", "en")
    tree.write(ts, encoding="utf-8", xml_declaration=True)


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([_tool("lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True)


def messages(ts: Path) -> list[tuple[str, ET.Element, ET.Element]]:
    out = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.find("source")
            translation = message.find("translation")
            assert source is not None and translation is not None
            out.append((name, source, translation))
    return out


def merge(ts: Path, folder: Path) -> int:
    """Fill untranslated messages from ``folder/*.json`` ({English: Korean})."""
    table: dict[str, str] = {}
    for path in sorted(folder.glob("*.json")):
        table.update(json.loads(path.read_text(encoding="utf-8")))
    tree = ET.parse(ts)
    filled = 0
    for message in tree.getroot().iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None
        if translation.get("type") == "unfinished" and source in table:
            translation.text = table[source]
            del translation.attrib["type"]
            filled += 1
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    return filled


def untranslated(ts: Path) -> list[str]:
    return [
        f"{ctx}: {src.text!r}"
        for ctx, src, tr in messages(ts)
        if tr.get("type") in ("unfinished", "vanished", "obsolete") or not (tr.text or "").strip()
    ]


def check() -> list[str]:
    """Problems: strings in the code missing from the catalogue, untranslated ones, a stale .qm."""
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "fresh.ts"
        shutil.copy(TS, fresh)
        lupdate(fresh)
        problems += [f"untranslated: {m}" for m in untranslated(fresh)]
        qm = Path(tmp) / "fresh.qm"
        lrelease(TS, qm)
        if not QM.exists() or QM.read_bytes() != qm.read_bytes():
            problems.append(f"{QM.name} is not compiled from {TS.name}: run .ci/i18n.py compile")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    up = sub.add_parser("update")
    up.add_argument("--merge", type=Path)
    sub.add_parser("compile")
    sub.add_parser("check")
    args = parser.parse_args(argv)
    if args.cmd == "update":
        lupdate(TS)
        if args.merge:
            print(f"filled {merge(TS, args.merge)} translations")
        left = untranslated(TS)
        print(f"{len(messages(TS))} messages, {len(left)} untranslated")
        for m in left:
            print("  ", m)
        return 0
    if args.cmd == "compile":
        lrelease(TS, QM)
        print(f"wrote {QM}")
        return 0
    problems = check()
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
