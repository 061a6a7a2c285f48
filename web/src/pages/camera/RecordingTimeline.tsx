/**
 * Continuous recording of one camera over the last hours: a timeline of the mp4 segments on disk
 * (`/api/cameras/:id/recordings`), and playback of the segment clicked (the next one follows when it ends).
 */
import type { RecordingSegment } from '@contract';
import { useEffect, useRef, useState } from 'react';
import { get } from '../../api';
import { defineDict, useDict, useI18n } from '../../i18n';
import { clock } from './media';

export type { RecordingSegment };

const WORDS = defineDict({
  vi: {
    title: 'Ghi hình', last: 'Trong', hours: 'giờ qua', segments: 'đoạn ghi', segment: 'Đoạn ghi', none: 'Chưa có đoạn ghi hình nào trong khoảng này.',
    noneHint: 'Ghi hình liên tục có thể chưa bật cho camera này, hoặc các đoạn cũ đã được xoá theo chính sách lưu trữ.', failed: 'Không tải được danh sách ghi hình',
    pickOne: 'Chọn một đoạn trên dòng thời gian để xem lại.', inProgress: 'đang ghi, xem được khi đoạn kết thúc', playing: 'Đang xem đoạn ghi bắt đầu lúc', cannotDecode: 'Trình duyệt này không giải mã được đoạn ghi (định dạng/codec không hỗ trợ). Hãy tải tệp về để xem.',
    cannotLoad: 'Không tải được đoạn ghi.', download: 'Tải tệp về', player: 'Xem lại ghi hình', timeline: 'Dòng thời gian ghi hình', loading: 'Đang tải…',
  },
  en: {
    title: 'Recordings', last: 'Last', hours: 'hours', segments: 'segments', segment: 'Segment', none: 'No recorded segments in this period.',
    noneHint: 'Continuous recording may not be on for this camera, or old segments were removed by the retention policy.', failed: 'Recordings could not be listed',
    pickOne: 'Pick a segment on the timeline to play it back.', inProgress: 'being recorded, playable once it ends', playing: 'Playing the segment that starts at', cannotDecode: 'This browser cannot decode the recording (format/codec not supported). Download the file to view it.',
    cannotLoad: 'The recording could not be loaded.', download: 'Download the file', player: 'Recording playback', timeline: 'Recording timeline', loading: 'Loading…',
  },
});

const RANGES = [1, 3, 12] as const;
/** Segment length when the next segment does not tell (the recorder's default). */
const DEFAULT_SEGMENT_MS = 60_000;
/** A gap longer than this between two segments is a gap in recording, not one long segment. */
const MAX_SEGMENT_MS = 15 * 60_000;

/**
 * Where each segment sits on a [fromMs, toMs] track, in percent. The newest segment of a camera that records now is
 * still being written (an mp4 is playable only once finished): it runs to `toMs` and is marked. Pure.
 */
export function placeSegments(segs: readonly RecordingSegment[], fromMs: number, toMs: number, recordingNow = false): Array<RecordingSegment & { endMs: number; left: number; width: number; open: boolean }> {
  const span = Math.max(1, toMs - fromMs);
  return segs.map((s, i) => {
    const next = segs[i + 1]?.startMs;
    const open = recordingNow && next === undefined && toMs - s.startMs <= MAX_SEGMENT_MS;
    const endMs = open ? toMs : Math.min(toMs, next !== undefined && next - s.startMs <= MAX_SEGMENT_MS ? next : s.startMs + DEFAULT_SEGMENT_MS);
    const a = Math.max(fromMs, s.startMs);
    return { ...s, endMs, open, left: ((a - fromMs) / span) * 100, width: Math.max(0, ((endMs - a) / span) * 100) };
  }).filter((s) => s.endMs > fromMs && s.startMs < toMs);
}

/** `recordingNow`: the camera's recorder runs, so its newest segment is still being written. */
export function RecordingTimeline({ cameraId, recordingNow }: { cameraId: string; recordingNow: boolean }) {
  const w = useDict(WORDS);
  const { lang } = useI18n();
  const [hours, setHours] = useState<(typeof RANGES)[number]>(3);
  const [segs, setSegs] = useState<RecordingSegment[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [range, setRange] = useState(() => ({ fromMs: Date.now() - 3 * 3_600_000, toMs: Date.now() }));
  const [playing, setPlaying] = useState<RecordingSegment | null>(null);
  useEffect(() => {
    setSegs(null);
    const load = () => {
      const toMs = Date.now();
      const fromMs = toMs - hours * 3_600_000;
      get<{ items: RecordingSegment[] }>(`/api/cameras/${encodeURIComponent(cameraId)}/recordings?from=${fromMs}`)
        .then((r) => {
          setSegs(r.items);
          setRange({ fromMs, toMs });
          setFailed(false);
        })
        .catch((e: unknown) => {
          console.warn('recordings', e);
          setFailed(true);
        });
    };
    load();
    const timer = setInterval(load, 60_000);
    return () => clearInterval(timer);
  }, [cameraId, hours]);

  const placed = segs ? placeSegments(segs, range.fromMs, range.toMs, recordingNow) : [];
  const ticks = hourTicks(range.fromMs, range.toMs, hours);
  const playNext = () => {
    const i = placed.findIndex((s) => s.file === playing?.file);
    const next = placed[i + 1];
    if (i >= 0 && next && !next.open) setPlaying(next);
  };
  return (
    <section className="card recordings" aria-labelledby="rec-title" data-testid="recordings">
      <div className="card-head">
        <h2 id="rec-title">{w('title')}</h2>
        <div role="group" aria-label={`${w('last')} … ${w('hours')}`} className="ranges">
          {RANGES.map((h) => <button key={h} type="button" aria-pressed={hours === h} className={hours === h ? 'primary' : ''} onClick={() => setHours(h)}>{w('last')} {h} {w('hours')}</button>)}
        </div>
        {segs && <span className="muted" data-testid="recordings-count">{placed.length} {w('segments')}</span>}
      </div>
      {failed && <p className="error" role="alert">{w('failed')}</p>}
      {segs === null && !failed && <p className="muted" aria-busy="true">{w('loading')}</p>}
      {segs !== null && placed.length === 0 && (
        <div className="notice" data-testid="no-recordings"><p>{w('none')}</p><p className="muted">{w('noneHint')}</p></div>
      )}
      {placed.length > 0 && (
        <div className="rec-track" role="group" aria-label={w('timeline')} data-testid="recording-timeline">
          {ticks.map((t) => <span key={t.ms} className="rec-tick" style={{ left: `${t.left}%` }} aria-hidden="true">{clock(t.ms, lang)}</span>)}
          {placed.map((s) => (
            <button
              key={s.file} type="button" className={`rec-seg${s.open ? ' open' : ''}`} style={{ left: `${s.left}%`, width: `${s.width}%` }} aria-pressed={playing?.file === s.file}
              aria-label={`${w('segment')} ${clock(s.startMs, lang, true)} – ${s.open ? w('inProgress') : clock(s.endMs, lang, true)}`}
              title={`${clock(s.startMs, lang, true)} – ${s.open ? w('inProgress') : clock(s.endMs, lang, true)}`}
              disabled={s.open} onClick={() => setPlaying(s)} data-testid="recording-segment" data-start={s.startMs}
            />
          ))}
        </div>
      )}
      {placed.length > 0 && (playing ? <Player seg={playing} onEnded={playNext} /> : <p className="muted">{w('pickOne')}</p>)}
    </section>
  );
}

function Player({ seg, onEnded }: { seg: RecordingSegment; onEnded: () => void }) {
  const w = useDict(WORDS);
  const { fmtTime } = useI18n();
  const ref = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setError(null);
    ref.current?.focus();
  }, [seg.url]);
  const onError = () => {
    const code = ref.current?.error?.code;
    setError(code === 4 || code === 3 ? w('cannotDecode') : w('cannotLoad'));
  };
  return (
    <figure className="rec-player">
      <video
        ref={ref} key={seg.url} src={seg.url} controls autoPlay muted playsInline preload="auto" aria-label={`${w('player')}: ${fmtTime(seg.startMs)}`}
        data-testid="recording-player" onError={onError} onEnded={onEnded}
      />
      <figcaption>
        {w('playing')} <time dateTime={new Date(seg.startMs).toISOString()}>{fmtTime(seg.startMs)}</time> · <a href={seg.url} download={seg.file}>{w('download')}</a>
      </figcaption>
      {error && <p className="error" role="alert" data-testid="recording-error">{error}</p>}
    </figure>
  );
}

/** Tick marks on whole hours (or quarter hours for a short range), in percent of the track. */
function hourTicks(fromMs: number, toMs: number, hours: number): Array<{ ms: number; left: number }> {
  const step = hours <= 1 ? 15 * 60_000 : hours <= 3 ? 30 * 60_000 : 2 * 3_600_000;
  const out: Array<{ ms: number; left: number }> = [];
  for (let ms = Math.ceil(fromMs / step) * step; ms < toMs; ms += step) out.push({ ms, left: ((ms - fromMs) / (toMs - fromMs)) * 100 });
  return out;
}
