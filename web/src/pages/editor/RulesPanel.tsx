/**
 * Rule parameters: one form per rule, fields by value type (ids of zones/lines/lanes as choices, numbers, switches;
 * lists and objects as JSON). New rules start from a template; the server fills in the defaults on save.
 */
import { useState } from 'react';
import { useDict, useI18n } from '../../i18n';
import { Problems } from './Problems';
import { refKind, RULE_KINDS, ruleTemplate, type Geometry, type Problem, type Rule } from './model';
import { WORDS } from './words';

interface Props {
  readonly g: Geometry;
  readonly onChange: (g: Geometry) => void;
  readonly problems: readonly Problem[];
}

function JsonField({ value, onValue, label, bad }: { value: unknown; onValue: (v: unknown) => void; label: string; bad: string }) {
  const [text, setText] = useState(() => JSON.stringify(value));
  const [invalid, setInvalid] = useState(false);
  return (
    <>
      <textarea aria-label={label} rows={1} value={text} aria-invalid={invalid}
        onChange={(e) => {
          setText(e.target.value);
          try {
            onValue(JSON.parse(e.target.value));
            setInvalid(false);
          } catch {
            setInvalid(true);
          }
        }} />
      {invalid && <span className="problems">{bad}</span>}
    </>
  );
}

export function RulesPanel({ g, onChange, problems }: Props) {
  const w = useDict(WORDS);
  const { rule: ruleWord } = useI18n();
  const [newKind, setNewKind] = useState<string>('congestion');
  const ids = { zone: g.zones.map((z) => z.id), line: g.lines.map((l) => l.id), lane: g.lanes.map((l) => l.id), signal: [] as string[] };
  const setRule = (i: number, key: string, value: unknown): void => onChange({ ...g, rules: g.rules.map((r, j) => (j === i ? { ...r, [key]: value } : r)) });

  const field = (rule: Rule, i: number, key: string) => {
    const value = rule[key];
    const label = `${rule.id} · ${key}`;
    const ref = key === 'id' ? undefined : refKind(key);
    const choices = ref ? ids[ref] : [];
    let input;
    if (ref && typeof value === 'string' && choices.length > 0) {
      input = (
        <select aria-label={label} value={value} onChange={(e) => setRule(i, key, e.target.value)}>
          {[...new Set([...choices, value])].map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
      );
    } else if (ref && Array.isArray(value) && choices.length > 0) {
      input = (
        <span className="multi" role="group" aria-label={label}>
          {[...new Set([...choices, ...(value as string[])])].map((c) => (
            <label key={c}>
              <input type="checkbox" checked={(value as string[]).includes(c)}
                onChange={(e) => setRule(i, key, e.target.checked ? [...(value as string[]), c] : (value as string[]).filter((x) => x !== c))} />
              {c}
            </label>
          ))}
        </span>
      );
    } else if (key === 'direction' && (value === 'pos' || value === 'neg')) {
      input = (
        <select aria-label={label} value={value} onChange={(e) => setRule(i, key, e.target.value)}>
          <option value="pos">pos (+)</option><option value="neg">neg (−)</option>
        </select>
      );
    } else if (typeof value === 'number') {
      input = <input type="number" aria-label={label} value={value} step="any" onChange={(e) => setRule(i, key, e.target.value === '' ? 0 : Number(e.target.value))} />;
    } else if (typeof value === 'boolean') {
      input = <input type="checkbox" aria-label={label} checked={value} onChange={(e) => setRule(i, key, e.target.checked)} />;
    } else if (typeof value === 'string') {
      input = <input aria-label={label} value={value} onChange={(e) => setRule(i, key, e.target.value)} />;
    } else {
      input = <JsonField label={label} value={value} onValue={(v) => setRule(i, key, v)} bad={w('jsonBad')} />;
    }
    return (
      <div key={key} className="param">
        <span className="key">{key}</span>
        {input}
        <Problems problems={problems} at={`rules.${i}.${key}`} />
      </div>
    );
  };

  return (
    <section className="rules" aria-labelledby="ed-rules">
      <h2 id="ed-rules">{w('rules')} <span className="muted">({g.rules.length})</span></h2>
      <Problems problems={problems} at="rules" exact />
      {g.rules.map((r, i) => (
        <fieldset key={i} className="item" data-testid={`rule-${i}`}>
          <legend>{ruleWord(r.kind)} <span className="muted">{r.kind}</span></legend>
          {Object.keys(r).filter((k) => k !== 'kind').map((k) => field(r, i, k))}
          <Problems problems={problems.filter((p) => !Object.keys(r).some((k) => k !== 'kind' && (p.path === `rules.${i}.${k}` || p.path.startsWith(`rules.${i}.${k}.`))))} at={`rules.${i}`} />
          <button type="button" className="ghost" onClick={() => onChange({ ...g, rules: g.rules.filter((_, j) => j !== i) })}>{w('remove')} {r.id}</button>
        </fieldset>
      ))}
      <div className="row">
        <label>{w('ruleKind')}{' '}
          <select value={newKind} onChange={(e) => setNewKind(e.target.value)}>
            {RULE_KINDS.map((k) => <option key={k} value={k}>{ruleWord(k)} ({k})</option>)}
          </select>
        </label>
        <button type="button" onClick={() => onChange({ ...g, rules: [...g.rules, ruleTemplate(newKind, g)] })}>{w('addRule')}</button>
      </div>
    </section>
  );
}
