/** GET /metrics: the Prometheus text exposition, behind the token and/or allow-list of `server.metrics`. */
import type { FastifyInstance } from 'fastify';
import type { MetricsConfig } from '../../config/service.js';
import { sendError } from '../http.js';
import { metricsAccess } from './access.js';
import { collectMetrics, type MetricSources } from './collect.js';
import { exposition, PROMETHEUS_CONTENT_TYPE } from './exposition.js';

export function metricsRoute(app: FastifyInstance, cfg: MetricsConfig | undefined, sources: MetricSources): void {
  const access = metricsAccess(cfg);
  app.get('/metrics', async (req, reply) => {
    const verdict = access(req.ip, req.headers.authorization);
    if (!verdict.ok) {
      if (verdict.status === 401) reply.header('www-authenticate', 'Bearer realm="argus-metrics"');
      return sendError(reply, verdict.status, verdict.code, verdict.message);
    }
    const text = exposition(await collectMetrics(sources));
    return reply.header('cache-control', 'no-store').type(PROMETHEUS_CONTENT_TYPE).send(text);
  });
}
