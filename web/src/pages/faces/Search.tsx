/**
 * Person search: a photo of the person (or a face picked from a match, `#/faces/search/<faceId>`), a required reason
 * (audited with the search), a time window and cameras; the sightings ranked by similarity as face cards, a timeline,
 * and the route on the map (the same GeoJSON line as plate trace, on the same map component).
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Camera, FaceSearch } from '@contract';
import { api, get } from '../../api';
import { useDict, useI18n } from '../../i18n';
import { MapView } from '../../MapView';
import { DAY, FaceImg, fileBase64, fromLocal, localInput, pct } from './common';
import { WORDS } from './words';

export function SearchTab({ faceId, onClearFace }: { faceId: string | null; onClearFace: () => void }) {
  const w = useDict(WORDS);
  const { fmtTime } = useI18n();
  const file = useRef<HTMLInputElement>(null);
  const [reason, setReason] = useState('');
  const [from, setFrom] = useState(() => localInput(Date.now() - DAY));
  const [to, setTo] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [cameras, setCameras] = useState<Camera[]>([]);
  const [result, setResult] = useState<FaceSearch | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  useEffect(() => {
    get<{ items: Camera[] }>('/api/cameras').then((r) => setCameras(r.items)).catch((e: unknown) => console.warn(e));
  }, []);
  useEffect(() => setResult(null), [faceId]);
  const camName = (id: string, name: string | null): string => name ?? cameras.find((c) => c.id === id)?.name ?? id;
  const search = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError('');
    const photo = file.current?.files?.[0];
    if (!faceId && !photo) return setError(w('needPhoto'));
    setBusy(true);
    try {
      const probe = faceId ? { faceId } : { photo: await fileBase64(photo!) };
      const window = { ...(from ? { from: fromLocal(from) } : {}), ...(to ? { to: fromLocal(to) } : {}) };
      setResult(await api<FaceSearch>('POST', '/api/faces/search', { ...probe, reason, ...window, ...(picked.length > 0 ? { cameras: picked } : {}), limit: 50 }));
    } catch (err) {
      setResult(null);
      setError(`${w('failed')}: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  const timeline = result ? [...result.items].sort((a, b) => a.atMs - b.atMs) : [];
  return (
    <div className="face-search">
      <div className="face-search-side">
        <form className="face-form" onSubmit={(e) => void search(e)} role="search" data-testid="face-search-form" aria-busy={busy}>
          {faceId ? (
            <div className="wide probe">
              <FaceImg url={`/api/faces/${encodeURIComponent(faceId)}/image`} alt={w('byFace')} size={96} />
              <div><b>{w('byFace')}</b><br /><button type="button" className="ghost" onClick={onClearFace}>{w('clearFace')}</button></div>
            </div>
          ) : (
            <label className="wide">{w('byPhoto')}<input ref={file} type="file" accept="image/jpeg,image/png" required /></label>
          )}
          <label className="wide">{w('searchReason')}<textarea required minLength={3} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} /></label>
          <label>{w('from')}<input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
          <label>{w('to')}<input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} /></label>
          <label className="wide">{w('cameras')}
            <select multiple size={Math.min(6, Math.max(3, cameras.length))} value={picked} onChange={(e) => setPicked([...e.target.selectedOptions].map((o) => o.value))}>
              {cameras.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </select>
          </label>
          {error && <p role="alert" className="error wide">{error}</p>}
          <div className="wide"><button type="submit" className="primary" disabled={busy}>{busy ? w('working') : w('doSearch')}</button></div>
        </form>
        {result && (
          <section data-testid="face-search-results" data-hits={result.items.length} aria-labelledby="fs-results">
            <h3 id="fs-results">{w('results')}: {result.items.length} <span className="muted small">· {w('probe')} {result.probe.quality.toFixed(2)} · {result.model}</span></h3>
            {result.items.length === 0 ? <p className="muted">{w('noResults')}</p> : (
              <ol className="face-hits">
                {result.items.map((h) => (
                  <li key={h.id} className="face-hit" data-testid="face-hit" data-face={h.id} data-score={h.score}>
                    <FaceImg url={h.cropUrl} alt={`${camName(h.cameraId, h.cameraName)} ${fmtTime(h.atMs)}`} size={96} />
                    <div><b>{pct(h.score)}</b><br />{camName(h.cameraId, h.cameraName)}<br /><time className="muted small">{fmtTime(h.atMs)}</time></div>
                  </li>
                ))}
              </ol>
            )}
            {timeline.length > 0 && (
              <>
                <h3>{w('timeline')}</h3>
                <ol className="face-timeline" data-testid="face-timeline">
                  {timeline.map((h) => <li key={h.id}><time>{fmtTime(h.atMs)}</time> {camName(h.cameraId, h.cameraName)} · {pct(h.score)}</li>)}
                </ol>
              </>
            )}
          </section>
        )}
      </div>
      <div className="face-search-map">
        <MapView cameras={cameras} health={{}} selected={null} onSelect={() => undefined} route={result?.route.geometry.coordinates ?? []} playhead={null} label={w('route')} />
      </div>
    </div>
  );
}
