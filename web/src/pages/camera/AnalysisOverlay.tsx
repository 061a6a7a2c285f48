/**
 * "See what the analysis sees": a canvas over the live picture drawing the analysis of the frame shown (boxes with
 * class and track id, the counting lines with their counts, zones, signal states), fed by the camera's overlay stream
 * while the toggle is on. The frame drawn is the one captured when the picture shown was: the HLS player's program
 * date time (the muxer stamps each segment with its wall-clock time), or, where the player has none, a fixed delay.
 */
import { useEffect, useRef, useState } from 'react';
import type { OverlayFrame } from '@contract';
import { defineDict, useDict, useI18n } from '../../i18n';
import { containRect, drawOverlay, FrameBuffer, overlayUrl } from './overlay';

const WORDS = defineDict({
  vi: {
    overlay: 'Lớp phân tích', overlayHint: 'Vẽ điều mà phân tích thấy: khung phương tiện, vạch đếm, vùng, đèn tín hiệu', signal: 'Đèn', persons: 'người',
    red: 'đỏ', amber: 'vàng', green: 'xanh', unknown: 'không rõ', unavailable: 'Camera này không có lớp phân tích ở đây',
    behind: 'Phân tích chậm hơn video {s} giây: đang vẽ khung mới nhất',
  },
  en: {
    overlay: 'Analysis overlay', overlayHint: 'Draw what the analysis sees: vehicle boxes, counting lines, zones, signals', signal: 'Signal', persons: 'people',
    red: 'red', amber: 'amber', green: 'green', unknown: 'unknown', unavailable: 'No analysis overlay for this camera here',
    behind: 'The analysis is {s} s behind the video: showing its newest frame',
  },
});

/** Where the player cannot tell the picture's time: HLS behind live by about this much (2 s segments, 2 behind live, measured). */
export const FIXED_DELAY_MS = 5000;
/** The newest analysed frame this much older than the picture shown: the analysis is behind the video. */
const BEHIND_MS = 1500;

/** The wall-clock capture time of the picture shown (`ms`), how it is known, or null: draw the newest frame (stills). */
export interface PictureClock {
  (): { ms: number | null; sync: 'pdt' | 'fixed' | 'latest' };
}

export function OverlayToggle({ on, onChange, name }: { on: boolean; onChange: (on: boolean) => void; name: string }) {
  const w = useDict(WORDS);
  return (
    <button type="button" className={`ghost overlay-toggle${on ? ' on' : ''}`} aria-pressed={on} title={w('overlayHint')} aria-label={`${w('overlay')}: ${name}`}
      onClick={(e) => { e.stopPropagation(); onChange(!on); }}>
      {w('overlay')}
    </button>
  );
}

export function AnalysisOverlay({ cameraId, media, clock }: { cameraId: string; media: () => HTMLVideoElement | HTMLImageElement | null; clock: PictureClock }) {
  const w = useDict(WORDS);
  const { cls } = useI18n();
  const ref = useRef<HTMLCanvasElement>(null);
  const [unavailable, setUnavailable] = useState(false);
  /** Seconds the analysis runs behind the picture shown (its frames for it do not exist yet), or 0. */
  const [behindSec, setBehindSec] = useState(0);
  const words = useRef({ cls, signal: w('signal'), persons: w('persons'), colour: (c: string) => (['red', 'amber', 'green'].includes(c) ? w(c as 'red') : w('unknown')) });
  words.current = { cls, signal: w('signal'), persons: w('persons'), colour: (c: string) => (['red', 'amber', 'green'].includes(c) ? w(c as 'red') : w('unknown')) };
  const clockRef = useRef(clock);
  clockRef.current = clock;
  const mediaRef = useRef(media);
  mediaRef.current = media;

  useEffect(() => {
    setUnavailable(false);
    const buffer = new FrameBuffer();
    const es = new EventSource(overlayUrl(cameraId));
    es.addEventListener('overlay', (m) => buffer.push(JSON.parse((m as MessageEvent<string>).data) as OverlayFrame));
    es.addEventListener('end', () => es.close());
    // A refused stream (not analysed here, out of scope) is not retried by the browser.
    es.onerror = () => { if (es.readyState === EventSource.CLOSED && buffer.size === 0) setUnavailable(true); };
    let raf = 0;
    let drawn: OverlayFrame | undefined;
    let size = '';
    const paint = () => {
      raf = requestAnimationFrame(paint);
      const canvas = ref.current;
      const g = canvas?.getContext('2d');
      if (!canvas || !g) return;
      const dpr = window.devicePixelRatio || 1;
      const cw = Math.round(canvas.clientWidth * dpr);
      const ch = Math.round(canvas.clientHeight * dpr);
      const el = mediaRef.current();
      const pw = el instanceof HTMLVideoElement ? el.videoWidth : (el?.naturalWidth ?? 0);
      const ph = el instanceof HTMLVideoElement ? el.videoHeight : (el?.naturalHeight ?? 0);
      const t = clockRef.current();
      const newest = buffer.newest();
      // The analysis behind the video (a loaded box): no frame for the picture shown exists yet; the newest one is
      // drawn and the viewer told how far behind it is.
      const behind = t.ms !== null && newest !== undefined && t.ms - newest.capturedAtMs > BEHIND_MS ? t.ms - newest.capturedAtMs : 0;
      setBehindSec(Math.round(behind / 1000));
      const frame = t.ms === null || behind > 0 ? newest : buffer.at(t.ms);
      const key = `${cw}x${ch}:${pw}x${ph}`;
      canvas.dataset.frames = String(buffer.size);
      canvas.dataset.sync = behind > 0 ? 'behind' : t.sync;
      // How far the newest frame is ahead of the picture shown (the video's latency behind the analysis).
      canvas.dataset.aheadMs = t.ms !== null && newest ? String(Math.round(newest.capturedAtMs - t.ms)) : '';
      if (frame === drawn && key === size) return;
      drawn = frame;
      size = key;
      if (canvas.width !== cw || canvas.height !== ch) {
        canvas.width = cw;
        canvas.height = ch;
      }
      g.setTransform(1, 0, 0, 1, 0, 0);
      g.clearRect(0, 0, cw, ch);
      g.scale(dpr, dpr);
      const boxes = frame && pw > 0 ? drawOverlay(g, frame, containRect(pw, ph, cw / dpr, ch / dpr), words.current) : 0;
      canvas.dataset.boxes = String(boxes);
      canvas.dataset.lines = String(frame && pw > 0 ? frame.lines.length : 0);
      canvas.dataset.zones = String(frame && pw > 0 ? frame.zones.length : 0);
      canvas.dataset.signals = String(frame && pw > 0 ? frame.signals.length : 0);
      canvas.dataset.frameLagMs = frame && t.ms !== null ? String(Math.round(t.ms - frame.capturedAtMs)) : '';
    };
    raf = requestAnimationFrame(paint);
    return () => {
      cancelAnimationFrame(raf);
      es.close();
    };
  }, [cameraId]);

  return (
    <>
      <canvas ref={ref} className="liveview-overlay" data-testid="overlay-canvas" data-boxes="0" data-frames="0" aria-hidden="true" />
      {unavailable && <span className="liveview-fallback">{w('unavailable')}</span>}
      {!unavailable && behindSec > 0 && <span className="liveview-fallback" data-testid="overlay-behind">{w('behind').replace('{s}', String(behindSec))}</span>}
    </>
  );
}
