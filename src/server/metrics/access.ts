/**
 * Who may scrape /metrics (config `server.metrics`): a bearer token, an allow-list of networks, or both (then a
 * scrape needs both). Neither configured: metrics are off. The client address is `req.ip`, which believes
 * X-Forwarded-For only from `server.trustedProxies`.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { parseCidr } from '../../config/camera-networks.js';
import type { MetricsConfig } from '../../config/service.js';

export type MetricsVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: 401 | 403 | 404; readonly code: string; readonly message: string };

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export function metricsAccess(cfg: MetricsConfig | undefined): (ip: string, authorization: string | undefined) => MetricsVerdict {
  const token = cfg?.token;
  const cidrs = cfg?.allowFrom ?? [];
  if (!token && cidrs.length === 0) {
    return () => ({ ok: false, status: 404, code: 'metrics_off', message: 'metrics are off: set server.metrics.token and/or server.metrics.allowFrom in the config' });
  }
  const list = new BlockList();
  for (const text of cidrs) {
    const c = parseCidr(text)!;
    list.addSubnet(c.address, c.prefix, c.family);
  }
  const want = token ? digest(token) : undefined;
  return (ip, authorization) => {
    if (cidrs.length > 0) {
      // An IPv4 peer on a dual-stack socket reads ::ffff:a.b.c.d.
      const addr = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
      const family = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
      if (isIP(addr) === 0 || !list.check(addr, family)) return { ok: false, status: 403, code: 'forbidden', message: `${addr} may not read the metrics (server.metrics.allowFrom)` };
    }
    if (want) {
      const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
      if (!m || !timingSafeEqual(digest(m[1]!), want)) return { ok: false, status: 401, code: 'unauthorized', message: 'send the metrics token: authorization: Bearer <server.metrics.token>' };
    }
    return { ok: true };
  };
}
