#!/usr/bin/env node
// Bundle size budgets, gzip: what the first page load fetches (the entry script, its modulepreloads and the MapLibre
// worker it starts) and all JS together (lazy screens included). Exits 1 when either is over.
// Usage: node web/scripts/size-budget.mjs [--budget-kb N] [--total-budget-kb N]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const num = (flag, dflt) => {
  const i = process.argv.indexOf(flag);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
// Measured: first load 449 KB gzip (app + MapLibre 338 KB, MapLibre's worker 111 KB).
const BUDGET_KB = num('--budget-kb', 500);
const TOTAL_BUDGET_KB = num('--total-budget-kb', 800);

function walk(dir) {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
}
let files;
let html;
try {
  files = walk(DIST).filter((f) => f.endsWith('.js'));
  html = readFileSync(join(DIST, 'index.html'), 'utf8');
} catch {
  console.error(`size-budget: ${DIST} not found: build first (cd web && npm run build)`);
  process.exit(1);
}
// The first load: scripts and modulepreloads named in index.html, plus the MapLibre worker the map starts at once.
const initialNames = new Set([...html.matchAll(/(?:src|href)="[^"]*\/([^"/]+\.js)"/g)].map((m) => m[1]));
const isInitial = (f) => initialNames.has(basename(f)) || /maplibre-gl-csp-worker/.test(basename(f));
let raw = 0;
let gz = 0;
let first = 0;
for (const f of files) {
  const buf = readFileSync(f);
  const g = gzipSync(buf, { level: 9 }).length;
  raw += buf.length;
  gz += g;
  if (isInitial(f)) first += g;
  console.log(`${relative(DIST, f).padEnd(48)} ${(buf.length / 1024).toFixed(1).padStart(8)} KB  gzip ${(g / 1024).toFixed(1).padStart(7)} KB${isInitial(f) ? '  (first load)' : ''}`);
}
console.log(`first load JS: gzip ${(first / 1024).toFixed(1)} KB (budget ${BUDGET_KB} KB gzip)`);
console.log(`total JS: ${(raw / 1024).toFixed(1)} KB, gzip ${(gz / 1024).toFixed(1)} KB (budget ${TOTAL_BUDGET_KB} KB gzip)`);
let over = false;
if (first / 1024 > BUDGET_KB) {
  console.error(`size-budget: first load over budget by ${(first / 1024 - BUDGET_KB).toFixed(1)} KB gzip`);
  over = true;
}
if (gz / 1024 > TOTAL_BUDGET_KB) {
  console.error(`size-budget: total JS over budget by ${(gz / 1024 - TOTAL_BUDGET_KB).toFixed(1)} KB gzip`);
  over = true;
}
if (over) process.exit(1);
