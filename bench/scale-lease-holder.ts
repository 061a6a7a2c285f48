/**
 * A lease-holding PROCESS for the `scale` bench's failover figure (a stand-in for a worker that runs one camera):
 * it takes the camera's lease in the protocol's lease bucket (TTL LEASE_TTL_MS), renews it every LEASE_HEARTBEAT_MS,
 * prints `held <claim>` once it holds it and `renewed <ms>` after every renewal; the bench kills it with SIGKILL.
 *
 *   node dist/bench/scale-lease-holder.js '{"servers":["nats://127.0.0.1:4222"],"key":"cam-0001","replicas":1}'
 */
import { connectNats } from '../src/bus/nats-connect.js';
import { KvLeases } from '../src/bus/leases.js';
import { BUCKETS, LEASE_HEARTBEAT_MS, LEASE_TTL_MS, type CameraLease } from '../src/pipeline/worker/protocol.js';

const args = JSON.parse(process.argv[2] ?? '{}') as { servers: string[]; key: string; replicas: 1 | 3; worker: string };
const nc = await connectNats({ servers: args.servers, name: `bench-${args.worker}` });
const leases = await KvLeases.open<CameraLease>(nc, { bucket: BUCKETS.leases, ttlMs: LEASE_TTL_MS, replicas: args.replicas });
for (;;) {
  try {
    const lease = await leases.hold(args.key, { worker: args.worker, sinceMs: Date.now() }, { heartbeatMs: LEASE_HEARTBEAT_MS });
    process.stdout.write(`held ${lease.claim}\n`);
    let last = lease.revision;
    setInterval(() => {
      if (lease.revision !== last) {
        last = lease.revision;
        process.stdout.write(`renewed ${Date.now()}\n`);
      }
    }, 50);
    break;
  } catch {
    await new Promise((r) => setTimeout(r, 200));
  }
}
