/**
 * The live picture of one camera: HLS video (hls.js, loaded on first use, where the browser has Media Source
 * Extensions; the browser's own HLS otherwise), or stills refreshed every ~2 s. A stream that fails or does not
 * start in time falls back to stills, and says so.
 */
import { useEffect, useRef, useState } from 'react';
import { snapshotUrl } from '../../api';
import { defineDict, useDict } from '../../i18n';
import './liveview.css';
import { AnalysisOverlay, FIXED_DELAY_MS, type PictureClock } from './AnalysisOverlay';
import { liveUrl, usePageVisible } from './media';

const WORDS = defineDict({
  vi: { off: 'Camera đã tắt', live: 'Trực tiếp', stills: 'Ảnh tĩnh', fellBack: 'Không phát được video trực tiếp, đang hiện ảnh tĩnh', noPicture: 'Chưa có hình', connecting: 'Đang kết nối…' },
  en: { off: 'The camera is switched off', live: 'Live', stills: 'Stills', fellBack: 'Live video cannot play here; showing stills', noPicture: 'No picture yet', connecting: 'Connecting…' },
});

export type LiveMode = 'hls' | 'snapshot';

/** How long a stream may take to start (the muxer starts on demand; two busy cores are slow) before stills take over. */
const START_TIMEOUT_MS = 45_000;

/** `off`: the camera is disabled, so nothing is asked of the server. `overlay`: draw the analysis over the picture. */
export function LiveView({ cameraId, name, mode, off = false, refreshMs = 2000, overlay = false }: { cameraId: string; name: string; mode: LiveMode; off?: boolean; refreshMs?: number; overlay?: boolean }) {
  const w = useDict(WORDS);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => setFailure(null), [cameraId, mode]);
  if (off) return <div className="liveview" data-mode="off"><span className="liveview-note">{w('off')}</span></div>;
  if (mode === 'hls' && failure === null) return <HlsVideo cameraId={cameraId} name={name} onFail={setFailure} overlay={overlay} />;
  return <Stills cameraId={cameraId} name={name} refreshMs={refreshMs} failure={mode === 'hls' ? failure : null} overlay={overlay} />;
}

/** Stills have no time of their own: the newest analysed frame is drawn. */
const latestClock: PictureClock = () => ({ ms: null, sync: 'latest' });

function HlsVideo({ cameraId, name, onFail, overlay }: { cameraId: string; name: string; onFail: (why: string) => void; overlay: boolean }) {
  const w = useDict(WORDS);
  const ref = useRef<HTMLVideoElement>(null);
  const player = useRef<{ playingDate: Date | null } | undefined>(undefined);
  /** The capture time of the picture shown: the segment's program date time (hls.js, or the browser's own player), else a fixed delay. */
  const clock: PictureClock = () => {
    const pdt = player.current?.playingDate?.getTime();
    if (pdt !== undefined && Number.isFinite(pdt)) return { ms: pdt, sync: 'pdt' };
    const v = ref.current;
    // Safari's own HLS: the stream's start date (its first program date time) plus the play position.
    const start = v && !player.current ? (v as HTMLVideoElement & { getStartDate?: () => Date }).getStartDate?.().getTime() : NaN;
    if (v && start !== undefined && Number.isFinite(start)) return { ms: start + v.currentTime * 1000, sync: 'pdt' };
    return { ms: Date.now() - FIXED_DELAY_MS, sync: 'fixed' };
  };
  const [playing, setPlaying] = useState(false);
  const [engine, setEngine] = useState('');
  useEffect(() => {
    const video = ref.current;
    if (!video) return undefined;
    let stopped = false;
    let hls: { destroy(): void } | undefined;
    const fail = (why: string) => {
      if (stopped) return;
      console.warn('live view falls back to stills', cameraId, why);
      onFail(why);
    };
    const timer = setTimeout(() => fail('timeout'), START_TIMEOUT_MS);
    const onPlaying = () => {
      clearTimeout(timer);
      setPlaying(true);
    };
    const onError = () => fail(`media error ${video.error?.code ?? '?'}`);
    // A Content-Security-Policy without `media-src blob:` blocks MSE silently for the player: give up at once.
    const onCsp = (e: SecurityPolicyViolationEvent) => {
      if (e.effectiveDirective === 'media-src') fail(`blocked by the Content-Security-Policy (${e.effectiveDirective})`);
    };
    document.addEventListener('securitypolicyviolation', onCsp);
    video.addEventListener('playing', onPlaying);
    const start = async () => {
      const url = liveUrl(cameraId);
      if (typeof MediaSource !== 'undefined') {
        const { default: Hls } = await import('hls.js/light');
        if (stopped) return;
        if (Hls.isSupported()) {
          // Live stays live: a player that fell behind (a stall on a loaded box) plays faster until it is two segments
          // from the edge again, and jumps there past five (10 s); the analysis overlay keeps 15 s of frames to match.
          const h = new Hls({ liveSyncDurationCount: 2, liveMaxLatencyDurationCount: 5, maxLiveSyncPlaybackRate: 1.5, maxBufferLength: 10, backBufferLength: 10, enableWorker: false });
          hls = h;
          player.current = h;
          let recoveries = 0;
          h.on(Hls.Events.ERROR, (_e, data) => {
            if (!data.fatal) return;
            if (data.type === Hls.ErrorTypes.MEDIA_ERROR && recoveries++ < 2) h.recoverMediaError();
            else fail(data.details);
          });
          h.loadSource(url);
          h.attachMedia(video);
          setEngine('hls.js');
          return;
        }
      }
      if (video.canPlayType('application/vnd.apple.mpegurl')) {
        video.addEventListener('error', onError);
        video.src = url;
        setEngine('native');
        return;
      }
      fail('no HLS support');
    };
    start().catch((e: unknown) => fail(String(e)));
    return () => {
      stopped = true;
      clearTimeout(timer);
      video.removeEventListener('playing', onPlaying);
      video.removeEventListener('error', onError);
      document.removeEventListener('securitypolicyviolation', onCsp);
      hls?.destroy();
      player.current = undefined;
      video.removeAttribute('src');
      video.load();
    };
  }, [cameraId, onFail]);
  return (
    <div className="liveview" data-mode="hls" data-engine={engine} data-playing={playing}>
      <video ref={ref} muted autoPlay playsInline aria-label={`${w('live')}: ${name}`} data-testid="live-video" />
      {overlay && <AnalysisOverlay cameraId={cameraId} media={() => ref.current} clock={clock} />}
      {!playing && <span className="liveview-note" role="status">{w('connecting')}</span>}
    </div>
  );
}

/** Stills: the next one is asked for only after the last arrived (or failed), and only while the tab is shown. */
function Stills({ cameraId, name, refreshMs, failure, overlay }: { cameraId: string; name: string; refreshMs: number; failure: string | null; overlay: boolean }) {
  const w = useDict(WORDS);
  const img = useRef<HTMLImageElement>(null);
  const visible = usePageVisible();
  const [bust, setBust] = useState(() => Date.now());
  const [state, setState] = useState<'loading' | 'ok' | 'error'>('loading');
  const [shownOnce, setShownOnce] = useState(false);
  useEffect(() => {
    setShownOnce(false);
    setState('loading');
    setBust(Date.now());
  }, [cameraId]);
  useEffect(() => {
    if (!visible || state === 'loading') return undefined;
    const timer = setTimeout(() => {
      setState('loading');
      setBust(Date.now());
    }, state === 'error' ? Math.max(5000, refreshMs) : refreshMs);
    return () => clearTimeout(timer);
  }, [visible, state, refreshMs]);
  return (
    <div className="liveview" data-mode="snapshot" data-state={state}>
      <img
        ref={img} src={snapshotUrl(cameraId, bust)} alt={`${w('stills')}: ${name}`} data-testid="live-still" className={shownOnce ? '' : 'pending'}
        onLoad={() => { setShownOnce(true); setState('ok'); }} onError={() => setState('error')}
      />
      {overlay && shownOnce && <AnalysisOverlay cameraId={cameraId} media={() => img.current} clock={latestClock} />}
      {!shownOnce && <span className="liveview-note" role="status">{state === 'error' ? w('noPicture') : w('connecting')}</span>}
      {failure !== null && <span className="liveview-fallback" title={failure}>{w('fellBack')}</span>}
    </div>
  );
}
