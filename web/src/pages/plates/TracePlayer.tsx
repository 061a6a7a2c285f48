/**
 * Trace playback: a play button moves a marker along the route in time order (speed 1×, 4×, 16×; 1× plays the whole
 * trace in 32 s), a scrubber seeks, and the sighting last passed is highlighted in the timeline (a click seeks to it).
 */
import { useEffect, useRef, useState } from 'react';
import type { Trace } from '../../api';
import { defineDict, useDict, useI18n } from '../../i18n';
import { PlateThumb } from './PlateThumb';
import { currentIndex, positionAt, SPEEDS, traceMsPerMs, type LngLat, type Speed, type Stop } from './playback';
import './plates.css';

const WORDS = defineDict({
  vi: { play: 'Phát lại hành trình', pause: 'Tạm dừng', scrub: 'Thời điểm phát lại', speed: 'Tốc độ phát', speedHint: '1× = cả hành trình trong 32 giây' },
  en: { play: 'Play the trace', pause: 'Pause', scrub: 'Playback position', speed: 'Playback speed', speedHint: '1× = the whole trace in 32 seconds' },
});

export function TracePlayer({ trace, onPlayhead }: { trace: Trace; onPlayhead(at: LngLat | null): void }) {
  const { t: tr, fmtTime } = useI18n();
  const w = useDict(WORDS);
  const stops: Stop[] = trace.timeline.map((s) => ({ atMs: s.atMs, at: s.location ? [s.location.lng, s.location.lat] : null }));
  const t0 = stops[0]?.atMs ?? 0;
  const span = (stops.at(-1)?.atMs ?? t0) - t0;
  const [t, setT] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState<Speed>(4);
  const speedRef = useRef(speed);
  speedRef.current = speed;
  const tRef = useRef(t);
  tRef.current = t;
  const current = currentIndex(stops, t);

  // A new trace starts from its beginning, stopped.
  useEffect(() => {
    setT(0);
    setPlaying(false);
  }, [trace]);

  useEffect(() => {
    if (!playing) return undefined;
    let last = performance.now();
    let frame = requestAnimationFrame(function step(now) {
      const next = Math.min(span, tRef.current + (now - last) * traceMsPerMs(span, speedRef.current));
      last = now;
      tRef.current = next;
      setT(next);
      if (next >= span) setPlaying(false);
      else frame = requestAnimationFrame(step);
    });
    return () => cancelAnimationFrame(frame);
  }, [playing, span]);

  const [lng, lat] = positionAt(stops, t) ?? [NaN, NaN];
  useEffect(() => {
    onPlayhead(Number.isFinite(lng) ? [lng, lat] : null);
  }, [lng, lat, onPlayhead]);
  useEffect(() => () => onPlayhead(null), [onPlayhead]);

  const togglePlay = () => {
    if (!playing && t >= span) setT(0);
    setPlaying(!playing);
  };
  return (
    <div className="trace-player" data-testid="trace-player" data-playing={playing} data-current-index={current}>
      <div className="controls">
        <button type="button" className="primary play" onClick={togglePlay} aria-pressed={playing} disabled={span === 0}>
          <span aria-hidden="true">{playing ? '❚❚' : '▶'}</span> {playing ? w('pause') : w('play')}
        </button>
        <div className="speeds" role="group" aria-label={w('speed')} title={w('speedHint')}>
          {SPEEDS.map((s) => (
            <button key={s} type="button" aria-pressed={speed === s} onClick={() => setSpeed(s)}>{s}×</button>
          ))}
        </div>
      </div>
      <input type="range" className="scrubber" aria-label={w('scrub')} min={0} max={span} step={Math.max(1, Math.round(span / 1000))} value={t}
        aria-valuetext={fmtTime(t0 + t)} onChange={(e) => setT(Number(e.target.value))} />
      <p className="muted now"><time>{fmtTime(t0 + t)}</time></p>
      <ol className="timeline" data-testid="trace-timeline">
        {trace.timeline.map((s, i) => (
          <li key={s.id} className={i === current ? 'current' : ''} aria-current={i === current ? 'step' : undefined}>
            <PlateThumb sighting={s} />
            <button type="button" className="linkish" onClick={() => setT(s.atMs - t0)} title={tr('time')}>
              <time>{fmtTime(s.atMs)}</time> {s.cameraName ?? s.cameraId}
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}
