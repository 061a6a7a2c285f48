/**
 * Federation in the service (app.ts): the district's share filter for the ingest, the province's view of owners and
 * statuses for the API, and the start in the background once the ingest and the status exist (a nats-server that
 * is not up yet delays federation, never the service: the outbox keeps what is to be sent).
 */
import type { FederationConfig } from '../../config/federation.js';
import { errorMessage } from '../../core/errors.js';
import type { LiveHost } from '../../bus/live-relay.js';
import type { BusLogger } from '../../bus/nats-connect.js';
import type { Store } from '../../store/store.js';
import type { CameraStatusSource } from '../camera-directory.js';
import type { Ingest } from '../ingest.js';
import { DistrictFederation } from './district.js';
import { ProvinceFederation, type FederationView } from './province.js';
import { ShareFilter } from './share.js';

export interface FederationHandle {
  /** A district: whether a camera's events are shared (the ingest queues them in the outbox). */
  readonly shared?: (cameraId: string) => boolean;
  /** A province: owners and statuses of the federated cameras (empty until connected). */
  readonly view: FederationView;
  /** The service's camera status with the federated cameras' added (a province). */
  withStatus(base: CameraStatusSource): CameraStatusSource;
  /** Starts in the background. `live`: this service's live view, relayed to the province for shared cameras (a district). */
  begin(ingest: Ingest, status: CameraStatusSource, live?: LiveHost): void;
  stop(): Promise<void>;
  /** Resolves once started (tests). */
  readonly started: Promise<DistrictFederation | ProvinceFederation | undefined>;
}

const noView: FederationView = { ownerOf: () => null, isFederated: () => false, statuses: () => [], liveRelay: () => undefined };

export function startFederation(config: FederationConfig, o: { store: Store; log: BusLogger; cropsDir: string | undefined }): FederationHandle {
  const abort = new AbortController();
  let running: DistrictFederation | ProvinceFederation | undefined;
  let resolveStarted: (f: DistrictFederation | ProvinceFederation | undefined) => void = () => undefined;
  const started = new Promise<DistrictFederation | ProvinceFederation | undefined>((resolve) => (resolveStarted = resolve));
  const share = config.role === 'district' ? new ShareFilter(config.share) : undefined;
  const view: FederationView = {
    ownerOf: (id) => (running instanceof ProvinceFederation ? running.ownerOf(id) : noView.ownerOf(id)),
    isFederated: (id) => (running instanceof ProvinceFederation ? running.isFederated(id) : false),
    statuses: () => (running instanceof ProvinceFederation ? running.statuses() : []),
    liveRelay: (id) => (running instanceof ProvinceFederation ? running.liveRelay(id) : noView.liveRelay(id)),
  };
  return {
    ...(share ? { shared: (id: string) => share.shared(id) } : {}),
    view,
    started,
    withStatus: (base) => (config.role === 'district' ? base : {
      status: (id) => {
        const local = base.status(id);
        const fed = view.statuses().filter((s) => id === undefined || s.id === id);
        return [...local.filter((s) => !view.isFederated(s.id)), ...fed];
      },
      detectorStatus: () => base.detectorStatus(),
      ...(base.workers ? { workers: () => base.workers!() } : {}),
    }),
    begin(ingest, status, live) {
      const start = config.role === 'district'
        ? DistrictFederation.start({ config, store: o.store, share: share!, status, log: o.log, cropsDir: o.cropsDir, ...(live ? { live } : {}) }, abort.signal).then((f) => {
          ingest.onCommitted(() => f.poke());
          return f;
        })
        : ProvinceFederation.start({ config, store: o.store, ingest, log: o.log }, abort.signal);
      start.then(
        (f) => {
          if (abort.signal.aborted) void f.stop();
          else running = f;
          resolveStarted(f);
        },
        (e: unknown) => {
          if (!abort.signal.aborted) o.log.error({ err: errorMessage(e) }, 'federation did not start');
          resolveStarted(undefined);
        },
      );
    },
    async stop() {
      abort.abort();
      await running?.stop();
    },
  };
}
