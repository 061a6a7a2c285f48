/**
 * The plate history responder: a worker starting a site's plate pool asks any serve replica for the site's recent
 * reads (PLATE_HISTORY_SUBJECT, request `{ siteId }`), answered from the central store. A queue group: one replica
 * answers each request. The worker never connects to the database.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { BusLogger } from '../../bus/nats-connect.js';
import { errorMessage } from '../../core/errors.js';
import { PLATE_HISTORY_SUBJECT, type PlateHistoryReply } from '../../pipeline/worker/protocol.js';
import type { Store } from '../../store/store.js';
import { sitePlateHistory } from '../plate-history.js';

export const PLATE_HISTORY_QUEUE = 'argus-serve';

export function startPlateHistoryResponder(nc: NatsConnection, store: Store, log: BusLogger): Subscription {
  return nc.subscribe(PLATE_HISTORY_SUBJECT, {
    queue: PLATE_HISTORY_QUEUE,
    callback: (err, msg) => {
      if (err) return log.warn({ err: errorMessage(err) }, 'plate history subscription error');
      void (async () => {
        try {
          const req = msg.json<{ siteId?: unknown }>();
          if (typeof req.siteId !== 'string' || req.siteId.length === 0) throw new Error('request needs a siteId');
          const reply: PlateHistoryReply = { plates: await sitePlateHistory(store, req.siteId) };
          msg.respond(JSON.stringify(reply));
        } catch (e) {
          const h = natsHeaders();
          h.set('Argus-Error', `invalid_request ${errorMessage(e)}`);
          msg.respond(JSON.stringify({ plates: [] }), { headers: h });
          log.warn({ err: errorMessage(e) }, 'plate history request refused');
        }
      })();
    },
  });
}
