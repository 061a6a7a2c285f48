/**
 * The demo as a new user starts it (`npm start`: `argus serve --config config/demo.yaml`, here on a free port with
 * its own data folder): its cameras loop the real road clips with the rules config/demo.yaml gives them, and within
 * two minutes the violations page holds real violations of several kinds, each with a signed evidence package that
 * verifies with the service's key (and fails once a byte changes).
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PUBLIC_KEY_FILE, readPublicKeyFile } from '../src/evidence/keys.js';
import { verifyEvidence } from '../src/evidence/verify.js';
import { resolveEvidencePath } from '../src/server/evidence-files.js';
import { ASSETS, REPO_ROOT } from './assets.js';
import { login, serve, type Service } from './serve-process.js';
import { CHROMIUM, SCREENS, skipReason as webSkip } from './web/harness.js';

const PASSWORD = 'demo-test-admin-1';
/**
 * What the demo must show within its first two minutes (issue 22: three kinds). Measured here: speeding, red light and
 * wrong way (the boulevard's rider, with the default tracker) 38 s after the start.
 */
const WITHIN_MS = 120_000;
const MIN_KINDS = 3;

interface Violation { id: string; kind: string; cameraId: string; atMs: number; evidenceProblem?: string | null }
interface Detail extends Violation { evidence: Array<{ id: string; kind: string; path: string; sha256: string }> }

let service: Service | undefined;
let dir = '';
afterAll(async () => {
  service?.child.kill('SIGTERM');
  await service?.exited;
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the demo (npm start)', () => {
  it(`holds violations of at least ${MIN_KINDS} kinds with verified evidence within 2 minutes of the start`, async () => {
    dir = await mkdtemp(join(tmpdir(), 'argus-demo-'));
    const dataDir = join(dir, 'data');
    const started = Date.now();
    service = await serve({ dataDir, config: join(REPO_ROOT, 'config/demo.yaml'), env: { ARGUS_ADMIN_PASSWORD: PASSWORD, ARGUS_ASSETS: ASSETS } });
    const s = await login(service.url, 'admin', PASSWORD);
    const violations = async (): Promise<Violation[]> => {
      const res = await fetch(`${service!.url}/api/violations?limit=200`, { headers: { cookie: s.cookie } });
      if (res.status !== 200) throw new Error(`GET /api/violations: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { items: Violation[] }).items;
    };
    const detail = async (id: string): Promise<Detail> => {
      const res = await fetch(`${service!.url}/api/violations/${id}`, { headers: { cookie: s.cookie } });
      if (res.status !== 200) throw new Error(`GET /api/violations/${id}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Detail;
    };
    let seen: Violation[] = [];
    // A kind counts once one of its violations has a signed package (written a few seconds after the violation).
    const packaged = new Map<string, Detail>();
    const kinds = () => new Set(packaged.keys());
    while (Date.now() - started < WITHIN_MS && kinds().size < MIN_KINDS) {
      await new Promise((r) => setTimeout(r, 2000));
      seen = await violations();
      for (const v of seen) {
        if (packaged.has(v.kind)) continue;
        const d = await detail(v.id);
        if (d.evidence.some((e) => e.kind === 'manifest')) packaged.set(v.kind, d);
      }
    }
    const byKind = [...kinds()].map((k) => [k, seen.filter((v) => v.kind === k).length]);
    console.log(`demo: ${seen.length} violations ${Math.round((Date.now() - started) / 1000)} s after the start, by kind ${JSON.stringify(byKind)}, cameras ${JSON.stringify([...new Set(seen.map((v) => v.cameraId))])}`);
    expect(kinds().size, service.output().slice(-3000)).toBeGreaterThanOrEqual(MIN_KINDS);

    // What a new user sees (the README's first screen): the violations page of the running demo, in Debian chromium.
    if (webSkip) console.warn(`demo screenshot skipped: ${webSkip}`);
    else {
      /* eslint-disable @typescript-eslint/no-explicit-any -- playwright-core is loaded from web/node_modules at run time */
      const { chromium } = (await import(join(REPO_ROOT, 'web/node_modules/playwright-core/index.mjs'))) as any;
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
      try {
        const page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
        page.setDefaultTimeout(30_000);
        await page.goto(service.url);
        await page.getByLabel('Tên đăng nhập').fill('admin');
        await page.getByLabel('Mật khẩu').fill(PASSWORD);
        await page.getByRole('button', { name: 'Đăng nhập' }).click();
        await page.locator('[data-testid=map][data-ready=true]').waitFor();
        await page.goto(`${service.url}/#/violations`);
        await page.locator('[data-testid=violation-queue] li').first().waitFor();
        await page.locator('[data-testid=violation-detail] img').first().waitFor().catch(() => undefined);
        await page.waitForLoadState('networkidle').catch(() => undefined);
        // Every picture of the evidence loaded (evaluated in the page).
        await page.waitForFunction("[...document.querySelectorAll('[data-testid=violation-detail] img')].every((i) => i.complete && i.naturalWidth > 0)", undefined, { timeout: 15_000 }).catch(() => undefined);
        await mkdir(SCREENS, { recursive: true });
        await page.screenshot({ path: join(SCREENS, '00-demo-violations.png') });
        // The figure the violation rests on (a measured speed, how long the light had been red) comes first, in words.
        const main = page.locator('[data-testid=measurements] div.main');
        expect(await main.count()).toBeGreaterThan(0);
        expect(await main.first().textContent()).toMatch(/km\/h|\d s|đỏ|red/);
      } finally {
        await browser.close();
      }
      /* eslint-enable @typescript-eslint/no-explicit-any */
    }

    // Each kind's first violation: its package verifies with the service's key; a changed byte fails it.
    const key = await readPublicKeyFile(join(dataDir, 'keys', PUBLIC_KEY_FILE));
    const evidenceRoot = join(dataDir, 'evidence');
    for (const k of kinds()) {
      const v = packaged.get(k)!;
      const manifest = v.evidence.find((e) => e.kind === 'manifest')!;
      // The manifest item names the signed package's folder.
      const pkg = await resolveEvidencePath(evidenceRoot, manifest.path);
      expect(pkg, manifest.path).not.toBeNull();
      const ok = await verifyEvidence(pkg!, key);
      expect(ok.ok, `${k} ${v.id}: ${JSON.stringify(ok)}`).toBe(true);
      // One byte of a picture in the package changed: the package no longer verifies.
      const picture = (await readdir(pkg!)).find((f) => /\.(jpe?g|png)$/.test(f));
      expect(picture, `${k}: a picture in ${pkg}`).toBeDefined();
      const file = join(pkg!, picture!);
      const bytes = await readFile(file);
      bytes.writeUInt8(bytes.readUInt8(bytes.length >> 1) ^ 0xff, bytes.length >> 1);
      await writeFile(file, bytes);
      expect((await verifyEvidence(pkg!, key)).ok, `${k}: a changed byte must fail`).toBe(false);
    }
  }, 200_000);
});
