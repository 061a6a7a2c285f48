/**
 * The camera wall: 1, 4, 9 or 16 tiles. Small grids play live video (HLS), big ones show stills refreshed every ~2 s
 * while the tab is shown. The layout and the hand-picked tiles are remembered in this browser; a member of a monitoring
 * centre also loads (and a supervisor saves) the centre's shared layouts.
 */
import { useEffect, useMemo, useState } from 'react';
import type { PageProps } from '../App';
import { get, type Camera, type CameraStatus } from '../api';
import { useMyCentre } from '../centre';
import { defineDict, useDict } from '../i18n';
import './wall/wall.css';
import { assignTiles, LAYOUTS, loadLayout, loadPicks, MAX_VIDEO_TILES, saveLayout, savePicks, type Layout } from './wall/layout';
import { CentreLayouts } from './wall/CentreLayouts';
import { WallTile } from './wall/WallTile';

const WORDS = defineDict({
  vi: {
    title: 'Màn hình camera', layout: 'Bố cục', tiles: 'ô', videoMode: 'Video trực tiếp', stillMode: 'Ảnh tĩnh làm mới mỗi 2 giây',
    hint: 'Nhấn vào ô để mở camera; nhấp đúp hoặc phím f để xem toàn màn hình', noCameras: 'Không có camera nào bạn được xem', loading: 'Đang tải…',
  },
  en: {
    title: 'Camera wall', layout: 'Layout', tiles: 'tiles', videoMode: 'Live video', stillMode: 'Stills refreshed every 2 s',
    hint: 'Click a tile to open the camera; double click or press f for full screen', noCameras: 'No cameras you may view', loading: 'Loading…',
  },
});

export function WallPage({ live, me }: PageProps) {
  const w = useDict(WORDS);
  const [cameras, setCameras] = useState<Camera[] | null>(null);
  const [polled, setPolled] = useState<Record<string, CameraStatus>>({});
  const [layout, setLayoutState] = useState<Layout>(loadLayout);
  const [picks, setPicks] = useState<Record<number, string>>(loadPicks);
  const { mine, reload } = useMyCentre();
  useEffect(() => {
    get<{ items: Camera[] }>('/api/cameras').then((r) => setCameras(r.items)).catch((e: unknown) => {
      console.warn(e);
      setCameras([]);
    });
    const poll = () => get<{ items: CameraStatus[] }>('/api/cameras/status')
      .then((r) => setPolled(Object.fromEntries(r.items.map((s) => [s.id, s]))))
      .catch((e: unknown) => console.warn(e));
    void poll();
    const timer = setInterval(() => void poll(), 10_000);
    return () => clearInterval(timer);
  }, []);

  const setLayout = (l: Layout) => {
    saveLayout(l);
    setLayoutState(l);
  };
  const pick = (tile: number, cameraId: string) => {
    const next = { ...picks, [tile]: cameraId };
    savePicks(next);
    setPicks(next);
  };
  const applyCentreLayout = (size: Layout, next: Record<number, string>) => {
    setLayout(size);
    savePicks(next);
    setPicks(next);
  };
  const byId = useMemo(() => new Map((cameras ?? []).map((c) => [c.id, c])), [cameras]);
  const tiles = useMemo(() => assignTiles(layout, (cameras ?? []).map((c) => c.id), picks), [layout, cameras, picks]);
  const health = { ...polled, ...live.health };
  const video = layout <= MAX_VIDEO_TILES;
  const side = Math.sqrt(layout);

  return (
    <section className="page wallpage" aria-labelledby="wall-title">
      <div className="toolbar">
        <h1 id="wall-title">{w('title')}</h1>
        <div role="group" aria-label={w('layout')} className="layouts">
          {LAYOUTS.map((l) => (
            <button key={l} type="button" aria-pressed={layout === l} className={layout === l ? 'primary' : ''} onClick={() => setLayout(l)} data-testid={`layout-${l}`}>
              {l} {w('tiles')}
            </button>
          ))}
        </div>
        <span className="muted" data-testid="wall-mode">{video ? w('videoMode') : w('stillMode')}</span>
        <span className="kbd muted">{w('hint')}</span>
        {mine?.centre && <CentreLayouts mine={mine} username={me.username} layout={layout} tiles={tiles} onApply={applyCentreLayout} onChanged={reload} />}
      </div>
      {cameras === null ? <p className="loading" aria-busy="true">{w('loading')}</p>
        : cameras.length === 0 ? <p className="notice">{w('noCameras')}</p>
        : (
          <div className="wall" data-layout={layout} style={{ gridTemplateColumns: `repeat(${side}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${side}, minmax(0, 1fr))` }}>
            {tiles.map((id, i) => (
              <WallTile
                key={`${layout}-${i}-${id}`} index={i} camera={byId.get(id)} cameras={cameras} health={health[id]?.health}
                video={video} onPick={(c) => pick(i, c)}
              />
            ))}
          </div>
        )}
    </section>
  );
}
