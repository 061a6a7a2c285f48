/**
 * Face watch-list matches: each a card with BOTH faces side by side (the enrolled photo that matched | the face seen
 * on the camera), the score against the list's threshold, the person, list, camera and time, and the operator's
 * decision (confirm or reject, with a note, once: a 409 means someone decided first, and the card then shows who).
 * New matches arrive through the live push as `face_match` alerts: the list is fetched again on each.
 */
import { useCallback, useEffect, useState } from 'react';
import type { Camera, FaceMatch, Me } from '@contract';
import { api, ApiError, get } from '../../api';
import { useDict, useI18n } from '../../i18n';
import type { LiveState } from '../../live';
import { FaceImg, pct } from './common';
import { WORDS } from './words';

function Decision({ m, onDecided }: { m: FaceMatch; onDecided: (m: FaceMatch | null, conflict: boolean) => void }) {
  const w = useDict(WORDS);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const decide = (decision: 'confirmed' | 'rejected'): void => {
    setBusy(true);
    setError('');
    api<FaceMatch>('POST', `/api/face-matches/${encodeURIComponent(m.alertId)}/decision`, { decision, note })
      .then((r) => onDecided(r, false))
      .catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 409) onDecided(null, true);
        else setError(`${w('failed')}: ${(e as Error).message}`);
      })
      .finally(() => setBusy(false));
  };
  const id = `note-${m.alertId}`;
  return (
    <div className="decide">
      <label htmlFor={id}>{w('decisionNote')}</label>
      <textarea id={id} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
      <div className="buttons">
        <button type="button" className="primary" disabled={busy} onClick={() => decide('confirmed')}>{w('confirm')}</button>
        <button type="button" className="danger" disabled={busy} onClick={() => decide('rejected')}>{w('reject')}</button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
    </div>
  );
}

function MatchCard({ m, camName, mayDecide, maySearch, conflict, onDecided }: {
  m: FaceMatch; camName: string; mayDecide: boolean; maySearch: boolean; conflict: boolean; onDecided: (m: FaceMatch | null, conflict: boolean) => void;
}) {
  const w = useDict(WORDS);
  const { fmtTime } = useI18n();
  const person = m.person?.name ?? w('personGone');
  const above = m.score - m.threshold;
  return (
    <li className={`face-match ${m.decision ? `decided ${m.decision.decision}` : 'open'}`} data-testid="face-match" data-alert={m.alertId} data-decision={m.decision?.decision ?? ''}>
      <div className="pair">
        <figure><FaceImg url={m.enrolledUrl} alt={`${w('enrolledPhoto')}: ${person}`} size={150} /><figcaption>{w('enrolledPhoto')}</figcaption></figure>
        <figure><FaceImg url={m.seen?.cropUrl ?? null} alt={`${w('seenPhoto')}: ${camName}`} size={150} /><figcaption>{w('seenPhoto')}</figcaption></figure>
      </div>
      <div className="facts">
        <h3>{person}</h3>
        <p className="score" data-testid="match-score">
          <b>{w('score')} {pct(m.score)}</b> <span className="muted">({w('vs')} {pct(m.threshold)}, +{(above * 100).toFixed(1)})</span>
        </p>
        <meter min={0} max={1} low={m.threshold} optimum={1} value={m.score} aria-label={w('score')} />
        <dl>
          <dt>{w('list')}</dt><dd>{m.listName}</dd>
          <dt>{w('camera')}</dt><dd>{camName}</dd>
          <dt>{w('time')}</dt><dd><time>{fmtTime(m.atMs)}</time></dd>
          {m.person && <><dt>{w('reason')}</dt><dd>{m.person.reason}</dd></>}
        </dl>
        {m.decision ? (
          <p className={`pill ${m.decision.decision}`} data-testid="match-decision">
            {w(m.decision.decision)} {w('by')} {m.decision.decidedByName} · <time>{fmtTime(m.decision.decidedAtMs)}</time>{m.decision.note ? ` · ${m.decision.note}` : ''}
          </p>
        ) : mayDecide ? <Decision m={m} onDecided={onDecided} /> : <p className="muted small">{w('cannotDecide')}</p>}
        {conflict && <p role="status" className="notice">{w('alreadyDecided')}</p>}
        {maySearch && m.seen && <a className="button" href={`#/faces/search/${encodeURIComponent(m.seen.id)}`}>{w('searchFace')}</a>}
      </div>
    </li>
  );
}

export function MatchesTab({ me, live }: { me: Me; live: LiveState }) {
  const w = useDict(WORDS);
  const [items, setItems] = useState<FaceMatch[] | null>(null);
  const [cameras, setCameras] = useState<Camera[]>([]);
  const [error, setError] = useState('');
  const [conflicts, setConflicts] = useState<ReadonlySet<string>>(new Set());
  const load = useCallback((): void => {
    get<{ items: FaceMatch[] }>('/api/face-matches?limit=50').then((r) => { setItems(r.items); setError(''); }).catch((e: Error) => setError(e.message));
  }, []);
  // Fetched again whenever the live push brings a face_match alert this page has not seen.
  const pushed = live.alerts.filter((a) => a.kind === 'face_match').map((a) => a.id).join(',');
  useEffect(load, [load, pushed]);
  useEffect(() => {
    get<{ items: Camera[] }>('/api/cameras').then((r) => setCameras(r.items)).catch((e: unknown) => console.warn(e));
  }, []);
  const camName = (id: string): string => cameras.find((c) => c.id === id)?.name ?? id;
  const decided = (id: string) => (m: FaceMatch | null, conflict: boolean): void => {
    if (conflict) setConflicts((s) => new Set([...s, id]));
    if (m) {
      setItems((cur) => cur?.map((x) => (x.alertId === id ? m : x)) ?? null);
      live.markAcked(id, me.username);
    } else load();
  };
  return (
    <div className="face-matches-tab">
      <h2 className="sr">{w('matches')}</h2>
      {error && <p role="alert" className="error">{error}</p>}
      {items && items.length === 0 && <p className="muted">{w('noMatches')}</p>}
      {items && items.length > 0 && (
        <ul className="face-matches" data-testid="face-matches" aria-live="polite">
          {items.map((m) => (
            <MatchCard key={m.alertId} m={m} camName={camName(m.cameraId)} conflict={conflicts.has(m.alertId)} onDecided={decided(m.alertId)}
              mayDecide={me.permissions.includes('alerts.ack')} maySearch={me.permissions.includes('faces.search')} />
          ))}
        </ul>
      )}
    </div>
  );
}
