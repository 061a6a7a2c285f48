/**
 * Attribute search (`#/attributes`): people and vehicles by class, colours (a person's top and trousers, a vehicle's
 * body), time window and area, without any face. Results are crop cards with camera and time; a card opens the
 * camera. Every search is audited by the server (`search.attributes`), every crop view too.
 */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { AttributeSearch, TrackHit } from '@contract';
import { COLOUR_LABELS, COLOUR_NAMES, type ColourName } from '@contract/labels';
import { get, type Camera } from '../api';
import { defineDict, useDict, useI18n } from '../i18n';
import './attributes/attributes.css';

const WORDS = defineDict({
  vi: {
    title: 'Tìm theo đặc điểm', cls: 'Đối tượng', any: 'Bất kỳ', upper: 'Màu áo (thân trên)', lower: 'Màu quần (thân dưới)', body: 'Màu thân xe',
    from: 'Từ', to: 'Đến', area: 'Khu vực', allCameras: 'Mọi camera trong phạm vi', site: 'Địa điểm', search: 'Tìm', results: 'Kết quả',
    none: 'Không tìm thấy', crop: 'Ảnh đối tượng', noCrop: 'Không có ảnh', open: 'Mở camera', audited: 'Mỗi lần tìm đều được ghi nhật ký.',
    people: 'Người', vehicles: 'Phương tiện', clear: 'Bỏ chọn',
  },
  en: {
    title: 'Attribute search', cls: 'Object', any: 'Any', upper: 'Top colour (upper body)', lower: 'Trousers colour (lower body)', body: 'Vehicle colour',
    from: 'From', to: 'To', area: 'Area', allCameras: 'All cameras in scope', site: 'Site', search: 'Search', results: 'Results',
    none: 'Nothing found', crop: 'Picture of the object', noCrop: 'No picture', open: 'Open camera', audited: 'Every search is recorded in the audit log.',
    people: 'People', vehicles: 'Vehicles', clear: 'Clear',
  },
});

const CLASSES = ['person', 'car', 'motorcycle', 'bus', 'truck', 'bicycle'] as const;
/** Swatches of the chips (what the name means, not what a camera saw). */
const SWATCH: Record<ColourName, string> = {
  red: '#dc2626', orange: '#f97316', yellow: '#facc15', green: '#16a34a', blue: '#2563eb', purple: '#7c3aed', pink: '#f472b6',
  brown: '#92400e', white: '#f8fafc', gray: '#94a3b8', black: '#0f172a',
};

function ColourChips({ label, value, onChange, name }: { label: string; value: ColourName | ''; onChange: (c: ColourName | '') => void; name: string }) {
  const { lang } = useI18n();
  const w = useDict(WORDS);
  return (
    <fieldset className="chips" data-testid={`chips-${name}`}>
      <legend>{label}</legend>
      {COLOUR_NAMES.map((c) => (
        <button key={c} type="button" className="chip" aria-pressed={value === c} onClick={() => onChange(value === c ? '' : c)} data-colour={c}>
          <span className="swatch" style={{ background: SWATCH[c] }} aria-hidden="true" />{COLOUR_LABELS[c][lang]}
        </button>
      ))}
      {value && <button type="button" className="ghost clear" onClick={() => onChange('')}>{w('clear')}</button>}
    </fieldset>
  );
}

const toMs = (local: string): number | undefined => (local ? new Date(local).getTime() : undefined);

export function AttributesPage() {
  const { lang, cls: clsName, fmtTime } = useI18n();
  const w = useDict(WORDS);
  const [cls, setCls] = useState<(typeof CLASSES)[number] | ''>('person');
  const [upper, setUpper] = useState<ColourName | ''>('');
  const [lower, setLower] = useState<ColourName | ''>('');
  const [body, setBody] = useState<ColourName | ''>('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [area, setArea] = useState('');
  const [cameras, setCameras] = useState<Camera[]>([]);
  const [hits, setHits] = useState<TrackHit[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    get<{ items: Camera[] }>('/api/cameras').then((r) => setCameras(r.items)).catch((e: unknown) => console.warn(e));
  }, []);
  const sites = useMemo(() => [...new Set(cameras.map((c) => c.siteId))].sort(), [cameras]);
  const person = cls === 'person' || cls === '';
  const vehicle = cls !== 'person';

  const search = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    const q = new URLSearchParams();
    if (cls) q.set('cls', cls);
    if (person && upper) q.set('upper', upper);
    if (person && lower) q.set('lower', lower);
    if (vehicle && body) q.set(cls === '' ? 'colour' : 'body', body);
    const f = toMs(from);
    const t = toMs(to);
    if (f !== undefined) q.set('from', String(f));
    if (t !== undefined) q.set('to', String(t));
    if (area.startsWith('site:')) q.set('siteId', area.slice(5));
    else if (area.startsWith('cam:')) q.set('cameraId', area.slice(4));
    q.set('limit', '100');
    try {
      setHits((await get<AttributeSearch>(`/api/search/attributes?${q.toString()}`)).items);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const colours = (h: TrackHit): string =>
    (h.cls === 'person' ? [h.upper[0], h.lower[0]] : [h.body[0]]).map((c) => (c ? COLOUR_LABELS[c][lang] : '—')).join(' / ');

  return (
    <div className="attrpage">
      <section className="sidebar wide" aria-labelledby="a-title">
        <h1 id="a-title">{w('title')}</h1>
        <p className="muted small">{w('audited')}</p>
        <form className="searchform attrform" onSubmit={(e) => void search(e)} role="search">
          <label htmlFor="attr-cls">{w('cls')}</label>
          <select id="attr-cls" value={cls} onChange={(e) => setCls(e.target.value as typeof cls)}>
            <option value="">{w('any')}</option>
            {CLASSES.map((c) => <option key={c} value={c}>{clsName(c)}</option>)}
          </select>
          {person && <ColourChips name="upper" label={w('upper')} value={upper} onChange={setUpper} />}
          {person && <ColourChips name="lower" label={w('lower')} value={lower} onChange={setLower} />}
          {vehicle && <ColourChips name="body" label={w('body')} value={body} onChange={setBody} />}
          <label htmlFor="attr-from">{w('from')}</label>
          <input id="attr-from" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
          <label htmlFor="attr-to">{w('to')}</label>
          <input id="attr-to" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
          <label htmlFor="attr-area">{w('area')}</label>
          <select id="attr-area" value={area} onChange={(e) => setArea(e.target.value)}>
            <option value="">{w('allCameras')}</option>
            {sites.map((s) => <option key={`s${s}`} value={`site:${s}`}>{w('site')}: {s}</option>)}
            {cameras.map((c) => <option key={c.id} value={`cam:${c.id}`}>{c.name}</option>)}
          </select>
          <button type="submit" className="primary">{w('search')}</button>
        </form>
        {error && <p className="error" role="alert">{error}</p>}
      </section>
      <section className="attr-results" aria-live="polite">
        {hits && <h2 className="small">{w('results')}: {hits.length}</h2>}
        {hits && hits.length === 0 && <p className="muted">{w('none')}</p>}
        {hits && hits.length > 0 && (
          <ul className="cards" data-testid="attr-results">
            {hits.map((h) => (
              <li key={h.id} className="card" data-testid="attr-card">
                <a href={`#/camera/${encodeURIComponent(h.cameraId)}`} title={w('open')}>
                  {h.cropUrl ? <img src={h.cropUrl} alt={`${w('crop')}: ${clsName(h.cls)}, ${colours(h)}`} loading="lazy" decoding="async" /> : <span className="nocrop" role="img" aria-label={w('noCrop')} />}
                  <span className="what">{clsName(h.cls)} · {colours(h)}</span>
                  <span className="where">{h.cameraName ?? h.cameraId}</span>
                  <time dateTime={new Date(h.firstMs).toISOString()}>{fmtTime(h.firstMs)}</time>
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
