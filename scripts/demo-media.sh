#!/usr/bin/env bash
# The demo's ANPR gate camera (config/demo.yaml, `cam-cong-anpr`): the 48 real 1920×1080 handheld plate frames of
# ${ARGUS_ASSETS}/images/vn_plates_handheld_mrzaizai2k/ (their LICENSE beside them) played as a 2-frame-per-second
# video, in shot order (clip3, clip3.2, clip4; frame numbers numerically), written to data/demo-media/anpr-gate.mp4.
# Made here from the assets, never committed. Run by the set-up and before `npm start`; quick when it exists.
set -euo pipefail
cd "$(dirname "$0")/.."
ASSETS="${ARGUS_ASSETS:-$(cd .. && pwd)/shared/assets}"
SRC="$ASSETS/images/vn_plates_handheld_mrzaizai2k"
OUT="${ARGUS_DEMO_MEDIA:-data/demo-media}"
VIDEO="$OUT/anpr-gate.mp4"
# Quick when it exists and holds a video stream; a damaged file (an interrupted copy) is made again.
if [ -s "$VIDEO" ]; then
  if [ "$(ffprobe -v error -select_streams v:0 -show_entries stream=codec_type -of csv=p=0 "$VIDEO" 2>/dev/null)" = "video" ]; then exit 0; fi
  echo "demo-media: $VIDEO holds no video stream: making it again" >&2
  rm -f "$VIDEO"
fi
if [ ! -d "$SRC" ]; then
  echo "demo-media: $SRC not found (set ARGUS_ASSETS): the demo's ANPR gate camera will show no picture" >&2
  exit 0
fi
mkdir -p "$OUT"
LIST="$(mktemp)"
trap 'rm -f "$LIST"' EXIT
for shot in clip3_new clip3.2_new clip4_new; do
  ls "$SRC" | grep -E "^${shot//./\\.}_[0-9]+\.jpg$" | sort -t_ -k3 -n | while read -r f; do
    printf "file '%s'\nduration 0.5\n" "$SRC/$f"
  done
done > "$LIST"
FRAMES="$(grep -c '^file' "$LIST")"
# The concat demuxer's last file needs repeating for its duration to count.
tail -n 2 "$LIST" | head -n 1 >> "$LIST"
ffmpeg -nostdin -hide_banner -loglevel error -y -f concat -safe 0 -i "$LIST" \
  -vf "scale=1920:1080:force_original_aspect_ratio=decrease,pad=1920:1080:(ow-iw)/2:(oh-ih)/2,fps=2,format=yuv420p" \
  -c:v libx264 -preset veryfast -crf 20 -g 2 -movflags +faststart "$VIDEO.tmp.mp4"
mv "$VIDEO.tmp.mp4" "$VIDEO"
echo "demo-media: wrote $VIDEO ($FRAMES frames at 2 fps)"
