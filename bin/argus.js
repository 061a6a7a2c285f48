#!/usr/bin/env node
// The `argus` command. Built code lives in dist/ (`npm run build`).
import '../dist/src/cli/run.js';
