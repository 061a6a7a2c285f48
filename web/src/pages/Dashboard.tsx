/**
 * Dashboards (`#/dashboard`): violations by kind, hour of day and place; traffic flow by camera and direction and
 * over time; congestion alerts over time and per camera — for today, 7 or 30 days in the site's time zone. The
 * service aggregates (/api/stats/*, scoped to the user's area); the charts are inline SVG with a table each.
 */
import { useEffect, useMemo, useState } from 'react';
import type { PageProps } from '../App';
import { get, type Camera } from '../api';
import { useDict, useI18n } from '../i18n';
import { BarChart, ColumnChart, type ChartWords, type Datum } from './dashboard/charts';
import { bucketStarts, RANGES, rangeOf, SITE_TIME_ZONE, type RangeId } from './dashboard/range';
import type { CongestionStats, FlowStats, SeriesPoint, ViolationStats } from '@contract';
import type { Stats } from './dashboard/types';
import { WORDS } from './dashboard/words';
import './dashboard/dashboard.css';

const LEVEL_COLORS = ['#64748b', '#facc15', '#f97316', '#ef4444'];

function seriesData(points: readonly SeriesPoint[], from: number, to: number, step: 'hour' | 'day', lang: string, tz: string): Datum[] {
  const byStart = new Map(points.map((p) => [p.startMs, p.n]));
  const f = step === 'hour'
    ? new Intl.DateTimeFormat('en-US', { hour: 'numeric', hourCycle: 'h23', timeZone: tz })
    : new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', { day: '2-digit', month: '2-digit', timeZone: tz });
  return bucketStarts(from, to, step, tz).map((s) => ({ key: String(s), label: `${f.format(new Date(s))}${step === 'hour' ? 'h' : ''}`, value: byStart.get(s) ?? 0 }));
}

export function DashboardPage({ me }: PageProps) {
  const w = useDict(WORDS);
  const { lang, kind, cls } = useI18n();
  const [range, setRange] = useState<RangeId>('today');
  const [stats, setStats] = useState<Stats | null>(null);
  const [cameras, setCameras] = useState<Map<string, Camera>>(new Map());
  const [error, setError] = useState('');
  const [loadedAt, setLoadedAt] = useState<number | null>(null);
  const mayViolations = me.permissions.includes('violations.read');
  const mayAlerts = me.permissions.includes('alerts.read');
  const span = useMemo(() => rangeOf(range, Date.now()), [range]);

  useEffect(() => {
    get<{ items: Camera[] }>('/api/cameras').then((r) => setCameras(new Map(r.items.map((c) => [c.id, c])))).catch(() => undefined);
  }, []);
  useEffect(() => {
    let live = true;
    const q = `from=${span.from}&to=${span.to}&step=${span.step}`;
    setStats(null);
    setError('');
    Promise.all([
      mayViolations ? get<ViolationStats>(`/api/stats/violations?${q}`) : Promise.resolve(null),
      get<FlowStats>(`/api/stats/flow?${q}`),
      mayAlerts ? get<CongestionStats>(`/api/stats/congestion?${q}`) : Promise.resolve(null),
    ])
      .then(([violations, flow, congestion]) => {
        if (!live) return;
        setStats({ violations, flow, congestion });
        setLoadedAt(Date.now());
      })
      .catch((e: unknown) => live && setError(`${w('failed')}: ${(e as Error).message}`));
    return () => {
      live = false;
    };
  }, [span, mayViolations, mayAlerts]); // deps deliberately partial: only these re-run it

  const tz = stats?.flow.timeZone ?? SITE_TIME_ZONE;
  const camName = (id: string): string => cameras.get(id)?.name ?? id;
  const short = (name: string): string => (name.length > 16 ? `${name.slice(0, 15)}…` : name);
  const words: ChartWords = { table: w('table'), empty: w('empty'), highest: w('highest') };
  const common = { words, lang };
  const timeLabel = span.step === 'hour' ? w('hour') : w('day');
  const every = span.step === 'hour' ? 3 : range === '30d' ? 5 : 1;
  const fmtNum = (n: number): string => n.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB');

  return (
    <section className="page dashboard" aria-labelledby="dash-title">
      <div className="toolbar">
        <h1 id="dash-title">{w('title')}</h1>
        <div className="segmented" role="group" aria-label={w('range')}>
          {RANGES.map((r) => (
            <button key={r} type="button" aria-pressed={range === r} onClick={() => setRange(r)}>{w(r)}</button>
          ))}
        </div>
        <span className="muted" role="status">
          {stats ? `${w('updated')} ${new Date(loadedAt ?? 0).toLocaleTimeString(lang === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: tz })}` : error ? '' : w('loading')}
        </span>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {stats && (
        <>
          <dl className="kpis" data-testid="kpis">
            {stats.violations && <div><dt>{w('totalViolations')}</dt><dd data-testid="kpi-violations">{fmtNum(stats.violations.total)}</dd></div>}
            <div><dt>{w('totalVehicles')}</dt><dd data-testid="kpi-vehicles">{fmtNum(stats.flow.total)}</dd></div>
            {stats.congestion && <div><dt>{w('totalCongestion')}</dt><dd data-testid="kpi-congestion">{fmtNum(stats.congestion.total)}</dd></div>}
          </dl>
          <h2>{w('violations')}</h2>
          {stats.violations ? (
            <div className="charts">
              <BarChart {...common} testId="violations-by-kind" title={w('byKind')} categoryLabel={w('kind')} valueLabel={w('cases')}
                data={stats.violations.byKind.map((k) => ({ key: k.kind, label: kind(k.kind), value: k.n }))} color="#f97316" />
              <ColumnChart {...common} testId="violations-by-hour" title={w('byHour')} categoryLabel={w('hourOfDay')} valueLabel={w('cases')} every={3}
                data={stats.violations.byHour.map((n, h) => ({ key: String(h), label: `${h}h`, value: n }))} color="#f97316" />
              <BarChart {...common} testId="violations-by-place" title={w('byPlace')} categoryLabel={w('camera')} valueLabel={w('cases')}
                data={stats.violations.byCamera.map((c) => ({ key: c.cameraId, label: camName(c.cameraId), value: c.n }))} color="#f97316" />
            </div>
          ) : <p className="muted">{w('noAccess')}</p>}
          <h2>{w('flow')}</h2>
          <div className="charts">
            <BarChart {...common} testId="flow-by-camera" title={w('flowByCamera')} categoryLabel={w('cameraDirection')} valueLabel={w('vehicles')}
              data={stats.flow.byCameraDirection.map((d) => ({
                key: `${d.cameraId}:${d.direction}`, label: `${short(camName(d.cameraId))} · ${d.direction === 'pos' || d.direction === 'neg' ? w(d.direction) : d.direction}`,
                value: d.n, color: d.direction === 'neg' ? '#a78bfa' : '#38bdf8',
              }))} />
            <ColumnChart {...common} testId="flow-over-time" title={w('flowOverTime')} categoryLabel={timeLabel} valueLabel={w('vehicles')} every={every}
              data={seriesData(stats.flow.series, span.from, span.to, span.step, lang, tz)} />
            <BarChart {...common} testId="flow-by-class" title={w('flowByClass')} categoryLabel={w('vehicleClass')} valueLabel={w('vehicles')}
              data={stats.flow.byClass.map((c) => ({ key: c.cls, label: cls(c.cls), value: c.n }))} color="#22c55e" />
          </div>
          <h2>{w('congestion')}</h2>
          {stats.congestion ? (
            <div className="charts">
              <ColumnChart {...common} testId="congestion-over-time" title={w('congestionOverTime')} categoryLabel={timeLabel} valueLabel={w('alerts')} every={every}
                data={seriesData(stats.congestion.series, span.from, span.to, span.step, lang, tz)} color="#ef4444" />
              <BarChart {...common} testId="congestion-by-camera" title={w('congestionByCamera')} categoryLabel={w('camera')} valueLabel={w('alerts')}
                data={stats.congestion.byCamera.map((c) => ({
                  key: c.cameraId, label: camName(c.cameraId), value: c.n,
                  ...(c.maxLevel !== null ? { note: `${w('maxLevel')} ${c.maxLevel}`, color: LEVEL_COLORS[c.maxLevel] ?? '#ef4444' } : {}),
                }))} />
            </div>
          ) : <p className="muted">{w('noAccess')}</p>}
        </>
      )}
    </section>
  );
}
