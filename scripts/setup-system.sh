#!/usr/bin/env bash
# Installs the Debian packages Argus needs (idempotent; only what is missing). Run as root or with sudo.
#   ffmpeg                      decoding, recording, clips, HLS
#   gstreamer RTSP server       a real RTSP camera for the tests (scripts/rtsp-server.py)
#   fonts-dejavu-core           Vietnamese text on evidence pictures, notices and report PDFs
#   poppler-utils               report PDFs rendered to pictures and read back in the tests (pdftoppm, pdftotext)
#   chromium                    the web UI's end-to-end tests (playwright-core drives Debian's chromium)
#   nats-server                 the scaled mode's bus (JetStream); tests start their own clusters
#   postgresql                  the scaled mode's store; tests that stop or restart it start their own instance
set -euo pipefail

PACKAGES=(
  ffmpeg
  python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly
  fonts-dejavu-core fontconfig poppler-utils
  chromium
  nats-server postgresql
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-system: all system packages present"
  exit 0
fi
echo "setup-system: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
