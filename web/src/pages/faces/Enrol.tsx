/**
 * Enrolment form: a person's name, the reason, the legal basis, an expiry (at most a year) and 1–5 photos (each
 * must show a face: the API says which one does not, "photo 2: no face found").
 */
import { useRef, useState, type FormEvent } from 'react';
import type { FacePerson } from '@contract';
import { api } from '../../api';
import { useDict } from '../../i18n';
import { DAY, fileBase64, localDate } from './common';
import { fill, WORDS } from './words';

const MAX_PHOTOS = 5;

export function EnrolForm({ listId, onEnrolled }: { listId: string; onEnrolled: (p: FacePerson) => void }) {
  const w = useDict(WORDS);
  const files = useRef<HTMLInputElement>(null);
  const [name, setName] = useState('');
  const [reason, setReason] = useState('');
  const [legalBasis, setLegalBasis] = useState('');
  const [note, setNote] = useState('');
  const [expiry, setExpiry] = useState(() => localDate(Date.now() + 90 * DAY));
  const [count, setCount] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setError('');
    setDone('');
    const picked = [...(files.current?.files ?? [])];
    if (picked.length === 0) return setError(w('noPhotos'));
    if (picked.length > MAX_PHOTOS) return setError(w('tooManyPhotos'));
    // The end of the chosen day in Việt Nam's time, kept within the year the API allows.
    const expiresAtMs = Math.min(Date.parse(`${expiry}T23:59:59+07:00`), Date.now() + 365 * DAY - 60_000);
    setBusy(true);
    try {
      const photos = await Promise.all(picked.map(fileBase64));
      const p = await api<FacePerson>('POST', `/api/face-lists/${encodeURIComponent(listId)}/persons`, { name, reason, legalBasis, note, expiresAtMs, photos });
      setDone(fill(w('enrolled'), { name: p.name }));
      setName('');
      setReason('');
      setLegalBasis('');
      setNote('');
      if (files.current) files.current.value = '';
      setCount(0);
      onEnrolled(p);
    } catch (err) {
      setError(`${w('failed')}: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="face-form" onSubmit={(e) => void submit(e)} data-testid="enrol-form" aria-labelledby="enrol-title" aria-busy={busy}>
      <h3 id="enrol-title">{w('enrol')}</h3>
      <p className="muted small wide">{w('enrolHint')}</p>
      <label>{w('name')}<input required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} /></label>
      <label>{w('expiryDate')}
        <input type="date" required value={expiry} min={localDate(Date.now() + DAY)} max={localDate(Date.now() + 364 * DAY)} onChange={(e) => setExpiry(e.target.value)} />
      </label>
      <label className="wide">{w('reason')}<textarea required minLength={3} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} /></label>
      <label className="wide">{w('legalBasis')}<input required minLength={3} maxLength={500} value={legalBasis} onChange={(e) => setLegalBasis(e.target.value)} /></label>
      <label className="wide">{w('note')}<input maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} /></label>
      <label className="wide">{w('photoFiles')}
        <input ref={files} type="file" accept="image/jpeg,image/png" multiple required onChange={(e) => setCount(e.target.files?.length ?? 0)} />
      </label>
      {count > 0 && <p className="muted small wide" role="status">{fill(w('selected'), { n: count })}{count > MAX_PHOTOS ? ` — ${w('tooManyPhotos')}` : ''}</p>}
      {error && <p role="alert" className="error wide" data-testid="enrol-error">{error}</p>}
      {done && <p role="status" className="ok wide">{done}</p>}
      <div className="wide"><button type="submit" className="primary" disabled={busy}>{busy ? w('working') : w('enrolNow')}</button></div>
    </form>
  );
}
