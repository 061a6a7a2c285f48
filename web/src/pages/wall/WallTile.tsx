/** One tile of the camera wall: name, health colour, a camera picker, and the live view (click: open the camera). */
import { useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { Camera } from '../../api';
import { defineDict, useDict, useI18n } from '../../i18n';
import { HEALTH_COLOURS } from '../../MapView';
import { OverlayToggle } from '../camera/AnalysisOverlay';
import { LiveView } from '../camera/LiveView';
import { healthKey } from '../MapPage';

const WORDS = defineDict({
  vi: {
    tile: 'Ô', pick: 'Camera của ô', empty: 'Ô trống', emptyHint: 'Chọn camera cho ô này', open: 'Mở trang camera', fullscreen: 'Toàn màn hình',
    exitFullscreen: 'Thoát toàn màn hình',
  },
  en: {
    tile: 'Tile', pick: 'Camera of tile', empty: 'Empty tile', emptyHint: 'Pick a camera for this tile', open: 'Open the camera page', fullscreen: 'Full screen',
    exitFullscreen: 'Exit full screen',
  },
});

/** A double click within this long of the first click is a double click, not "open". */
const DOUBLE_CLICK_MS = 260;

export interface WallTileProps {
  index: number;
  camera: Camera | undefined;
  cameras: Camera[];
  health: string | undefined;
  video: boolean;
  onPick(cameraId: string): void;
}

export function WallTile({ index, camera, cameras, health, video, onPick }: WallTileProps) {
  const w = useDict(WORDS);
  const { t } = useI18n();
  const ref = useRef<HTMLElement>(null);
  const clickTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const [full, setFull] = useState(false);
  const [expanded, setExpanded] = useState(false);
  const [overlay, setOverlay] = useState(false);
  useEffect(() => setOverlay(false), [camera?.id]);
  useEffect(() => {
    const on = () => setFull(document.fullscreenElement !== null && document.fullscreenElement === ref.current);
    document.addEventListener('fullscreenchange', on);
    return () => {
      document.removeEventListener('fullscreenchange', on);
      clearTimeout(clickTimer.current);
    };
  }, []);

  const open = () => {
    if (camera) location.hash = `#/camera/${encodeURIComponent(camera.id)}`;
  };
  /** The browser's full screen; where it is refused (kiosk policy, old browser) the tile fills the wall instead. */
  const toggleFull = () => {
    if (document.fullscreenElement) {
      void document.exitFullscreen().catch((e: unknown) => console.warn('exit full screen', e));
      return;
    }
    if (expanded) {
      setExpanded(false);
      return;
    }
    const el = ref.current;
    if (el?.requestFullscreen) el.requestFullscreen().catch(() => setExpanded(true));
    else setExpanded(true);
  };
  const onClick = (e: MouseEvent) => {
    clearTimeout(clickTimer.current);
    if (e.detail === 0) open(); // keyboard (Enter/Space)
    else if (e.detail === 1) clickTimer.current = setTimeout(open, DOUBLE_CLICK_MS);
  };
  const onDoubleClick = () => {
    clearTimeout(clickTimer.current);
    toggleFull();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'f' || e.key === 'F') {
      e.preventDefault();
      toggleFull();
    } else if (e.key === 'Escape' && expanded) setExpanded(false);
  };

  const name = camera?.name ?? w('empty');
  const isFull = full || expanded;
  return (
    <figure ref={ref} className={`tile${expanded ? ' expanded' : ''}`} data-testid="wall-tile" data-camera={camera?.id ?? ''} data-fullscreen={isFull} aria-label={`${w('tile')} ${index + 1}: ${name}`}>
      <figcaption className="tile-head">
        {camera && <span className="dot" style={{ background: HEALTH_COLOURS[health ?? 'unknown'] }} title={t(healthKey(health))} aria-hidden="true" />}
        <span className="tile-name">{name}</span>
        {camera && <span className="sr">{t(healthKey(health))}</span>}
        <select aria-label={`${w('pick')} ${index + 1}`} value={camera?.id ?? ''} onChange={(e) => onPick(e.target.value)}>
          <option value="">— {w('empty')} —</option>
          {cameras.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </select>
        {camera && camera.enabled && health !== 'disabled' && <OverlayToggle on={overlay} onChange={setOverlay} name={name} />}
        {camera && (
          <button type="button" className="ghost icon" onClick={toggleFull} aria-label={`${isFull ? w('exitFullscreen') : w('fullscreen')}: ${name}`} title={`${w('fullscreen')} (f)`}>
            <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2">
              <path d={isFull ? 'M6 1v5H1M10 1v5h5M6 15v-5H1M10 15v-5h5' : 'M1 6V1h5M15 6V1h-5M1 10v5h5M15 10v5h-5'} />
            </svg>
          </button>
        )}
      </figcaption>
      {camera ? (
        <button type="button" className="tile-view" onClick={onClick} onDoubleClick={onDoubleClick} onKeyDown={onKeyDown} aria-label={`${w('open')}: ${name}`} aria-keyshortcuts="f">
          <LiveView cameraId={camera.id} name={camera.name} mode={video || isFull ? 'hls' : 'snapshot'} off={!camera.enabled || health === 'disabled'} overlay={overlay} />
        </button>
      ) : (
        <p className="tile-empty muted">{w('emptyHint')}</p>
      )}
    </figure>
  );
}
