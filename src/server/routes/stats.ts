/**
 * Dashboard statistics: violations by kind, local hour and camera; traffic flow by camera and direction from the
 * per-minute counts; congestion alerts by camera and over time. Aggregated in the store, narrowed to the caller's
 * area/camera scope; hours are local to the site's time zone.
 */
import { z } from 'zod';
import { congestionStats, flowStats, violationStats } from '../../contract/stats.js';
import type { StatsFilter, Store } from '../../store/store.js';
import type { ServerContext } from '../context.js';
import { camerasQuery, timeQuery } from '../schemas.js';
import { scopedCameraIds } from '../scope.js';
import type { Principal } from '../rbac.js';

const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh';

const statsQuery = z.strictObject({
  ...timeQuery,
  cameras: camerasQuery,
  tz: z.string().regex(/^[A-Za-z0-9_+\-/]{1,64}$/, 'an IANA time zone, e.g. Asia/Ho_Chi_Minh').optional()
    .describe("Time zone of the hours and series (default: the sites' zone, else Asia/Ho_Chi_Minh)"),
  step: z.enum(['hour', 'day']).default('hour').describe('Bucket of the time series: local hour or local day'),
});
type StatsQuery = z.output<typeof statsQuery>;

/** The sites' time zone when they all share one, else the default (Vietnam). */
export async function siteTimeZone(store: Store): Promise<string> {
  const zones = new Set((await store.listSites()).map((s) => s.timeZone));
  const [only] = zones;
  return zones.size === 1 && only !== undefined ? only : DEFAULT_TIME_ZONE;
}

async function filterOf(store: Store, principal: Principal, q: StatsQuery): Promise<StatsFilter & { timeZone: string }> {
  // scope.ts marks "nothing visible" with a NUL id, which PostgreSQL refuses in text; the store reads [] as nothing.
  const cameraIds = (await scopedCameraIds(store, principal, q.cameras))?.filter((id) => !id.includes('\u0000'));
  return {
    timeZone: q.tz ?? (await siteTimeZone(store)), step: q.step,
    ...(q.from !== undefined ? { fromMs: q.from } : {}), ...(q.to !== undefined ? { toMs: q.to } : {}), ...(cameraIds ? { cameraIds } : {}),
  };
}

const echo = (f: StatsFilter & { timeZone: string }) => ({ timeZone: f.timeZone, step: f.step ?? 'hour', from: f.fromMs ?? null, to: f.toMs ?? null });

export function statsRoutes(ctx: ServerContext): void {
  const { router: r, store } = ctx;
  r.add({
    method: 'GET', url: '/api/stats/violations', tag: 'stats', permission: 'violations.read', query: statsQuery,
    summary: 'Violations by kind, local hour of day, camera and status, with a time series',
    response: violationStats,
    handler: async ({ principal, query }) => {
      const f = await filterOf(store, principal!, query);
      return { ...echo(f), ...(await store.violationStats(f)) };
    },
  });
  r.add({
    method: 'GET', url: '/api/stats/flow', tag: 'stats', permission: 'counts.read', query: statsQuery,
    summary: 'Traffic flow (line counts) by camera and direction, class and local hour, with a time series',
    response: flowStats,
    handler: async ({ principal, query }) => {
      const f = await filterOf(store, principal!, query);
      return { ...echo(f), ...(await store.flowStats(f)) };
    },
  });
  r.add({
    method: 'GET', url: '/api/stats/congestion', tag: 'stats', permission: 'alerts.read', query: statsQuery,
    summary: 'Congestion alerts by camera (with the highest level), level and local hour, with a time series',
    response: congestionStats,
    handler: async ({ principal, query }) => {
      const f = await filterOf(store, principal!, query);
      return { ...echo(f), ...(await store.congestionStats(f)) };
    },
  });
}
