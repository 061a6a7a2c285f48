/**
 * The `scale` bench (bench/scale.ts) at a small scale, so that it cannot rot: real nats-server, real PostgreSQL, the
 * real consumer path, one lease kill. Checks the shape of its figures and that PostgreSQL holds exactly the events the
 * bus acknowledged, each once (sightings, violations and line counts included).
 */
import { describe, expect, it } from 'vitest';
import { benchScale } from '../bench/scale.js';

describe('bench scale (quick)', () => {
  it('stores every published event exactly once and reports ingest, live and failover figures', async () => {
    const r = (await benchScale({ cameras: 20, nodes: 1, seconds: 1.5, rate: 200, pacedSeconds: 1.5, kills: 1 })) as {
      backlog: { events: number; storedPerSec: number; consumer: { batches: number; meanBatch: number } };
      paced: { events: number; publishToCommit: { n: number; p95Ms: number }; publishToSse: { n: number; p95Ms: number }; sseReceived: number };
      exactlyOnce: { ok: boolean; published: number; stored: number; distinct: number; missing: number; sightings: { published: number; stored: number } };
      failover: { takeoverMs: number[]; p50Ms: number; maxMs: number };
    };
    expect(r.backlog.events).toBeGreaterThan(100);
    expect(r.backlog.storedPerSec).toBeGreaterThan(0);
    expect(r.backlog.consumer.batches).toBeGreaterThan(0);
    expect(r.paced.events).toBe(300);
    expect(r.paced.publishToCommit.n).toBeGreaterThanOrEqual(300); // a batch delivered again is timed again
    expect(r.paced.publishToSse.n).toBe(r.paced.sseReceived);
    expect(r.paced.sseReceived).toBe(300);
    expect(r.exactlyOnce).toMatchObject({ ok: true, missing: 0 });
    expect(r.exactlyOnce.stored).toBe(r.exactlyOnce.published);
    expect(r.exactlyOnce.distinct).toBe(r.exactlyOnce.published);
    expect(r.exactlyOnce.sightings.published).toBeGreaterThan(0);
    expect(r.failover.takeoverMs).toHaveLength(1);
    // The protocol's budget: a dead worker's cameras move within 15 s.
    expect(r.failover.maxMs).toBeLessThan(15_000);
  }, 90_000);
});
