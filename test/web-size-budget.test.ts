import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './assets.js';

/** The web bundle's size budgets (gzip: the first load, and all JS); skips, saying why, when the UI is not built. */
const SCRIPT = join(REPO_ROOT, 'web/scripts/size-budget.mjs');
const built = existsSync(join(REPO_ROOT, 'web/dist/index.html'));
/** On CI the budget is checked, never skipped: an unbuilt UI fails it. */
const onCi = (process.env.CI ?? '') !== '' && process.env.CI !== 'false' && process.env.CI !== '0';

describe.skipIf(!built && !onCi)(`the web bundle size budget${built ? '' : ' (skipped: web/dist is not built: cd web && npm ci && npm run build)'}`, () => {
  it('keeps the built JavaScript within its gzip budget', () => {
    const r = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toMatch(/first load JS: gzip [\d.]+ KB \(budget \d+ KB gzip\)/);
    expect(r.stdout + r.stderr).toMatch(/total JS: [\d.]+ KB, gzip [\d.]+ KB \(budget \d+ KB gzip\)/);
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  it('fails when the bundle is over a budget', () => {
    const r = spawnSync(process.execPath, [SCRIPT, '--budget-kb', '50'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('first load over budget');
  });

  it('fails when all JS together is over its budget', () => {
    const r = spawnSync(process.execPath, [SCRIPT, '--total-budget-kb', '100'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('total JS over budget');
  });
});
