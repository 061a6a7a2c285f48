/**
 * Small inline-SVG charts of the dashboards (no chart library): horizontal bars for categories, columns for hours
 * and days. Each is a <figure> with its title, axis labels, a short description for screen readers, and the same
 * numbers as a table under "Bảng số liệu".
 */
import { useId, type ReactNode } from 'react';

export interface Datum {
  readonly key: string;
  readonly label: string;
  readonly value: number;
  /** Extra text after the value (e.g. "mức 3"), shown in the bar label and the table. */
  readonly note?: string;
  /** Bar colour (CSS colour); the chart's colour otherwise. */
  readonly color?: string;
}

export interface ChartWords {
  readonly table: string;
  readonly empty: string;
  readonly highest: string;
}

/** A round axis maximum ≥ `max` (1, 2, 5 × 10ⁿ). */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  const m = max / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

const fmt = (n: number, lang: string): string => n.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB');

interface FrameProps {
  readonly title: string;
  readonly testId: string;
  readonly words: ChartWords;
  readonly data: readonly Datum[];
  readonly categoryLabel: string;
  readonly valueLabel: string;
  readonly lang: string;
  readonly children: (ids: { title: string; desc: string }) => ReactNode;
}

function ChartFrame({ title, testId, words, data, categoryLabel, valueLabel, lang, children }: FrameProps) {
  const id = useId();
  const ids = { title: `${id}-t`, desc: `${id}-d` };
  const top = data.reduce<Datum | undefined>((best, d) => (best === undefined || d.value > best.value ? d : best), undefined);
  const total = data.reduce((s, d) => s + d.value, 0);
  return (
    <figure className="chart" data-testid={testId} aria-labelledby={ids.title}>
      <figcaption id={ids.title}>{title}</figcaption>
      <p id={ids.desc} className="sr">
        {total === 0 ? words.empty : `${words.highest}: ${top?.label ?? ''} (${fmt(top?.value ?? 0, lang)} ${valueLabel})`}
      </p>
      {total === 0 ? <p className="muted chart-empty">{words.empty}</p> : children(ids)}
      <details>
        <summary>{words.table}</summary>
        <table>
          <thead><tr><th scope="col">{categoryLabel}</th><th scope="col">{valueLabel}</th></tr></thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.key} data-key={d.key}><th scope="row">{d.label}</th><td>{fmt(d.value, lang)}{d.note ? ` (${d.note})` : ''}</td></tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

type ChartProps = Omit<FrameProps, 'children'> & { readonly color?: string };

/** Horizontal bars, one per category, largest first as given. */
export function BarChart(props: ChartProps) {
  const { data, color = 'var(--accent)', categoryLabel, valueLabel, lang } = props;
  const W = 560;
  const LABEL = 190;
  const ROW = 26;
  const H = data.length * ROW + 44;
  const max = niceMax(Math.max(0, ...data.map((d) => d.value)));
  const x = (v: number): number => LABEL + (v / max) * (W - LABEL - 56);
  return (
    <ChartFrame {...props}>
      {(ids) => (
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={ids.title} aria-describedby={ids.desc}>
          <text className="axis-label" x={4} y={12}>{categoryLabel}</text>
          {[0, max / 2, max].map((t) => (
            <g key={t}>
              <line className="grid" x1={x(t)} x2={x(t)} y1={18} y2={H - 24} />
              <text className="tick" x={x(t)} y={H - 12} textAnchor="middle">{fmt(t, lang)}</text>
            </g>
          ))}
          {data.map((d, i) => {
            const y = 20 + i * ROW;
            return (
              <g key={d.key}>
                <text className="cat" x={LABEL - 8} y={y + ROW / 2 + 4} textAnchor="end">{d.label.length > 26 ? `${d.label.slice(0, 25)}…` : d.label}</text>
                <rect x={LABEL} y={y + 4} width={Math.max(1, x(d.value) - LABEL)} height={ROW - 8} rx={3} fill={d.color ?? color} />
                <text className="val" x={x(d.value) + 6} y={y + ROW / 2 + 4}>{fmt(d.value, lang)}{d.note ? ` · ${d.note}` : ''}</text>
              </g>
            );
          })}
          <text className="axis-label" x={W - 4} y={H - 1} textAnchor="end">{valueLabel}</text>
        </svg>
      )}
    </ChartFrame>
  );
}

/** Columns over an ordered axis (hours of the day, hours or days of a range); `every` thins the tick labels. */
export function ColumnChart(props: ChartProps & { readonly every?: number }) {
  const { data, color = 'var(--accent)', categoryLabel, valueLabel, lang, every = 1 } = props;
  const W = 560;
  const H = 200;
  const PAD = { left: 44, right: 8, top: 12, bottom: 44 };
  const max = niceMax(Math.max(0, ...data.map((d) => d.value)));
  const band = (W - PAD.left - PAD.right) / Math.max(1, data.length);
  const y = (v: number): number => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  return (
    <ChartFrame {...props}>
      {(ids) => (
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={ids.title} aria-describedby={ids.desc}>
          {[0, max / 2, max].map((t) => (
            <g key={t}>
              <line className="grid" x1={PAD.left} x2={W - PAD.right} y1={y(t)} y2={y(t)} />
              <text className="tick" x={PAD.left - 6} y={y(t) + 4} textAnchor="end">{fmt(t, lang)}</text>
            </g>
          ))}
          {data.map((d, i) => (
            <g key={d.key}>
              <rect x={PAD.left + i * band + band * 0.15} y={y(d.value)} width={band * 0.7} height={H - PAD.bottom - y(d.value)} fill={d.color ?? color}>
                <title>{`${d.label}: ${fmt(d.value, lang)}`}</title>
              </rect>
              {i % every === 0 && <text className="tick" x={PAD.left + (i + 0.5) * band} y={H - PAD.bottom + 14} textAnchor="middle">{d.label}</text>}
            </g>
          ))}
          <text className="axis-label" x={12} y={PAD.top + (H - PAD.top - PAD.bottom) / 2} transform={`rotate(-90 12 ${PAD.top + (H - PAD.top - PAD.bottom) / 2})`} textAnchor="middle">{valueLabel}</text>
          <text className="axis-label" x={PAD.left + (W - PAD.left - PAD.right) / 2} y={H - 4} textAnchor="middle">{categoryLabel}</text>
        </svg>
      )}
    </ChartFrame>
  );
}
