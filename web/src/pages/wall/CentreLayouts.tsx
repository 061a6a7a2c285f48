/**
 * The wall layouts of the user's monitoring centre: load one (the choice is remembered), save the wall as it is under
 * a name, delete one (supervisors of the centre). Shown only to members of a centre; others keep the wall in this browser.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api';
import { loadPick, savePick, type MyCentre, type WallLayout } from '../../centre';
import { defineDict, useDict } from '../../i18n';
import type { Layout } from './layout';

const WORDS = defineDict({
  vi: {
    centre: 'Trung tâm giám sát', layouts: 'Bố cục của trung tâm', none: '— Bố cục riêng trên máy này —', saveAs: 'Lưu bố cục là',
    save: 'Lưu', remove: 'Xoá bố cục', saved: 'Đã lưu bố cục', removed: 'Đã xoá bố cục', namePlaceholder: 'Tên bố cục',
  },
  en: {
    centre: 'Monitoring centre', layouts: "Centre's layouts", none: '— My own layout in this browser —', saveAs: 'Save the layout as',
    save: 'Save', remove: 'Delete layout', saved: 'Layout saved', removed: 'Layout deleted', namePlaceholder: 'Layout name',
  },
});

interface Props {
  readonly mine: MyCentre;
  readonly username: string;
  readonly layout: Layout;
  readonly tiles: readonly string[];
  /** Shows a saved layout on the wall. */
  onApply(size: Layout, picks: Record<number, string>): void;
  onChanged(): void;
}

export function CentreLayouts({ mine, username, layout, tiles, onApply, onChanged }: Props) {
  const w = useDict(WORDS);
  const centre = mine.centre!;
  const [picked, setPicked] = useState(() => loadPick('layout', username, centre.id));
  const [name, setName] = useState('');
  const [msg, setMsg] = useState('');
  const [error, setError] = useState('');
  const apply = (l: WallLayout) => onApply(l.size as Layout, Object.fromEntries(l.tiles.map((id, i) => [i, id ?? ''])));

  // The remembered layout, once the centre's layouts are known.
  useEffect(() => {
    const l = mine.layouts.find((x) => x.id === picked);
    if (l) apply(l);
  }, [mine.layouts]);

  const choose = (id: string) => {
    setPicked(id);
    savePick('layout', username, centre.id, id);
    const l = mine.layouts.find((x) => x.id === id);
    if (l) apply(l);
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    try {
      const l = await api<WallLayout>('PUT', '/api/centres/mine/layouts', { name: name.trim(), size: layout, tiles: tiles.map((id) => id || null) });
      setMsg(`${w('saved')}: ${l.name}`);
      setName('');
      setPicked(l.id);
      savePick('layout', username, centre.id, l.id);
      onChanged();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const remove = async () => {
    setError('');
    try {
      await api('DELETE', `/api/centres/mine/layouts/${encodeURIComponent(picked)}`);
      setMsg(w('removed'));
      choose('');
      onChanged();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div className="centre-layouts" data-testid="centre-layouts">
      <span className="muted">{w('centre')}: <b data-testid="centre-name">{centre.name}</b></span>
      <label>
        <span className="sr">{w('layouts')}</span>
        <select aria-label={w('layouts')} value={picked} onChange={(e) => choose(e.target.value)} data-testid="centre-layout-pick">
          <option value="">{w('none')}</option>
          {mine.layouts.map((l) => <option key={l.id} value={l.id}>{l.name} ({l.size})</option>)}
        </select>
      </label>
      {mine.canEdit && picked && <button type="button" onClick={() => void remove()}>{w('remove')}</button>}
      {mine.canEdit && (
        <form className="inline-form" onSubmit={(e) => void save(e)}>
          <label htmlFor="centre-layout-name" className="sr">{w('saveAs')}</label>
          <input id="centre-layout-name" required maxLength={100} placeholder={w('namePlaceholder')} value={name} onChange={(e) => setName(e.target.value)} />
          <button type="submit">{w('saveAs')}</button>
        </form>
      )}
      {msg && <span className="muted" role="status">{msg}</span>}
      {error && <span className="error" role="alert">{error}</span>}
    </div>
  );
}
