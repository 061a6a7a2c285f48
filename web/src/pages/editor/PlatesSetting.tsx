/** Whether and how the camera reads licence plates (`plates` of the camera: false, true or 'anpr'). */
import { useDict } from '../../i18n';
import { Problems } from './Problems';
import type { Geometry, Problem } from './model';
import { WORDS } from './words';

const CHOICES = [
  { value: 'off', plates: false, word: 'platesOff' },
  { value: 'tracks', plates: true, word: 'platesTracks' },
  { value: 'anpr', plates: 'anpr', word: 'platesAnpr' },
] as const;

export function PlatesSetting({ g, onChange, problems }: { g: Geometry; onChange: (g: Geometry) => void; problems: readonly Problem[] }) {
  const w = useDict(WORDS);
  const current = CHOICES.find((c) => c.plates === g.plates) ?? CHOICES[0];
  return (
    <section aria-labelledby="ed-plates" className="plates-setting">
      <h2 id="ed-plates">{w('plates')}</h2>
      <select aria-labelledby="ed-plates" value={current.value}
        onChange={(e) => onChange({ ...g, plates: CHOICES.find((c) => c.value === e.target.value)?.plates ?? false })}>
        {CHOICES.map((c) => <option key={c.value} value={c.value}>{w(c.word)}</option>)}
      </select>
      {g.plates !== false && <p className="muted">{w('platesHint')}</p>}
      <Problems problems={problems} at="plates" />
    </section>
  );
}
