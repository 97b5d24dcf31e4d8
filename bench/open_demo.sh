#!/usr/bin/env bash
# The "main.py --open <sample PDF>" walk-through on a virtual screen, as a new user
# would see it: the new-exam dialog, the batch being graded, then the review screen.
#   xvfb-run -a -s "-screen 0 1600x1000x24" bash bench/open_demo.sh OUT_DIR
# Needs xdotool (apt) to type the exam title. Uses a throw-away workspace and settings.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
OUT="${1:-/tmp/open-demo}"
TMP="$(mktemp -d)"
mkdir -p "$OUT" "$TMP/cfg"
printf '{"version": 2, "workspace": "%s/ws", "staff_name": "김선생", "jobs": 2}' "$TMP" \
    > "$TMP/cfg/settings.json"
export ACADEMY_DESKTOP_CONFIG="$TMP/cfg" QT_QPA_PLATFORM=xcb
shot() { .venv/bin/python -c "from PIL import ImageGrab; ImageGrab.grab().save('$OUT/$1.png')"; }
.venv/bin/python main.py --open resources/samples/kr-45q-samples.pdf &
APP=$!
sleep 4; shot 1-new-exam-dialog
xdotool type --delay 50 "April mock exam"
sleep 0.5; xdotool key Return
sleep 0.6; shot 2-grading
sleep 5; shot 3-review
kill "$APP"; wait "$APP" || true
rm -rf "$TMP"
echo "screenshots in $OUT"
