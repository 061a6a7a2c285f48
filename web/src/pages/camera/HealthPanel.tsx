/** A camera's health as the service sees it: state, frames per second, age of the last frame, analysis, recording, plates, message. */
import type { CameraStatus } from '../../api';
import { defineDict, useDict, useI18n } from '../../i18n';
import { Health } from '../MapPage';

const WORDS = defineDict({
  vi: { title: 'Tình trạng camera', state: 'Trạng thái', fps: 'Khung hình/giây', lastFrame: 'Khung hình cuối', ago: 'trước', never: 'chưa nhận', analysis: 'Phân tích', signalLost: 'Mất tín hiệu', message: 'Ghi chú', none: 'Camera chưa chạy trên máy chủ này', recording: 'Ghi hình', recOn: 'Đang ghi', recWaiting: 'Đang chờ khởi động lại', recOff: 'Không ghi', lastSegment: 'đoạn cuối xong', running: 'Đang chạy', no_model: 'Thiếu mô hình nhận dạng', stopped: 'Đã dừng', plates: 'Biển số', worker: 'Máy phân tích', noWorker: 'Chưa có máy phân tích nào nhận camera này', lag: 'trễ', vehicles: 'xe được phát hiện', anpr: 'camera ANPR', platesRead: 'biển', reads: 'lượt đọc', skipped: 'bỏ qua khi bận' },
  en: { title: 'Camera health', state: 'State', fps: 'Frames/s', lastFrame: 'Last frame', ago: 'ago', never: 'none yet', analysis: 'Analysis', signalLost: 'Signal lost', message: 'Note', none: 'The camera is not running on this server', recording: 'Recording', recOn: 'Recording', recWaiting: 'Waiting to restart', recOff: 'Not recorded', lastSegment: 'last segment done', running: 'Running', no_model: 'Detector model missing', stopped: 'Stopped', plates: 'Licence plates', worker: 'Worker', noWorker: 'No worker runs this camera yet', lag: 'lag', vehicles: 'detected vehicles', anpr: 'ANPR camera', platesRead: 'plates', reads: 'reads', skipped: 'skipped while busy' },
});

/** "850 ms", "4,2 s", "3 min" — short and in the reader's number format. */
export function formatAge(ms: number, lang: string): string {
  const nf = (v: number, digits: number) => v.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: digits });
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${nf(ms / 1000, 1)} s`;
  if (ms < 3_600_000) return `${nf(ms / 60_000, 0)} min`;
  return `${nf(ms / 3_600_000, 1)} h`;
}

export function HealthPanel({ status }: { status: CameraStatus | null }) {
  const w = useDict(WORDS);
  const { lang } = useI18n();
  const analysis = (['running', 'no_model', 'stopped'] as const).find((a) => a === status?.analysis);
  return (
    <section className="card health-card" aria-labelledby="health-title" data-testid="camera-health" data-health={status?.health ?? ''}>
      <h2 id="health-title">{w('title')}</h2>
      {!status ? <p className="muted">{w('none')}</p> : (
        <dl className="facts">
          <dt>{w('state')}</dt><dd><Health h={status.health} />{status.signalLost && <span className="pill"> {w('signalLost')}</span>}</dd>
          {status.worker !== undefined && (
            <><dt>{w('worker')}</dt>
              <dd data-testid="camera-worker" data-worker={status.worker?.name ?? ''}>
                {!status.worker ? w('noWorker') : `${status.worker.name} · ${status.worker.fps.toLocaleString(lang, { maximumFractionDigits: 1 })} fps · ${w('lag')} ${status.worker.lagMs === null ? '–' : formatAge(status.worker.lagMs, lang)}`}
              </dd></>
          )}
          <dt>{w('fps')}</dt><dd data-testid="camera-fps">{status.fps.toFixed(1)}</dd>
          <dt>{w('lastFrame')}</dt><dd data-testid="camera-frame-age">{status.lastFrameAgeMs === null ? w('never') : `${formatAge(status.lastFrameAgeMs, lang)} ${w('ago')}`}</dd>
          <dt>{w('analysis')}</dt><dd>{analysis ? w(analysis) : status.analysis}</dd>
          <dt>{w('recording')}</dt>
          <dd data-testid="camera-recording">
            {!status.recording ? w('recOff') : status.recording.running ? w('recOn') : w('recWaiting')}
            {status.recording?.lastSegmentAtMs != null && <span className="muted"> · {w('lastSegment')} {formatAge(Date.now() - status.recording.lastSegmentAtMs, lang)} {w('ago')}</span>}
            {status.recording?.lastError && <span className="muted"> · {status.recording.lastError}</span>}
          </dd>
          {status.plates && (
            <><dt>{w('plates')}</dt>
              <dd data-testid="camera-plates">
                {w(status.plates.mode)} · {status.plates.plates.toLocaleString(lang)} {w('platesRead')}
                <span className="muted"> · {status.plates.read.toLocaleString(lang)} {w('reads')}{status.plates.skipped > 0 && ` · ${status.plates.skipped.toLocaleString(lang)} ${w('skipped')}`}</span>
              </dd></>
          )}
          {status.message && <><dt>{w('message')}</dt><dd>{status.message}</dd></>}
        </dl>
      )}
    </section>
  );
}
