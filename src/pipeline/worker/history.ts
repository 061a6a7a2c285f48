/**
 * A site's earlier plate reads for a worker's plate pool, asked of the serve replicas over NATS
 * ({@link PLATE_HISTORY_SUBJECT}, answered from the central store): never a database connection from the worker. No
 * answer in time (no replica up, a slow store) leaves the pool's site prior to learn from scratch, with a warning.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { errorMessage } from '../../core/errors.js';
import type { PlateHistoryEntry } from '../../plates/site-prior.js';
import type { SourceLogger } from '../../video/source.js';
import { PLATE_HISTORY_SUBJECT, type PlateHistoryReply } from './protocol.js';

export interface PlateHistoryClientOptions {
  readonly nc: NatsConnection;
  readonly logger: SourceLogger;
  /** How long to wait for a replica's answer (default 3000 ms). */
  readonly timeoutMs?: number;
}

/** The site's reads, oldest first, as the stage provider's `history` wants them; [] when nobody answers. */
export function plateHistoryClient(o: PlateHistoryClientOptions): (site: { readonly id: string }) => Promise<readonly PlateHistoryEntry[]> {
  return async (site) => {
    try {
      const m = await o.nc.request(PLATE_HISTORY_SUBJECT, JSON.stringify({ siteId: site.id }), { timeout: o.timeoutMs ?? 3000 });
      const reply = m.json<PlateHistoryReply>();
      if (!Array.isArray(reply?.plates)) throw new Error('reply has no plates list');
      return reply.plates
        .filter((p) => typeof p?.plateKey === 'string')
        .map((p) => ({ key: p.plateKey, confidence: typeof p.confidence === 'number' ? p.confidence : 1 }));
    } catch (e) {
      o.logger.warn({ site: site.id, err: errorMessage(e) }, 'plate history: no answer from the central store; the site prior learns from scratch');
      return [];
    }
  };
}
