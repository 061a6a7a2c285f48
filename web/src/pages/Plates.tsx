import { useEffect, useState, type FormEvent } from 'react';
import type { PlateHit, PlateSearch } from '@contract';
import { PLATE_MATCH_MODES } from '@contract/labels';
import { get, type Camera, type Trace } from '../api';
import { useDict, useI18n } from '../i18n';
import { MapView } from '../MapView';
import { PlateThumb, THUMB_WORDS } from './plates/PlateThumb';
import { TracePlayer } from './plates/TracePlayer';
import type { LngLat } from './plates/playback';

type Mode = (typeof PLATE_MATCH_MODES)[number];

export function PlatesPage() {
  const { t, fmtTime } = useI18n();
  const thumbWords = useDict(THUMB_WORDS);
  const [q, setQ] = useState('');
  const [mode, setMode] = useState<Mode>('exact');
  const [hits, setHits] = useState<PlateHit[] | null>(null);
  const [trace, setTrace] = useState<Trace | null>(null);
  const [error, setError] = useState('');
  const [cameras, setCameras] = useState<Camera[]>([]);
  const [playhead, setPlayhead] = useState<LngLat | null>(null);
  useEffect(() => {
    get<{ items: Camera[] }>('/api/cameras').then((r) => setCameras(r.items)).catch((e: unknown) => console.warn(e));
  }, []);
  const search = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    setTrace(null);
    try {
      const r = await get<PlateSearch>(`/api/plates/search?q=${encodeURIComponent(q)}&mode=${mode}&limit=100`);
      setHits(r.items);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const showTrace = async (plate: string) => {
    try {
      setTrace(await get<Trace>(`/api/plates/trace?plate=${encodeURIComponent(plate)}`));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const camName = (id: string) => cameras.find((c) => c.id === id)?.name ?? id;
  return (
    <div className="platespage">
      <section className="sidebar wide" aria-labelledby="p-title">
        <h1 id="p-title">{t('plates')}</h1>
        <form className="searchform" onSubmit={(e) => void search(e)} role="search">
          <label htmlFor="plate-q">{t('plate')}</label>
          <input id="plate-q" value={q} onChange={(e) => setQ(e.target.value)} placeholder="43A-123.45, 43A*, 4?A12345" required />
          <label htmlFor="plate-mode">{t('mode')}</label>
          <select id="plate-mode" value={mode} onChange={(e) => setMode(e.target.value as Mode)}>
            {PLATE_MATCH_MODES.map((m) => <option key={m} value={m}>{t(m)}</option>)}
          </select>
          <button type="submit" className="primary">{t('search')}</button>
        </form>
        {error && <p className="error" role="alert">{error}</p>}
        {hits && (
          <>
            <h2 className="small">{t('results')}: {hits.length}</h2>
            {hits.length === 0 ? <p className="muted">{t('noResults')}</p> : (
              <table className="grid" data-testid="plate-results">
                <thead><tr><th scope="col">{thumbWords('column')}</th><th scope="col">{t('plate')}</th><th scope="col">{t('time')}</th><th scope="col">{t('camera')}</th><th scope="col">{t('confidence')}</th><th scope="col"><span className="sr">{t('trace')}</span></th></tr></thead>
                <tbody>
                  {hits.map((h) => (
                    <tr key={h.id}>
                      <td><PlateThumb sighting={h} /></td><td className="plate">{h.display}</td><td>{fmtTime(h.atMs)}</td><td>{camName(h.cameraId)}</td><td>{Math.round(h.confidence * 100)}%</td>
                      <td><button type="button" onClick={() => void showTrace(h.plateKey)}>{t('trace')}</button></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
        {trace && (
          <>
            <h2 className="small">{t('trace')}: <span className="plate">{trace.timeline[0]?.display ?? trace.plate}</span></h2>
            <TracePlayer trace={trace} onPlayhead={setPlayhead} />
          </>
        )}
      </section>
      <MapView cameras={cameras} health={{}} selected={null} onSelect={() => undefined} route={trace?.route.geometry.coordinates ?? []} playhead={trace ? playhead : null} label={t('route')} />
    </div>
  );
}
