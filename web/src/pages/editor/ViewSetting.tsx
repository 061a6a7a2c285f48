/** Where the camera looks on the ground (`view` of the camera: heading, field of view, range), drawn on the map as a cone. */
import { useDict } from '../../i18n';
import { Problems } from './Problems';
import type { Geometry, Problem } from './model';
import { WORDS } from './words';

const DEFAULT_VIEW = { headingDeg: 0, fovDeg: 60, rangeM: 80 } as const;
const FIELDS = [
  { key: 'headingDeg', min: 0, max: 359, step: 1 },
  { key: 'fovDeg', min: 1, max: 360, step: 1 },
  { key: 'rangeM', min: 1, max: 5000, step: 10 },
] as const;

export function ViewSetting({ g, onChange, problems }: { g: Geometry; onChange: (g: Geometry) => void; problems: readonly Problem[] }) {
  const w = useDict(WORDS);
  const view = g.view;
  return (
    <section aria-labelledby="ed-view" className="view-setting" data-testid="view-setting">
      <h2 id="ed-view">{w('view')}</h2>
      <label><input type="checkbox" checked={view !== null} onChange={(e) => onChange({ ...g, view: e.target.checked ? { ...DEFAULT_VIEW } : null })} /> {w('viewKnown')}</label>
      {view && FIELDS.map((f) => (
        <label key={f.key} className="field">
          <span>{w(f.key)}</span>
          <input type="number" min={f.min} max={f.max} step={f.step} value={view[f.key]}
            onChange={(e) => onChange({ ...g, view: { ...view, [f.key]: e.target.value === '' ? 0 : Number(e.target.value) } })} />
        </label>
      ))}
      {view && <p className="muted">{w('viewHint')}</p>}
      <Problems problems={problems} at="view" />
    </section>
  );
}
