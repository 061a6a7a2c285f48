/**
 * /metrics on a port of its own, for `argus worker --metrics-port` (a worker has no HTTP service): the same
 * collector and access rule as the service's route, over node:http.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsConfig } from '../../config/service.js';
import { metricsAccess } from './access.js';
import { collectMetrics, type MetricSources } from './collect.js';
import { exposition, PROMETHEUS_CONTENT_TYPE } from './exposition.js';

export interface MetricsServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startMetricsServer(o: { port: number; host: string; access: MetricsConfig; sources: MetricSources; onError?: (e: unknown) => void }): Promise<MetricsServer> {
  const access = metricsAccess(o.access);
  const server: Server = createServer((req, res) => {
    const send = (status: number, type: string, body: string, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers }).end(body);
    };
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      send(404, 'application/json', JSON.stringify({ error: { code: 'not_found', message: 'only GET /metrics here' } }));
      return;
    }
    const verdict = access(req.socket.remoteAddress ?? '', req.headers.authorization);
    if (!verdict.ok) {
      send(verdict.status, 'application/json', JSON.stringify({ error: { code: verdict.code, message: verdict.message } }), verdict.status === 401 ? { 'www-authenticate': 'Bearer realm="argus-metrics"' } : {});
      return;
    }
    collectMetrics(o.sources).then(
      (families) => send(200, PROMETHEUS_CONTENT_TYPE, exposition(families)),
      (e: unknown) => {
        o.onError?.(e);
        send(500, 'application/json', JSON.stringify({ error: { code: 'internal', message: 'metrics failed' } }));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  return {
    url: `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/metrics`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
