/**
 * The alert filters of the user's monitoring centre: pick one (remembered in this browser) to narrow the alerts page;
 * a supervisor of the centre saves a filter (kind, lowest severity, camera, district) or deletes one. Members of a centre only.
 */
import { ALERT_RECORD_KINDS, SEVERITIES } from '@contract/labels';
import { useState, type FormEvent } from 'react';
import { api, type Camera } from '../../api';
import { loadPick, savePick, type AlertFilter, type MyCentre } from '../../centre';
import { defineDict, useDict, useI18n } from '../../i18n';

const WORDS = defineDict({
  vi: {
    legend: 'Bộ lọc của trung tâm', pick: 'Bộ lọc', none: '— Tất cả cảnh báo —', name: 'Tên bộ lọc', kind: 'Loại', minSeverity: 'Mức thấp nhất',
    camera: 'Camera', district: 'Quận/huyện', all: 'Tất cả', save: 'Lưu bộ lọc', remove: 'Xoá bộ lọc', saved: 'Đã lưu bộ lọc', removed: 'Đã xoá bộ lọc',
  },
  en: {
    legend: "Centre's filters", pick: 'Filter', none: '— All alerts —', name: 'Filter name', kind: 'Kind', minSeverity: 'Lowest severity',
    camera: 'Camera', district: 'District', all: 'All', save: 'Save filter', remove: 'Delete filter', saved: 'Filter saved', removed: 'Filter deleted',
  },
});

interface Props {
  readonly mine: MyCentre;
  readonly username: string;
  /** The cameras the user sees (to pick from). */
  readonly cameras: readonly Camera[];
  readonly picked: string;
  onPick(id: string): void;
  onChanged(): void;
}

export function CentreFilters({ mine, username, cameras, picked, onPick, onChanged }: Props) {
  const w = useDict(WORDS);
  const { kind } = useI18n();
  const centre = mine.centre!;
  const [name, setName] = useState('');
  const [k, setK] = useState('');
  const [sev, setSev] = useState<string>('info');
  const [cam, setCam] = useState('');
  const [district, setDistrict] = useState('');
  const districts = [...new Set(cameras.map((c) => c.area.district).filter((d): d is string => d !== null))].sort();
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
      const f = await api<AlertFilter>('PUT', '/api/centres/mine/filters', { name: name.trim(), kinds: k ? [k] : [], minSeverity: sev, cameraIds: cam ? [cam] : [], districts: district ? [district] : [] });
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
            {cameras.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select></label>
          <label>{w('district')} <select value={district} onChange={(e) => setDistrict(e.target.value)}>
            <option value="">{w('all')}</option>
            {districts.map((d) => <option key={d} value={d}>{d}</option>)}
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
