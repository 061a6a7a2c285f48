/** CSV import into one watch list: pick a file, see its first rows, import; the server's line errors shown as a list. */
import { useId, useRef, useState } from 'react';
import { api, ApiError } from '../../api';
import { useDict } from '../../i18n';
import { previewCsv, type CsvPreview } from './csv';
import type { WatchImport as ImportResult, WatchImportLineError as LineError } from '@contract';
import { WORDS } from './words';

const MAX_BYTES = 2_000_000;

export function WatchImport({ listId, onImported }: { listId: string; onImported(r: ImportResult): void }) {
  const w = useDict(WORDS);
  const id = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<{ name: string; text: string; preview: CsvPreview } | null>(null);
  const [lines, setLines] = useState<{ items: LineError[]; count: number } | null>(null);
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  const [busy, setBusy] = useState(false);

  const pick = async (f: File | undefined) => {
    setFile(null); setLines(null); setError(''); setDone('');
    if (!f) return;
    if (f.size > MAX_BYTES) {
      setError(w('tooBig'));
      return;
    }
    const text = await f.text();
    setFile({ name: f.name, text, preview: previewCsv(text) });
  };
  const submit = async () => {
    if (!file) return;
    setBusy(true); setLines(null); setError(''); setDone('');
    try {
      const r = await api<ImportResult>('POST', `/api/watchlists/${encodeURIComponent(listId)}/import`, { csv: file.text });
      setDone(`${w('imported')} ${r.imported}, ${r.skipped} ${w('skipped')}`);
      setFile(null);
      if (fileRef.current) fileRef.current.value = '';
      onImported(r);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'invalid_csv' && Array.isArray(e.details['lines'])) {
        setLines({ items: e.details['lines'] as LineError[], count: Number(e.details['errorCount'] ?? 0) });
      } else setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="watch-import" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{w('importTitle')}</h3>
      <p className="muted" id={`${id}-help`}>{w('importHelp')}</p>
      <label htmlFor={`${id}-file`}>{w('importFile')}</label>
      <input id={`${id}-file`} ref={fileRef} type="file" accept=".csv,text/csv" aria-describedby={`${id}-help`} onChange={(e) => void pick(e.target.files?.[0])} />
      {file && (
        <div className="csv-preview" data-testid="csv-preview">
          <p><b>{w('preview')}</b>: {file.name} — {Math.min(file.preview.rows.length, file.preview.total)} {w('previewOf')} {file.preview.total} {w('rows')}</p>
          <table className="grid">
            <thead><tr><th scope="col">#</th>{file.preview.header.map((h, i) => <th key={i} scope="col">{h}</th>)}</tr></thead>
            <tbody>
              {file.preview.rows.map((r, i) => <tr key={i}><td>{i + 1}</td>{file.preview.header.map((_, j) => <td key={j}>{r[j] ?? ''}</td>)}</tr>)}
            </tbody>
          </table>
          <button type="button" className="primary" disabled={busy} onClick={() => void submit()}>{busy ? w('importing') : w('importButton')}</button>
        </div>
      )}
      {lines && (
        <div className="error line-errors" role="alert" data-testid="import-errors">
          <p>{w('importRefused')}</p>
          <ul>{lines.items.map((l) => <li key={l.line}><b>{w('line')} {l.line}</b>: {l.message}</li>)}</ul>
          {lines.count > lines.items.length && <p>{w('moreErrors')} {lines.count}</p>}
        </div>
      )}
      {error && <p className="error" role="alert">{error}</p>}
      {done && <p className="notice" role="status" data-testid="import-done">{done}</p>}
    </section>
  );
}
