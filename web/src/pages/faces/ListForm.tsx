/** Create or edit a face watch list in a dialog: the threshold slider says what it means while it moves. */
import { useEffect, useState, type FormEvent } from 'react';
import type { FaceFarCurve, FaceList } from '@contract';
import { api } from '../../api';
import { useDict, useI18n } from '../../i18n';
import { falseMatchOf, useFalseMatchText } from './common';
import { WORDS } from './words';

const SEVERITIES = ['info', 'warning', 'critical'] as const;

/** The slider's span: around the model's measured curve (where the thresholds mean something), within what the API takes. */
function span(curve: FaceFarCurve | null): { min: number; max: number } {
  const p = curve?.points ?? [];
  if (p.length === 0) return { min: 0.05, max: 0.99 };
  return { min: Math.max(0.05, Math.floor((p[0]![0] - 0.02) * 100) / 100), max: Math.min(0.99, Math.ceil((p[p.length - 1]![0] + 0.01) * 100) / 100) };
}

export function ListForm({ list, curve, suggested, onDone, onClose }: {
  list: FaceList | null; curve: FaceFarCurve | null; suggested: number; onDone: (l: FaceList) => void; onClose: () => void;
}) {
  const w = useDict(WORDS);
  const { kind } = useI18n();
  const sentence = useFalseMatchText();
  const [name, setName] = useState(list?.name ?? '');
  const [description, setDescription] = useState(list?.description ?? '');
  const [severity, setSeverity] = useState<FaceList['severity']>(list?.severity ?? 'critical');
  const [threshold, setThreshold] = useState(list?.threshold ?? suggested);
  const [error, setError] = useState('');
  const { min, max } = span(curve);
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => { if (e.key === 'Escape') onClose(); };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [onClose]);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const body = { name, description, severity, threshold: Math.round(threshold * 10_000) / 10_000 };
    const req = list ? api<FaceList>('PATCH', `/api/face-lists/${encodeURIComponent(list.id)}`, body) : api<FaceList>('POST', '/api/face-lists', body);
    req.then(onDone).catch((err: Error) => setError(`${w('failed')}: ${err.message}`));
  };
  const meaning = sentence(falseMatchOf(curve, threshold), curve?.impostorPairs);
  return (
    <div className="modal-backdrop" onClick={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <section className="modal face-dialog" role="dialog" aria-modal="true" aria-labelledby="fl-form" data-testid="face-list-form">
        <header className="modal-head">
          <h2 id="fl-form">{w(list ? 'editList' : 'newList')}</h2>
          <button type="button" onClick={onClose} aria-label={w('close')}>×</button>
        </header>
        <form onSubmit={submit}>
          <label htmlFor="fl-name">{w('name')}</label>
          <input id="fl-name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} autoFocus />
          <label htmlFor="fl-desc">{w('description')}</label>
          <textarea id="fl-desc" maxLength={2000} value={description} onChange={(e) => setDescription(e.target.value)} />
          <label htmlFor="fl-sev">{w('severity')}</label>
          <select id="fl-sev" value={severity} onChange={(e) => setSeverity(e.target.value as FaceList['severity'])}>
            {SEVERITIES.map((s) => <option key={s} value={s}>{kind(s)}</option>)}
          </select>
          <label htmlFor="fl-thr">{w('threshold')}: <b data-testid="threshold-value">{threshold.toFixed(4)}</b></label>
          <div className="thr-row">
            <span className="muted small">{w('looser')}</span>
            <input id="fl-thr" type="range" min={min} max={max} step={0.0005} value={threshold} aria-valuetext={meaning}
              onChange={(e) => setThreshold(Number(e.target.value))} />
            <span className="muted small">{w('stricter')}</span>
          </div>
          <p className="far-sentence" data-testid="threshold-meaning" aria-live="polite">{meaning}</p>
          <p className="muted small">
            {w('suggested')}: <button type="button" className="linkish" onClick={() => setThreshold(suggested)}>{suggested.toFixed(4)}</button>
            {curve && <> · {w('measuredOn')}: {curve.measuredOn} ({curve.model})</>}
          </p>
          {error && <p role="alert" className="error">{error}</p>}
          <div className="buttons">
            <button type="submit" className="primary">{w(list ? 'save' : 'create')}</button>
            <button type="button" className="ghost" onClick={onClose}>{w('cancel')}</button>
          </div>
        </form>
      </section>
    </div>
  );
}
