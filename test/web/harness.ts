/**
 * Shared set-up of the web UI end-to-end tests: Debian's chromium (playwright-core, never a downloaded browser) against
 * the real service (buildServer, as `argus serve` builds it, answers checked against src/contract) on a random port with the demo site (6 cameras of Đà Nẵng
 * fed by the looping road videos) and the shared models. Each test file calls `webUi()` inside its describe and gets
 * the page, server and store; `signIn()` logs in as the demo admin; `shot(name)` keeps a screenshot in
 * test-artifacts/screens/. `skipReason` says why the UI tests skip here (web/dist not built, no chromium, no playwright-core,
 * no assets); on CI (`CI=true`) they never skip: webUi() throws what is missing, and every test of the file fails.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { buildServer, type ArgusServer } from '../../src/server/app.js';
import type { OnvifRouteOptions } from '../../src/server/routes/onvif.js';
import { loadServiceConfig } from '../../src/server/config.js';
import { openServiceStore } from '../../src/server/open-store.js';
import { createStageProvider, serviceEvidence } from '../../src/pipeline/runtime/stages.js';
import { assertContractKept } from '../../src/server/testing/harness.js';
import { createUser } from '../../src/server/users.js';
import type { Store } from '../../src/store/store.js';
import { ASSETS, MODELS, REPO_ROOT, hasAssets } from '../assets.js';

/** Debian's chromium; ARGUS_TEST_CHROMIUM names another (used to check that CI fails without one). */
export const CHROMIUM = process.env.ARGUS_TEST_CHROMIUM ?? '/usr/bin/chromium';
/** The built UI: web/dist, or ARGUS_WEB_DIST (a private build, e.g. `npx vite build --outDir /tmp/x` in web/). */
export const DIST = process.env.ARGUS_WEB_DIST ?? join(REPO_ROOT, 'web/dist');
const PLAYWRIGHT = join(REPO_ROOT, 'web/node_modules/playwright-core/index.mjs');
export const SCREENS = join(REPO_ROOT, 'test-artifacts/screens');
export const PASSWORD = 'demo-admin-pass-1';

/** Why the browser tests cannot run here ('' when they can). */
export const missing = !existsSync(join(DIST, 'index.html')) ? 'web/dist is not built (npm run build:web)'
  : !existsSync(CHROMIUM) ? `${CHROMIUM} is absent (apt-get install -y chromium)`
  : !existsSync(PLAYWRIGHT) ? 'web/node_modules/playwright-core is not installed (npm install --prefix web)'
  : !hasAssets() ? `the shared assets are absent (${ASSETS})` : '';
/** On CI (`CI` set) a browser test never skips: what is missing fails it in webUi()'s beforeAll (requireBrowser). */
export const onCi = (process.env.CI ?? '') !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
/** Why the browser tests skip: what is missing, off CI only. */
export const skipReason = onCi ? '' : missing;

/** Throws, naming what is missing, when the browser tests cannot run (on CI, where they do not skip). */
export function requireBrowser(): void {
  if (missing !== '') throw new Error(`browser tests cannot run: ${missing} (CI=${process.env.CI ?? ''}: a missing browser fails the tests, it does not skip them)`);
}

/* eslint-disable @typescript-eslint/no-explicit-any -- playwright-core is loaded from web/node_modules at run time */
export interface WebUi {
  readonly page: any;
  readonly browser: any;
  readonly server: ArgusServer;
  readonly store: Store;
  readonly url: string;
  readonly dataDir: string;
  /** Keeps a screenshot of the page as test-artifacts/screens/<name>.png. */
  shot(name: string): Promise<void>;
  /** Opens the app and signs in as the demo admin (Vietnamese UI); resolves when the map is ready. */
  signIn(username?: string, password?: string): Promise<void>;
}

export interface WebUiOptions {
  /** Run the demo cameras' analysis (default true). Screens that need no live video save the two cores with false. */
  readonly cameras?: boolean;
  readonly viewport?: { width: number; height: number };
  /** ONVIF discovery of the service (the interfaces it probes: the ONVIF test gives loopback). */
  readonly onvif?: OnvifRouteOptions;
  /** server.cameraNetworks instead of the demo's (a camera on loopback: 127.0.0.1/32). */
  readonly cameraNetworks?: readonly string[];
  /** Only these demo cameras are switched on (the others' analysis would share the two cores): all when absent. */
  readonly onlyCameras?: readonly string[];
  /** Only these demo cameras exist at all (default: all of config/demo.yaml's). */
  readonly keepCameras?: readonly string[];
  /** Other sources for demo cameras, by id (a test RTSP camera instead of the looping file). */
  readonly sources?: Readonly<Record<string, string>>;
}

/** Registers beforeAll/afterAll in the calling describe; the returned object is filled once beforeAll has run. */
export function webUi(opts: WebUiOptions = {}): WebUi {
  const ui = {} as { -readonly [K in keyof WebUi]: WebUi[K] };
  let closeStages: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    requireBrowser();
    await mkdir(SCREENS, { recursive: true });
    ui.dataDir = await mkdtemp(join(tmpdir(), 'argus-web-'));
    const demo = await loadServiceConfig(join(REPO_ROOT, 'config/demo.yaml'), { ...process.env, ARGUS_ASSETS: ASSETS });
    // The demo's cameras for the screens, without the rules and the scene they need (zones, lanes, calibration, speed
    // limits: the demo's own test, test/demo.test.ts, runs those; a screen's test draws and sets what it shows) and
    // with the ANPR gate camera off (whole-frame plate reading at 1080p would take a core from the browser). A test may
    // feed a camera from another source, or run only some of them.
    const only = opts.onlyCameras;
    const screens = {
      ...demo,
      cameras: demo.cameras.filter((c) => !opts.keepCameras || opts.keepCameras.includes(c.id)).map(({ calibration: _c, speedLimits: _s, ...c }) => ({
        ...c, rules: [], zones: [], lanes: [], source: opts.sources?.[c.id] ?? c.source,
        enabled: c.enabled && c.plates !== 'anpr' && (!only || only.includes(c.id)),
      })),
    };
    const config = opts.cameraNetworks ? { ...screens, server: { ...screens.server, cameraNetworks: [...opts.cameraNetworks] } } : screens;
    ({ store: ui.store } = await openServiceStore({ dataDir: ui.dataDir }, {}));
    await createUser(ui.store, { username: 'admin', password: PASSWORD, roles: ['admin'] });
    // The service's stages, as `argus serve` wires them (plates, rules, evidence: none in the demo until a test sets them).
    const stages = createStageProvider({ config, evidence: serviceEvidence(ui.dataDir), plateWorkers: 1 });
    closeStages = () => stages.close();
    ui.server = await buildServer({
      store: ui.store, config, logger: false, webRoot: DIST, cameras: { modelsDir: MODELS, stages }, startCameras: opts.cameras ?? true,
      footage: { dataDir: ui.dataDir }, checkResponses: true, ...(opts.onvif ? { onvif: opts.onvif } : {}),
    });
    ui.url = await ui.server.listen(0);
    const { chromium } = (await import(PLAYWRIGHT)) as any;
    ui.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    ui.page = await ui.browser.newPage({ viewport: opts.viewport ?? { width: 1600, height: 900 } });
    ui.page.setDefaultTimeout(20_000);
    ui.shot = async (name) => {
      await ui.page.screenshot({ path: join(SCREENS, `${name}.png`) });
    };
    ui.signIn = async (username = 'admin', password = PASSWORD) => {
      await ui.page.goto(ui.url);
      await ui.page.getByLabel('Tên đăng nhập').fill(username);
      await ui.page.getByLabel('Mật khẩu').fill(password);
      await ui.page.getByRole('button', { name: 'Đăng nhập' }).click();
      await ui.page.locator('[data-testid=map][data-ready=true]').waitFor();
    };
  }, 60_000);
  afterAll(async () => {
    await ui.browser?.close();
    await ui.server?.close();
    await closeStages?.();
    if (ui.dataDir) await rm(ui.dataDir, { recursive: true, force: true });
    if (ui.server) assertContractKept(ui.server);
  });
  return ui;
}
