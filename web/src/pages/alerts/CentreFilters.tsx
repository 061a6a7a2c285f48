/**
 * The alert filters of the user's monitoring centre: pick one (remembered in this browser) to narrow the alerts page;
 * a supervisor of the centre saves a filter (kind, lowest severity, camera) or deletes one. Members of a centre only.
 */
import { ALERT_RECORD_KINDS, SEVERITIES } from '@contract/labels';
import { useState, type FormEvent } from 'react';
import type { AlertRow } from '../../api';
import { api } from '../../api';
import { loadPick, savePick, type AlertFilter, type MyCentre } from '../../centre';
import { defineDict, useDict, useI18n } from '../../i18n';

const WORDS = defineDict({
  vi: {
    legend: 'Bộ lọc của trung tâm', pick: 'Bộ lọc', none: '— Tất cả cảnh báo —', name: 'Tên bộ lọc', kind: 'Loại', minSeverity: 'Mức thấp nhất',
    camera: 'Camera', all: 'Tất cả', save: 'Lưu bộ lọc', remove: 'Xoá bộ lọc', saved: 'Đã lưu bộ lọc', removed: 'Đã xoá bộ lọc',
  },
  en: {
    legend: "Centre's filters", pick: 'Filter', none: '— All alerts —', name: 'Filter name', kind: 'Kind', minSeverity: 'Lowest severity',
    camera: 'Camera', all: 'All', save: 'Save filter', remove: 'Delete filter', saved: 'Filter saved', removed: 'Filter deleted',
  },
});

const RANK: Record<string, number> = Object.fromEntries(SEVERITIES.map((s, i) => [s, i]));

/** Whether an alert passes a filter (no filter: every alert). */
export function passes(f: AlertFilter | undefined, a: AlertRow): boolean {
  if (!f) return true;
  if (f.kinds.length > 0 && !(f.kinds as readonly string[]).includes(a.kind)) return false;
  if ((RANK[a.severity] ?? 0) < (RANK[f.minSeverity] ?? 0)) return false;
  if (f.cameraIds.length > 0 && (a.cameraId === null || !f.cameraIds.includes(a.cameraId))) return false;
  return true;
}

interface Props {
  readonly mine: MyCentre;
  readonly username: string;
  readonly cameraIds: readonly string[];
  readonly picked: string;
  onPick(id: string): void;
  onChanged(): void;
}

export function CentreFilters({ mine, username, cameraIds, picked, onPick, onChanged }: Props) {
  const w = useDict(WORDS);
  const { kind } = useI18n();
  const centre = mine.centre!;
  const [name, setName] = useState('');
  const [k, setK] = useState('');
  const [sev, setSev] = useState<string>('info');
  const [cam, setCam] = useState('');
  const [msg, setMsg] = useState('');
  const [error, setError] = useState('');
  const choose = (id: string) => {
    savePick('filter', username, centre.id, id);
    onPick(id);
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    try {
      const f = await api<AlertFilter>('PUT', '/api/centres/mine/filters', { name: name.trim(), kinds: k ? [k] : [], minSeverity: sev, cameraIds: cam ? [cam] : [] });
      setMsg(`${w('saved')}: ${f.name}`);
      setName('');
      choose(f.id);
      onChanged();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const remove = async () => {
    setError('');
    try {
      await api('DELETE', `/api/centres/mine/filters/${encodeURIComponent(picked)}`);
      setMsg(w('removed'));
      choose('');
      onChanged();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <fieldset className="notify centre-filters" data-testid="centre-filters">
      <legend>{w('legend')}: {centre.name}</legend>
      <label>{w('pick')}{' '}
        <select value={picked} onChange={(e) => choose(e.target.value)} data-testid="centre-filter-pick">
          <option value="">{w('none')}</option>
          {mine.filters.map((f) => <option key={f.id} value={f.id}>{f.name}</option>)}
        </select>
      </label>
      {mine.canEdit && picked && <button type="button" onClick={() => void remove()}>{w('remove')}</button>}
      {mine.canEdit && (
        <form className="inline-form" onSubmit={(e) => void save(e)}>
          <label>{w('name')} <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} /></label>
          <label>{w('kind')} <select value={k} onChange={(e) => setK(e.target.value)}>
            <option value="">{w('all')}</option>
            {ALERT_RECORD_KINDS.map((x) => <option key={x} value={x}>{kind(x)}</option>)}
          </select></label>
          <label>{w('minSeverity')} <select value={sev} onChange={(e) => setSev(e.target.value)}>
            {SEVERITIES.map((x) => <option key={x} value={x}>{kind(x)}</option>)}
          </select></label>
          <label>{w('camera')} <select value={cam} onChange={(e) => setCam(e.target.value)}>
            <option value="">{w('all')}</option>
            {cameraIds.map((x) => <option key={x} value={x}>{x}</option>)}
          </select></label>
          <button type="submit">{w('save')}</button>
        </form>
      )}
      {msg && <span className="muted" role="status">{msg}</span>}
      {error && <span className="error" role="alert">{error}</span>}
    </fieldset>
  );
}

/** The filter the user last picked in their centre ('' = none). */
export const rememberedFilter = (mine: MyCentre | null, username: string): string => (mine?.centre ? loadPick('filter', username, mine.centre.id) : '');
