#!/usr/bin/env bash
# Builds book-example once per mdBook theme and saves a screenshot of a destination page
# in each, taken by headless Chromium, to docs/screenshots/THEME.png.
#
#   scripts/screenshots.sh [PAGE]     # PAGE: a path in the built book, with an optional
#                                     # #fragment (default below: a row is the target, so
#                                     # the link-target style shows too)
#
# Needs: mdbook (0.5.x, or MDBOOK=/path), Debian's `chromium` (or CHROMIUM=/path), cargo.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PAGE=${1:-destinations/quillpost/index.html#channels}
OUT="$ROOT/docs/screenshots"
MDBOOK=${MDBOOK:-mdbook}
CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[ -n "$CHROMIUM" ] || { echo "chromium not found: apt-get install chromium, or set CHROMIUM" >&2; exit 1; }

cargo build --quiet --manifest-path "$ROOT/Cargo.toml"
export PATH="$ROOT/target/debug:$PATH"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"

for theme in light rust coal navy ayu; do
  MDBOOK_OUTPUT__HTML__DEFAULT_THEME=$theme "$MDBOOK" build "$ROOT/book-example" \
    --dest-dir "$TMP/$theme" 2>"$TMP/$theme.log" \
    || { cat "$TMP/$theme.log" >&2; exit 1; }
  grep -Eq "<html[^>]* class=\"$theme[ \"]" "$TMP/$theme/${PAGE%%#*}" \
    || { echo "the $theme build does not default to $theme" >&2; exit 1; }
  # A fresh profile each time: no theme remembered from an earlier run.
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-quic --user-data-dir="$TMP/profile-$theme" \
    --hide-scrollbars --force-device-scale-factor=1 --window-size=1280,1400 \
    --virtual-time-budget=3000 --screenshot="$OUT/$theme.png" \
    "file://$TMP/$theme/$PAGE" >"$TMP/chromium-$theme.log" 2>&1 \
    || { cat "$TMP/chromium-$theme.log" >&2; exit 1; }
  [ -s "$OUT/$theme.png" ] || { echo "no screenshot for $theme" >&2; exit 1; }
  echo "$OUT/$theme.png"
done
