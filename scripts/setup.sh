#!/usr/bin/env bash
# One set-up command: system packages, npm packages (no downloads outside the npm registry), build.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
export ONNXRUNTIME_NODE_INSTALL=skip
npm install --no-audit --no-fund   # honours package-lock.json (npm ci rejects this platform-only lock)
npm install --prefix web --no-audit --no-fund
npm run build
npm run build:web
node bin/argus.js faces convert   # face-api's 128-d ResNet (tfjs weights in node_modules) → data/models/face/*.onnx
bash scripts/demo-media.sh   # the demo's ANPR gate video, from the shared assets
echo "setup: done. Try: node bin/argus.js --help"
