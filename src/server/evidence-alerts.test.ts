import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { box } from '../core/box.js';
import type { TrackId } from '../core/track.js';
import type { ViolationEvent } from '../core/violation.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/index.js';
import { EvidenceAlerts } from './evidence-alerts.js';
import { Ingest } from './ingest.js';
import { LiveHub } from './live.js';

const T0 = Date.UTC(2026, 10, 20, 8, 0, 0);
const violation = (id: string, cameraId: string): ViolationEvent => ({
  id, cameraId, atMs: T0, ptsSec: 0, kind: 'violation', violation: 'wrong_way', ruleId: 'ww', ruleKind: 'wrong_way', trackId: 3 as TrackId, cls: 'car',
  box: box(0, 0, 10, 10), measurements: {}, params: {},
});
const errors: string[] = [];
const log = { error: (_o: object, m: string) => void errors.push(m), warn: () => undefined, info: () => undefined };

describe('evidence alerts', () => {
  let dir: string;
  let store: SqliteStore;
  const hub = new LiveHub();
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'argus-evalerts-'));
    store = await openSqliteStore({ path: join(dir, 'argus.db') });
  });
  afterAll(async () => {
    hub.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('raises one alert per camera, kind and period (critical when a write failed, a warning when one was dropped), counting the failures held back into the next one, and logs every failure', async () => {
    const alerts = new EvidenceAlerts(60_000);
    const problem = 'evidence not written: cannot write the evidence of v1 into /data/evidence: ENOSPC: no space left on device';
    const camA = { id: 'cam-a', name: 'Cổng A' };
    alerts.problem(camA, violation('v0', 'cam-a'), problem, 'failed', T0 - 1000); // before the service is bound
    alerts.bind(new Ingest(store, hub, log), log);
    for (let i = 1; i <= 4; i++) alerts.problem(camA, violation(`v${i}`, 'cam-a'), problem, 'failed', T0 + i * 1000);
    alerts.problem(camA, violation('d1', 'cam-a'), 'evidence dropped: 8 violations already waiting (limit 8)', 'dropped', T0 + 4500);
    alerts.problem({ id: 'cam-b', name: 'Cổng B' }, violation('w1', 'cam-b'), problem, 'failed', T0 + 5000);
    alerts.problem(camA, violation('v9', 'cam-a'), problem, 'failed', T0 + 1000 + 60_000);
    await new Promise((r) => setTimeout(r, 200));
    const stored = (await store.listAlerts({ kinds: ['evidence_failed', 'evidence_dropped'] })).items.sort((a, b) => a.atMs - b.atMs);
    expect(stored.map((a) => [a.kind, a.cameraId, a.severity, (a.payload as { violationId: string }).violationId, (a.payload as { heldBack: number }).heldBack])).toEqual([
      ['evidence_failed', 'cam-a', 'critical', 'v1', 1], ['evidence_dropped', 'cam-a', 'warning', 'd1', 0], ['evidence_failed', 'cam-b', 'critical', 'w1', 0],
      ['evidence_failed', 'cam-a', 'critical', 'v9', 3],
    ]);
    expect(stored[0]!.message).toContain('ENOSPC');
    expect(errors.filter((m) => m === 'violation evidence not written')).toHaveLength(7); // every problem after binding
  });
});
