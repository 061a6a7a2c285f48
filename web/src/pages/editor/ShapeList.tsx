/** The side panel of the editor: each line, zone, lane and calibration point with its fields and problems. */
import type { ReactNode } from 'react';
import { useDict, useI18n } from '../../i18n';
import { Problems } from './Problems';
import { VEHICLE_CLASSES, type Geometry, type Handle, type Problem, type Pt } from './model';
import { WORDS } from './words';

interface Props {
  readonly g: Geometry;
  readonly onChange: (g: Geometry) => void;
  readonly selected: Handle | null;
  readonly onPick: (h: Handle) => void;
  readonly problems: readonly Problem[];
}

const fmtPt = (p: Pt): string => `${p[0].toFixed(3)}, ${p[1].toFixed(3)}`;
const optionalName = (v: string): { name: string | undefined } => ({ name: v.trim() ? v : undefined });

export function ShapeList({ g, onChange, selected, onPick, problems }: Props) {
  const w = useDict(WORDS);
  const { cls } = useI18n();
  const isSel = (h: Handle) => selected?.kind === h.kind && selected.index === h.index && selected.point === h.point;
  const pointButtons = (kind: Handle['kind'], index: number, pts: readonly Pt[], names?: string[]) => (
    <div className="pts">
      {pts.map((p, j) => {
        const h = { kind, index, point: j };
        return (
          <button key={j} type="button" className="pt" aria-pressed={isSel(h)} onClick={() => onPick(h)}>
            {names?.[j] ?? `${w('point')} ${j + 1}`} <span className="muted">({fmtPt(p)})</span>
          </button>
        );
      })}
    </div>
  );
  const idName = (path: string, item: { id: string; name?: string }, set: (patch: { id?: string; name?: string | undefined }) => void, remove: () => void): ReactNode => (
    <div className="row">
      <label>{w('id')} <input value={item.id} onChange={(e) => set({ id: e.target.value })} aria-invalid={problems.some((p) => p.path === `${path}.id`)} /></label>
      <label>{w('name')} <input value={item.name ?? ''} onChange={(e) => set(optionalName(e.target.value))} /></label>
      <button type="button" className="ghost" onClick={remove} aria-label={`${w('remove')} ${item.id}`}>✕</button>
    </div>
  );
  const setList = (key: 'lines' | 'zones' | 'lanes', i: number, patch: { id?: string; name?: string | undefined; classes?: string[] }): void => {
    const list = (g[key] as Array<{ name?: string }>).map((x, j) => {
      if (j !== i) return x;
      const y = { ...x, ...patch };
      if (!y.name) delete y.name;
      return y;
    });
    onChange({ ...g, [key]: list });
  };
  const dropFrom = (key: 'lines' | 'zones' | 'lanes', i: number): void => onChange({ ...g, [key]: g[key].filter((_, j) => j !== i) });

  return (
    <div className="shapes">
      <section aria-labelledby="ed-lines">
        <h2 id="ed-lines">{w('lines')} <span className="muted">({g.lines.length})</span></h2>
        <Problems problems={problems} at="lines" exact />
        {g.lines.length === 0 && <p className="muted">{w('none')}</p>}
        {g.lines.map((l, i) => (
          <fieldset key={i} className="item" data-testid={`line-${i}`}>
            <legend>{l.name ?? l.id}</legend>
            {idName(`lines.${i}`, l, (p) => setList('lines', i, p), () => dropFrom('lines', i))}
            {pointButtons('line', i, l.points, ['A', 'B'])}
            <Problems problems={problems} at={`lines.${i}`} />
          </fieldset>
        ))}
      </section>
      <section aria-labelledby="ed-zones">
        <h2 id="ed-zones">{w('zones')} <span className="muted">({g.zones.length})</span></h2>
        <Problems problems={problems} at="zones" exact />
        {g.zones.length === 0 && <p className="muted">{w('none')}</p>}
        {g.zones.map((z, i) => (
          <fieldset key={i} className="item" data-testid={`zone-${i}`}>
            <legend>{z.name ?? z.id}</legend>
            {idName(`zones.${i}`, z, (p) => setList('zones', i, p), () => dropFrom('zones', i))}
            {pointButtons('zone', i, z.polygon)}
            <Problems problems={problems} at={`zones.${i}`} />
          </fieldset>
        ))}
      </section>
      <section aria-labelledby="ed-lanes">
        <h2 id="ed-lanes">{w('lanes')} <span className="muted">({g.lanes.length})</span></h2>
        <Problems problems={problems} at="lanes" exact />
        {g.lanes.length === 0 && <p className="muted">{w('none')}</p>}
        {g.lanes.map((l, i) => (
          <fieldset key={i} className="item" data-testid={`lane-${i}`}>
            <legend>{l.name ?? l.id}</legend>
            {idName(`lanes.${i}`, l, (p) => setList('lanes', i, p), () => dropFrom('lanes', i))}
            <fieldset className="classes">
              <legend>{w('classes')}</legend>
              {VEHICLE_CLASSES.map((c) => (
                <label key={c}>
                  <input type="checkbox" checked={l.classes.includes(c)}
                    onChange={(e) => setList('lanes', i, { classes: e.target.checked ? [...l.classes, c] : l.classes.filter((x) => x !== c) })} />
                  {cls(c)}
                </label>
              ))}
            </fieldset>
            {'from' in l.direction && pointButtons('laneFrom', i, [l.direction.from], [`${w('direction')} ↦`])}
            {'from' in l.direction && pointButtons('laneTo', i, [l.direction.to], [`${w('direction')} ➤`])}
            {pointButtons('lane', i, l.polygon)}
            <Problems problems={problems} at={`lanes.${i}`} />
          </fieldset>
        ))}
      </section>
      <section aria-labelledby="ed-cal">
        <h2 id="ed-cal">{w('calibration')} <span className="muted">({g.calibration?.points.length ?? 0})</span></h2>
        <p className="muted">{w('calHint')}</p>
        <Problems problems={problems} at="calibration" />
        {(g.calibration?.points ?? []).map((c, i) => {
          const setGround = (axis: 0 | 1, v: number): void => {
            const points = g.calibration!.points.map((x, j) => (j === i ? { ...x, ground: (axis === 0 ? [v, x.ground[1]] : [x.ground[0], v]) as [number, number] } : x));
            onChange({ ...g, calibration: { ...g.calibration!, points } });
          };
          return (
            <div key={i} className="row cal" data-testid={`cal-${i}`}>
              {pointButtons('cal', i, [c.image], [`${i + 1}`])}
              <label>{w('groundX')} <input type="number" step="0.1" value={c.ground[0]} onChange={(e) => setGround(0, Number(e.target.value))} /></label>
              <label>{w('groundY')} <input type="number" step="0.1" value={c.ground[1]} onChange={(e) => setGround(1, Number(e.target.value))} /></label>
            </div>
          );
        })}
      </section>
    </div>
  );
}
