#!/usr/bin/env -S node --max-semi-space-size=32
// The `argus` command. Built code lives in dist/ (`npm run build`).
// --max-semi-space-size=32 (MB): a box of cameras allocates a frame buffer per camera and frame (55 MB/s at 16
// cameras of 640×360 at 5 fps); a larger young generation lets them die in cheap scavenges rather than in full
// collections on the thread that carries every camera (bench capacity, 16 cameras: 13 % → 6 % of frames dropped on
// 2 cores). Run as `node bin/argus.js …`, pass it yourself: `node --max-semi-space-size=32 bin/argus.js serve …`.
import '../dist/src/cli/run.js';
