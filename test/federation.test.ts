/**
 * Federation of a district into its province (issue 25), with real parts only: two installations (`argus serve`
 * child processes, each with its own SQLite store and data folder), each with its own nats-server (the district's
 * with JetStream domain `ds-tu-son`, the province's hub with domain `province`), the district's server a LEAF NODE
 * of the hub through a TCP relay that the test can cut. Events enter through the real ingest path (a partner API key
 * posting plate reads with real plate crops to the district's /api/ingest/sightings).
 *
 * (a) a shared camera's event reaches the province's store within 2 s, with its owner on the province's camera list;
 * (b) the events of the camera that is not shared never do: not in the province's store, not on any `argus.>`
 *     subject at the hub (a subscriber there, which also draws the leaf's interest), not in the province's stream;
 * (c) the link is cut for 60 s while events keep coming: the province raises a link alert, the backlog arrives
 *     complete after the link returns, each event stored once; both ends audited what crossed.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { liveRelayClient } from '../src/bus/live-relay.js';
import { DomainServer, freePort, LinkRelay } from '../src/bus/testing/nats-leaf.js';
import { DATA, REPO_ROOT, video } from './assets.js';
import { CHROMIUM, SCREENS, skipReason as webSkip } from './web/harness.js';
import { committedEvents, login, serve, type Service } from './serve-process.js';
import { waitFor } from './sse-client.js';

const PASSWORD = 'federation-test-admin-password';
const DISTRICT = 'ds-tu-son';
const CROP_FILE = join(DATA, 'vn_plates_bkav_thanglm20/images/P3_1__21T8_OCR_CNVN119_crop_0.jpg');
const CUT_MS = Number(process.env['ARGUS_FED_CUT_MS'] ?? 60_000);

const cleanup: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

const districtYaml = (nats: string): string => `version: 1
sites:
  - id: tu-son
    name: Công an thị xã Từ Sơn
cameras:
  - id: ts-gate-1
    name: Cổng Từ Sơn 1 (chia sẻ)
    site: tu-son
    kind: gateway
    source: ${video('opencv4nodejs_traffic.mp4')}
    enabled: false
    location: { lat: 21.12, lng: 105.96 }
    area: { district: Từ Sơn, ward: Đông Ngàn }
  - id: ts-private-2
    name: Camera nội bộ 2 (không chia sẻ)
    site: tu-son
    kind: gateway
    source: ${video('opencv4nodejs_traffic.mp4')}
    enabled: false
    location: { lat: 21.13, lng: 105.97 }
federation:
  role: district
  id: ${DISTRICT}
  name: Công an thị xã Từ Sơn
  nats: ${nats}
  share: { cameras: [ts-gate-1] }
  statusEverySec: 1
`;

const provinceYaml = (nats: string): string => `version: 1
sites:
  - id: bac-ninh
    name: Công an tỉnh Bắc Ninh
federation:
  role: province
  id: province
  nats: ${nats}
  districts:
    - id: ${DISTRICT}
  linkTimeoutSec: 5
`;

interface Api {
  get<T>(path: string): Promise<T>;
}
async function api(url: string, username = 'admin', password = PASSWORD): Promise<Api & { post(path: string, body: unknown): Promise<Response>; raw(path: string): Promise<Response> }> {
  const s = await login(url, username, password);
  return {
    async get<T>(path: string): Promise<T> {
      const res = await fetch(`${url}${path}`, { headers: { cookie: s.cookie } });
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    raw: (path) => fetch(`${url}${path}`, { headers: { cookie: s.cookie } }),
    post: (path, body) => fetch(`${url}${path}`, { method: 'POST', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  };
}

describe('a district linked to its province over a NATS leaf node', () => {
  it('carries the shared camera\'s events within 2 s, never the other camera\'s, and the whole backlog once after a 60 s cut', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-fed-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));

    // NATS: the hub, the relay (the "WAN link"), the district's leaf server.
    const relayPort = await freePort();
    const hub = await DomainServer.start({ name: 'hub', domain: 'province', leafListen: true, leafAdvertise: `127.0.0.1:${relayPort}` });
    cleanup.push(() => hub.stop());
    const relay = await LinkRelay.start(hub.leafPort!, relayPort);
    cleanup.push(() => relay.cut());
    const leaf = await DomainServer.start({ name: 'district', domain: DISTRICT, leafRemote: { url: relay.url, denyExports: ['argus.cam.>', '$KV.>', '$O.>'] } });
    cleanup.push(() => leaf.stop());
    await waitFor('the leaf connection', async () => (await hub.leafCount()) === 1, 20_000);

    // A spy at the hub: every argus.> message that ever reaches the province's side.
    const spyNc = await connect({ servers: hub.url });
    cleanup.push(() => spyNc.close());
    const atHub: Array<{ subject: string; data: string; atMs: number }> = [];
    spyNc.subscribe('argus.>', { callback: (_e, m) => void atHub.push({ subject: m.subject, data: m.string(), atMs: Date.now() }) });

    // The two installations.
    const districtConf = join(dir, 'district.yaml');
    const provinceConf = join(dir, 'province.yaml');
    await writeFile(districtConf, districtYaml(leaf.url));
    await writeFile(provinceConf, provinceYaml(hub.url));
    const province: Service = await serve({ dataDir: join(dir, 'province'), config: provinceConf, env: { ARGUS_ADMIN_PASSWORD: PASSWORD } });
    cleanup.push(async () => void province.child.kill('SIGKILL'));
    const district: Service = await serve({ dataDir: join(dir, 'district'), config: districtConf, env: { ARGUS_ADMIN_PASSWORD: PASSWORD } });
    cleanup.push(async () => void district.child.kill('SIGKILL'));
    const provinceStore = { dataDir: join(dir, 'province') };
    const failWith = (e: unknown): never => {
      const fed = (out: string): string => out.split('\n').filter((l) => !l.includes('request')).slice(-30).join('\n');
      throw new Error(`${(e as Error).message}\n--- district:\n${fed(district.output())}\n--- province:\n${fed(province.output())}`);
    };

    const dApi = await api(district.url);
    const pApi = await api(province.url);
    const keyRes = await dApi.post('/api/apikeys', { name: 'anpr', scopes: ['ingest.write'], scope: { cameraIds: ['ts-gate-1', 'ts-private-2'] }, rateLimitPerMin: 100_000 });
    expect(keyRes.status).toBe(200);
    const key = ((await keyRes.json()) as { secret: string }).secret;
    const crop = (await sharp(await readFile(CROP_FILE)).resize({ height: 40 }).jpeg({ quality: 80 }).toBuffer()).toString('base64');

    let n = 0;
    const posted = { shared: [] as string[], private: [] as string[] };
    /** One batch through the district's real ingest API: one read of each camera. */
    const post = async (): Promise<{ shared: string; private: string }> => {
      const i = n++;
      const ids = { shared: `fed-s-${String(i).padStart(5, '0')}`, private: `fed-p-${String(i).padStart(5, '0')}` };
      const sightings = [
        { id: ids.shared, cameraId: 'ts-gate-1', atMs: Date.now(), plate: `99A${String(10000 + i)}`, confidence: 0.93, ...(i % 5 === 0 ? { cropJpeg: crop } : {}) },
        { id: ids.private, cameraId: 'ts-private-2', atMs: Date.now(), plate: `99B${String(10000 + i)}`, confidence: 0.91 },
      ];
      const res = await fetch(`${district.url}/api/ingest/sightings`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ sightings }) });
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
      posted.shared.push(ids.shared);
      posted.private.push(ids.private);
      return ids;
    };

    // The province knows the district's camera (its heartbeat), with its owner; never the private one.
    await waitFor('the shared camera on the province\'s camera list', async () => {
      const cams = await pApi.get<{ items: Array<{ id: string; owner: { id: string; name: string } | null; status: { health: string } | null }> }>('/api/cameras');
      return cams.items.some((c) => c.id === 'ts-gate-1');
    }, 30_000).catch(failWith);

    // The province's JetStream sources the district's stream once both exist (nats-server retries the source every
    // few seconds while the district's stream is missing): the link is up when the source reports activity.
    const hubNc = await connect({ servers: hub.url });
    cleanup.push(() => hubNc.close());
    const jsm = await jetstreamManager(hubNc);
    const linkUpStart = Date.now();
    const source = async () => (await jsm.streams.info('ARGUS_FED_IN')).sources?.[0];
    await waitFor('the province sourcing the district\'s stream', async () => {
      const s0 = await source();
      return s0 && !s0.error && s0.active >= 0 && s0.active < 5_000_000_000;
    }, 30_000).catch(failWith);
    console.log(`federation source up ${Date.now() - linkUpStart} ms after the district's camera was listed: ${JSON.stringify(await source())}`);

    // (a) Latency: from the district's 200 (committed there) to the province's commit, read from its SQLite file.
    // The province stream's very first message waits ~2 s in the province's consumer (measured: stored in the sourced
    // stream ~100 ms after the post, handed to the pull consumer ~2 s later; every later one at once): it is measured
    // and reported apart, bounded at 5 s. Then 5 events back to back and one after 6 s of quiet, each within 2 s.
    const latency = async (): Promise<number> => {
      const t0 = Date.now();
      const ids = await post();
      await waitFor(`event ${ids.shared} at the province`, async () => (await committedEvents(provinceStore, 'ts-gate-1')).some((e) => e.id === ids.shared), 10_000).catch(failWith);
      return Date.now() - t0;
    };
    const first = await latency();
    const latencies: number[] = [];
    for (let k = 0; k < 5; k++) latencies.push(await latency());
    await new Promise((r) => setTimeout(r, 6000));
    latencies.push(await latency());
    console.log(`federation latency, district ingest 200 -> province store (ms): first message of the stream ${first}; then ${latencies.join(', ')} (the last after 6 s of quiet)`);
    expect(first).toBeLessThan(2000);
    expect(Math.max(...latencies)).toBeLessThan(2000);
    const cams = await pApi.get<{ items: Array<{ id: string; siteId: string; owner: { id: string; name: string } | null }> }>('/api/cameras');
    expect(cams.items.find((c) => c.id === 'ts-gate-1')?.owner).toEqual({ id: DISTRICT, name: 'Công an thị xã Từ Sơn' });
    expect(cams.items.some((c) => c.id === 'ts-private-2')).toBe(false);

    // (c) Cut the link for CUT_MS while the district keeps taking events.
    await relay.cut();
    const cutAt = Date.now();
    await waitFor('the hub to see the leaf gone', async () => (await hub.leafCount()) === 0, 10_000);
    const leafGone = async (): Promise<void> => {
      if ((await hub.leafCount()) !== 0) throw new Error('the district\'s leaf came back while the link was cut');
    };
    const during = (async () => {
      while (Date.now() - cutAt < CUT_MS) {
        await post();
        await leafGone();
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    during.catch(() => undefined); // awaited below; a failure before that must not go unhandled
    await waitFor('the link alert at the province', async () => {
      const a = await pApi.get<{ items: Array<{ kind: string; atMs: number }> }>('/api/alerts?limit=50');
      return a.items.some((x) => x.kind === 'federation_link_lost' && x.atMs >= cutAt);
    }, 20_000).catch(async (e: unknown) => failWith(new Error(`${(e as Error).message}; hub connz ${JSON.stringify(((await (await fetch(`http://127.0.0.1:${hub.httpPort}/connz`)).json()) as { connections: Array<{ name?: string; port: number }> }).connections.map((c) => [c.name, c.port]))}; leafz ${await (await fetch(`http://127.0.0.1:${hub.httpPort}/leafz`)).text()}; at the hub since the cut: ${atHub.filter((m) => m.atMs >= cutAt).map((m) => m.subject).join(', ')}`)));
    const lostAfterMs = Date.now() - cutAt;
    const offline = await pApi.get<{ items: Array<{ id: string; health: string }> }>('/api/cameras/status');
    expect(offline.items.find((s) => s.id === 'ts-gate-1')?.health).toBe('offline');
    await during;
    const atCut = (await committedEvents(provinceStore, 'ts-gate-1')).length;
    await relay.restore();
    const restoredAt = Date.now();
    await waitFor('the leaf connection back', async () => (await hub.leafCount()) === 1, 30_000);
    await post(); // and one after the link is back

    await waitFor('the whole backlog at the province', async () => (await committedEvents(provinceStore, 'ts-gate-1')).length >= posted.shared.length, 60_000).catch(failWith);
    const caughtUpMs = Date.now() - restoredAt;
    await new Promise((r) => setTimeout(r, 1500)); // anything doubled would land now
    const stored = await committedEvents(provinceStore);
    const sharedIds = stored.filter((e) => e.cameraId === 'ts-gate-1').map((e) => e.id);
    console.log(`federation cut ${CUT_MS} ms: ${posted.shared.length} shared events posted, ${atCut} at the province when the link returned, all ${sharedIds.length} ${caughtUpMs} ms after it; link alert ${lostAfterMs} ms after the cut`);
    expect(new Set(sharedIds).size).toBe(sharedIds.length);
    expect([...sharedIds].sort()).toEqual([...posted.shared].sort());
    expect(atCut).toBeLessThan(posted.shared.length - 10); // the backlog really waited for the link

    // (b) The private camera: not in the province's store, never at the hub, not in the province's stream.
    expect(stored.filter((e) => e.cameraId === 'ts-private-2' || posted.private.includes(e.id))).toEqual([]);
    expect(atHub.filter((m) => m.data.includes('ts-private-2') || m.subject.includes('ts-private-2'))).toEqual([]);
    expect(atHub.some((m) => m.subject.startsWith(`argus.fed.${DISTRICT}.ts-gate-1.`))).toBe(true); // the spy did see traffic
    const inStream = (await jsm.streams.info('ARGUS_FED_IN')).state;
    expect(inStream.num_subjects).toBe(1); // argus.fed.ds-tu-son.ts-gate-1.plate_read only

    // The province's sightings carry the crops that crossed; the link-restored alert; both ends audited the crossing.
    const withCrop = posted.shared.filter((_, i) => i % 5 === 0);
    const db = new Database(join(dir, 'province', 'argus.db'), { readonly: true, fileMustExist: true });
    const sightings = db.prepare('select id, crop_ref as cropRef from sightings where camera_id = ?').all('ts-gate-1') as Array<{ id: string; cropRef: string | null }>;
    db.close();
    expect(sightings.length).toBe(posted.shared.length);
    expect(sightings.filter((r) => r.cropRef !== null).map((r) => r.id).sort()).toEqual([...withCrop].sort());
    await waitFor('the link-restored alert', async () => (await pApi.get<{ items: Array<{ kind: string; atMs: number }> }>('/api/alerts?limit=50')).items.some((x) => x.kind === 'federation_link_restored' && x.atMs >= restoredAt), 20_000);
    await waitFor('the audit rows of both ends', async () => {
      const sent = await auditCount(dApi, 'fed.sent');
      const received = await auditCount(pApi, 'fed.received');
      return sent === posted.shared.length && received >= posted.shared.length;
    }, 30_000).catch(async (e: unknown) => failWith(new Error(`${(e as Error).message}: sent ${await auditCount(dApi, 'fed.sent')}, received ${await auditCount(pApi, 'fed.received')}, posted ${posted.shared.length}`)));

    // Province users' area scope applies to a district's camera as to a local one (its area came from the district).
    for (const [username, area, sees] of [['op-tu-son', 'Từ Sơn', true], ['op-que-vo', 'Quế Võ', false]] as const) {
      const res = await pApi.post('/api/users', { username, password: `${PASSWORD}-${username}`, roles: ['operator'], scope: { districts: [area] } });
      expect(res.status, await res.clone().text()).toBe(200);
      const user = await api(province.url, username, `${PASSWORD}-${username}`);
      const visible = await user.get<{ items: Array<{ id: string }> }>('/api/cameras');
      expect(visible.items.some((c) => c.id === 'ts-gate-1'), username).toBe(sees);
      const events = await user.get<{ items: Array<{ cameraId: string }> }>('/api/events?limit=20');
      expect(events.items.length > 0, username).toBe(sees);
    }

    // Live view of the shared camera at the province: the district opens it and relays it across the leaf (the province
    // cannot reach the district's cameras); both ends audit it. The district answers for its shared cameras only.
    const liveStart = Date.now();
    const pl = await pApi.raw('/api/cameras/ts-gate-1/live.m3u8');
    const playlist = await pl.text();
    expect(pl.status, playlist).toBe(200);
    const seg = /^(hls\/seg\d+\.ts)$/m.exec(playlist)?.[1];
    expect(seg, playlist).toBeDefined();
    const segRes = await pApi.raw(`/api/cameras/ts-gate-1/${seg}`);
    const ts = Buffer.from(await segRes.arrayBuffer());
    expect(segRes.status, ts.subarray(0, 200).toString()).toBe(200);
    console.log(`federated live view: playlist at the province ${Date.now() - liveStart} ms after the request, first segment ${ts.byteLength} bytes`);
    expect(ts.byteLength).toBeGreaterThan(188 * 10);
    for (let i = 0; i < ts.byteLength; i += 188) expect(ts[i]).toBe(0x47);
    const pView = (await pApi.get<{ items: Array<{ actor: string; target: string; details: { what?: string; district?: string } }> }>('/api/audit?action=footage.view&limit=20')).items;
    expect(pView.some((a) => a.target === 'ts-gate-1' && a.details.what === 'live' && a.details.district === DISTRICT)).toBe(true);
    const dView = (await dApi.get<{ items: Array<{ actor: string; target: string }> }>('/api/audit?action=fed.live&limit=20')).items;
    expect(dView.map((a) => [a.actor, a.target])).toEqual([['system:federation', 'ts-gate-1']]);
    // Asked straight on the hub for the district's other camera (which the province does not even list): refused there.
    await expect(liveRelayClient(hubNc, `argus.fedlive.${DISTRICT}`, 'district').playlist('ts-private-2')).rejects.toMatchObject({ code: 'forbidden' });

    // The command centre (Debian chromium on the province's built UI): the shared camera listed with its owner's badge.
    if (webSkip) console.warn(`federation UI check skipped: ${webSkip}`);
    else {
      /* eslint-disable @typescript-eslint/no-explicit-any -- playwright-core is loaded from web/node_modules at run time */
      const { chromium } = (await import(join(REPO_ROOT, 'web/node_modules/playwright-core/index.mjs'))) as any;
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
      cleanup.push(() => browser.close());
      const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
      page.setDefaultTimeout(20_000);
      await page.goto(province.url);
      await page.getByLabel('Tên đăng nhập').fill('admin');
      await page.getByLabel('Mật khẩu').fill(PASSWORD);
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      await page.locator('[data-testid=map][data-ready=true]').waitFor();
      const badge = page.locator('[data-testid=owner-badge]');
      await badge.waitFor();
      expect(await badge.count()).toBe(1);
      expect(await badge.textContent()).toBe('Công an thị xã Từ Sơn');
      await mkdir(SCREENS, { recursive: true });
      await page.screenshot({ path: join(SCREENS, 'federation-province-camera-list.png') });
      /* eslint-enable @typescript-eslint/no-explicit-any */
    }

    district.child.kill('SIGTERM');
    province.child.kill('SIGTERM');
    expect((await district.exited).code).toBe(0);
    expect((await province.exited).code).toBe(0);
  }, 300_000);
});

/** The events that crossed according to the audit rows of one end (their `count`s summed). */
async function auditCount(a: Api, action: string): Promise<number> {
  const rows = await a.get<{ items: Array<{ action: string; details: { count?: number } }> }>(`/api/audit?action=${action}&limit=500`);
  return rows.items.filter((r) => r.action === action).reduce((s, r) => s + (r.details.count ?? 0), 0);
}
