/**
 * What /metrics says, read from the service's own state at scrape time: per camera (health, analysed fps, lag,
 * frames analysed and dropped, reconnects), the detectors' latency, the ingest queue and the store's write latency,
 * SSE clients, disk use. In the scaled mode a replica says what it sees: the health and fps of every camera from
 * the workers' status, the rest for what runs in this process.
 */
import type { CameraManager } from '../../pipeline/runtime/camera-manager.js';
import type { CameraStatusSource } from '../camera-directory.js';
import type { Ingest } from '../ingest.js';
import type { LiveHub } from '../live.js';
import type { DiskUse } from './disk.js';
import type { MetricFamily } from './exposition.js';

export interface MetricSources {
  readonly status: CameraStatusSource;
  readonly cameras: Pick<CameraManager, 'metrics' | 'detectorLatency'>;
  /** The service's ingest and live hub (a worker has neither). */
  readonly ingest?: Pick<Ingest, 'stats' | 'storeLatency'> | undefined;
  readonly hub?: Pick<LiveHub, 'size'> | undefined;
  readonly disk?: DiskUse | undefined;
  readonly startedAtMs: number;
}

const g = (name: string, help: string, samples: Array<{ labels?: Record<string, string>; value: number }>): MetricFamily => ({ name, help, type: 'gauge', samples });
const c = (name: string, help: string, samples: Array<{ labels?: Record<string, string>; value: number }>): MetricFamily => ({ name, help, type: 'counter', samples });

export async function collectMetrics(s: MetricSources): Promise<MetricFamily[]> {
  const status = s.status.status();
  const local = s.cameras.metrics();
  const cam = (id: string): Record<string, string> => ({ camera: id });
  const families: MetricFamily[] = [
    g('argus_camera_info', 'A camera run by this process (value 1), with its site and name', local.map((m) => ({ labels: { camera: m.id, site: m.site, name: m.name }, value: 1 }))),
    g('argus_camera_up', 'Whether the camera delivers pictures (health online: 1; starting, degraded, offline, disabled: 0)', status.map((st) => ({ labels: cam(st.id), value: st.health === 'online' ? 1 : 0 }))),
    g('argus_camera_analysed_fps', 'Frames analysed per second (average of the last seconds)', status.map((st) => ({ labels: cam(st.id), value: st.fps }))),
    g('argus_camera_last_frame_age_seconds', 'Age of the last frame received from the camera', status.filter((st) => st.lastFrameAgeMs !== null).map((st) => ({ labels: cam(st.id), value: st.lastFrameAgeMs! / 1000 }))),
    g('argus_camera_lag_seconds', 'How far behind its capture time the last analysed frame was', local.filter((m) => m.lagMs !== null).map((m) => ({ labels: cam(m.id), value: m.lagMs! / 1000 }))),
    c('argus_camera_frames_analysed_total', 'Frames analysed since the camera started in this process', local.map((m) => ({ labels: cam(m.id), value: m.framesAnalysed }))),
    c('argus_camera_frames_dropped_total', 'Frames the live source dropped because the analysis was behind', local.map((m) => ({ labels: cam(m.id), value: m.framesDropped }))),
    c('argus_camera_reconnects_total', 'Reconnects: restarts of the analysis loop and of the source (ffmpeg) after a failure or a stall', local.map((m) => ({ labels: cam(m.id), value: m.reconnects }))),
    g('argus_camera_signal_lost', 'Whether the camera is in signal loss (no picture for the signal-loss time)', status.map((st) => ({ labels: cam(st.id), value: st.signalLost ? 1 : 0 }))),
    { name: 'argus_detector_latency_seconds', help: 'Time of one detect call of a shared detector (pool queue, letterbox, inference, decode)', type: 'histogram', samples: s.cameras.detectorLatency().map((d) => ({ labels: { model: d.model }, histogram: d.histogram })) },
  ];
  if (s.ingest) {
    const q = s.ingest.stats();
    families.push(
      g('argus_ingest_queue_depth', 'Events queued for the store or being written now', [{ value: q.inFlight }]),
      g('argus_ingest_queue_peak', 'Highest ingest queue depth since start', [{ value: q.peakInFlight }]),
      c('argus_ingest_batches_total', 'Batches written to the store', [{ value: q.batches }]),
      c('argus_ingest_waits_total', 'Writers that waited for room in the full ingest queue (backpressure)', [{ value: q.waits }]),
      { name: 'argus_store_write_seconds', help: 'Time of one batch written to the store (one transaction)', type: 'histogram', samples: [{ histogram: s.ingest.storeLatency() }] },
    );
  }
  if (s.hub) families.push(g('argus_sse_clients', 'Clients connected to the live push (Server-Sent Events)', [{ value: s.hub.size }]));
  if (s.disk) {
    const d = await s.disk.figures();
    families.push(g('argus_disk_used_bytes', 'Bytes under a data folder', Object.entries(d.used).map(([folder, value]) => ({ labels: { folder }, value }))));
    if (d.freeBytes !== null) families.push(g('argus_disk_free_bytes', 'Free bytes on the file system of the data folder (for an unprivileged user)', [{ value: d.freeBytes }]));
    if (d.sizeBytes !== null) families.push(g('argus_disk_size_bytes', 'Size of the file system of the data folder', [{ value: d.sizeBytes }]));
  }
  const mem = process.memoryUsage();
  families.push(
    g('process_resident_memory_bytes', 'Resident memory of this process', [{ value: mem.rss }]),
    g('process_start_time_seconds', 'Start time of the service, seconds since the epoch', [{ value: Math.floor(s.startedAtMs / 1000) }]),
  );
  return families;
}
