#!/usr/bin/env node
// Bundle size budget: fails (exit 1) when the gzip size of web/dist JS exceeds the budget. MapLibre (main + worker)
// is most of it. Usage: node web/scripts/size-budget.mjs [--budget-kb N]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const arg = process.argv.indexOf('--budget-kb');
const BUDGET_KB = arg > 0 ? Number(process.argv[arg + 1]) : 500; // gzip, all JS; measured 449 KB gzip (1.64 MB raw: app+MapLibre 1.19 MB, worker 0.45 MB)

function walk(dir) {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
}
let files;
try {
  files = walk(DIST).filter((f) => f.endsWith('.js'));
} catch {
  console.error(`size-budget: ${DIST} not found: build first (cd web && npm run build)`);
  process.exit(1);
}
let raw = 0;
let gz = 0;
for (const f of files) {
  const buf = readFileSync(f);
  const g = gzipSync(buf, { level: 9 }).length;
  raw += buf.length;
  gz += g;
  console.log(`${relative(DIST, f).padEnd(48)} ${(buf.length / 1024).toFixed(1).padStart(8)} KB  gzip ${(g / 1024).toFixed(1).padStart(7)} KB`);
}
console.log(`total JS: ${(raw / 1024).toFixed(1)} KB, gzip ${(gz / 1024).toFixed(1)} KB (budget ${BUDGET_KB} KB gzip)`);
if (gz / 1024 > BUDGET_KB) {
  console.error(`size-budget: over budget by ${(gz / 1024 - BUDGET_KB).toFixed(1)} KB gzip`);
  process.exit(1);
}
