import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Histogram } from '../../core/metrics.js';
import { collectMetrics } from './collect.js';
import { DiskUse } from './disk.js';

const DASHBOARD = fileURLToPath(new URL('../../../docs/grafana/argus.json', import.meta.url));

describe('the Grafana dashboard (docs/grafana/argus.json)', () => {
  it('queries only metrics the service exposes', async () => {
    const h = new Histogram().snapshot();
    const families = await collectMetrics({
      status: { status: () => [], detectorStatus: () => [] },
      cameras: { metrics: () => [], detectorLatency: () => [{ model: 'm', histogram: h }] },
      ingest: { stats: () => ({ inFlight: 0, peakInFlight: 0, batches: 0, waits: 0 }), storeLatency: () => h },
      hub: { size: 0 },
      disk: new DiskUse(fileURLToPath(new URL('.', import.meta.url)), ['x']),
      startedAtMs: 0,
    });
    const exposed = new Set(families.flatMap((f) => (f.type === 'histogram' ? [`${f.name}_bucket`, `${f.name}_sum`, `${f.name}_count`] : [f.name])));
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Array<{ targets?: Array<{ expr: string }> }> };
    const used = new Set(dashboard.panels.flatMap((p) => p.targets ?? []).flatMap((t) => t.expr.match(/\b(argus|process)_[a-z_]+/g) ?? []));
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((n) => !exposed.has(n))).toEqual([]);
  });
});
