/**
 * The Prometheus text exposition format (version 0.0.4): one `# HELP` and `# TYPE` per family, then its samples.
 * Written here rather than with prom-client: the values are read from the service's own state at scrape time
 * (camera runtimes, queues, hubs), so a registry of live metric objects would only be copied into on every scrape.
 */
import type { HistogramSnapshot } from '../../core/metrics.js';

export type Labels = Readonly<Record<string, string>>;

export type MetricFamily =
  | { readonly name: string; readonly help: string; readonly type: 'gauge' | 'counter'; readonly samples: ReadonlyArray<{ readonly labels?: Labels; readonly value: number }> }
  | { readonly name: string; readonly help: string; readonly type: 'histogram'; readonly samples: ReadonlyArray<{ readonly labels?: Labels; readonly histogram: HistogramSnapshot }> };

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const escapeLabel = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/** A sample value: integers as such, +Inf/-Inf/NaN by their names. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function labelText(labels: Labels | undefined, extra?: readonly [string, string]): string {
  const pairs = Object.entries(labels ?? {});
  if (extra) pairs.push([extra[0], extra[1]]);
  if (pairs.length === 0) return '';
  for (const [k] of pairs) if (!LABEL.test(k)) throw new TypeError(`bad label name ${k}`);
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

export function exposition(families: readonly MetricFamily[]): string {
  const out: string[] = [];
  for (const f of families) {
    if (!NAME.test(f.name)) throw new TypeError(`bad metric name ${f.name}`);
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    if (f.type === 'histogram') {
      for (const s of f.samples) {
        const h = s.histogram;
        h.bounds.forEach((b, i) => out.push(`${f.name}_bucket${labelText(s.labels, ['le', formatValue(b)])} ${h.cumulative[i] ?? 0}`));
        out.push(`${f.name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${h.count}`);
        out.push(`${f.name}_sum${labelText(s.labels)} ${formatValue(h.sum)}`, `${f.name}_count${labelText(s.labels)} ${h.count}`);
      }
    } else {
      for (const s of f.samples) out.push(`${f.name}${labelText(s.labels)} ${formatValue(s.value)}`);
    }
  }
  return `${out.join('\n')}\n`;
}
