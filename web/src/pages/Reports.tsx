/**
 * Reports (`#/reports`): a period and an area → the figures leaders ask for (violations by kind and status, traffic by
 * class, alerts handled and how fast, camera uptime), downloadable as PDF or Excel; daily or weekly schedules and the
 * reports they made. The service builds everything (/api/reports/*, scoped to the user's area, audited).
 */
import { useEffect, useMemo, useState } from 'react';
import type { PageProps } from '../App';
import { api, get, type Camera } from '../api';
import { useDict, useI18n } from '../i18n';
import type { ReportData, ReportFile, ReportSchedule } from '@contract';
import { BarChart } from './dashboard/charts';
import { WORDS, type Word } from './reports/words';
import './dashboard/dashboard.css';
import './reports/reports.css';

const DAY = 86_400_000;
const dateInput = (ms: number): string => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10);
/** A date input (YYYY-MM-DD) as the start of that day in Vietnam's time (UTC+7). */
const dayStart = (d: string): number => Date.parse(`${d}T00:00:00+07:00`);

export function ReportsPage({ me }: PageProps) {
  const w = useDict(WORDS);
  const { lang, kind, cls } = useI18n();
  const [from, setFrom] = useState(() => dateInput(Date.now() - 7 * DAY));
  const [to, setTo] = useState(() => dateInput(Date.now()));
  const [district, setDistrict] = useState('');
  const [reportLang, setReportLang] = useState<'vi' | 'en'>(lang);
  const [cameras, setCameras] = useState<Camera[]>([]);
  const [data, setData] = useState<ReportData | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [schedules, setSchedules] = useState<ReportSchedule[]>([]);
  const [files, setFiles] = useState<ReportFile[]>([]);
  const mayWrite = me.permissions.includes('reports.write');

  const districts = useMemo(() => [...new Set(cameras.map((c) => c.area.district).filter((d): d is string => !!d))].sort((a, b) => a.localeCompare(b, 'vi')), [cameras]);
  const query = `from=${dayStart(from)}&to=${dayStart(to) + DAY}${district ? `&district=${encodeURIComponent(district)}` : ''}&lang=${reportLang}`;
  const refreshKept = (): void => {
    get<{ items: ReportSchedule[] }>('/api/reports/schedules').then((r) => setSchedules(r.items)).catch(() => undefined);
    get<{ items: ReportFile[] }>('/api/reports/files').then((r) => setFiles(r.items)).catch(() => undefined);
  };
  useEffect(() => {
    get<{ items: Camera[] }>('/api/cameras').then((r) => setCameras(r.items)).catch(() => undefined);
    refreshKept();
  }, []);

  const show = (): void => {
    setBusy(true);
    setError('');
    get<ReportData>(`/api/reports/data?${query}`).then(setData).catch((e: Error) => setError(`${w('failed')}: ${e.message}`)).finally(() => setBusy(false));
  };
  const fmt = (n: number): string => n.toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB');
  const pct = (x: number): string => `${(x * 100).toLocaleString(lang === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 })} %`;
  const mins = (ms: number): string => `${Math.round(ms / 6000) / 10} ${lang === 'vi' ? 'phút' : 'min'}`;
  const avgUptime = data && data.uptime.byCamera.length ? data.uptime.byCamera.reduce((a, c) => a + c.uptime, 0) / data.uptime.byCamera.length : null;
  const words = { table: w('table'), empty: w('empty'), highest: w('highest') };
  const statusN = (k: string, s: string): number => data?.violations.byKindStatus.find((x) => x.kind === k && x.status === s)?.n ?? 0;

  return (
    <main id="content" className="dashboard reports" data-testid="reports">
      <h1>{w('title')}</h1>
      <p className="muted">{w('intro')}</p>
      <form className="report-form" onSubmit={(e) => { e.preventDefault(); show(); }}>
        <label>{w('from')} <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} required /></label>
        <label>{w('to')} <input type="date" value={to} onChange={(e) => setTo(e.target.value)} required /></label>
        <label>{w('area')}{' '}
          <select value={district} onChange={(e) => setDistrict(e.target.value)} data-testid="report-area">
            <option value="">{w('all')}</option>
            {districts.map((d) => <option key={d} value={d}>{d}</option>)}
          </select>
        </label>
        <label>{w('lang')}{' '}
          <select value={reportLang} onChange={(e) => setReportLang(e.target.value as 'vi' | 'en')}>
            <option value="vi">Tiếng Việt</option><option value="en">English</option>
          </select>
        </label>
        <button type="submit" disabled={busy}>{w('show')}</button>
        <a className="button" href={`/api/reports/export?${query}&format=pdf`} data-testid="report-pdf">{w('pdf')}</a>
        <a className="button" href={`/api/reports/export?${query}&format=xlsx`} data-testid="report-xlsx">{w('xlsx')}</a>
      </form>
      {busy && <p aria-busy="true">{w('loading')}</p>}
      {error && <p role="alert" className="error">{error}</p>}
      {data && (
        <section aria-label={data.areaName} data-testid="report-view">
          <h2>{data.areaName}</h2>
          <div className="kpis">
            {([['violations', fmt(data.violations.total)], ['vehicles', fmt(data.flow.total)], ['alertsHandled', `${fmt(data.alerts.acknowledged)} / ${fmt(data.alerts.total)}`],
              ['uptime', avgUptime === null ? '—' : pct(avgUptime)]] as Array<[Word, string]>).map(([k, v]) => (
              <div key={k} className="kpi"><strong>{v}</strong><span>{w(k)}</span></div>
            ))}
          </div>
          <div className="charts">
            <BarChart title={w('byKind')} testId="report-kinds" words={words} lang={lang} categoryLabel={w('kind')} valueLabel={w('cases')}
              data={data.violations.byKind.map((k) => ({ key: k.kind, label: kind(k.kind), value: k.n }))} />
            <BarChart title={w('byClass')} testId="report-classes" words={words} lang={lang} categoryLabel={w('cls')} valueLabel={w('vehicles')}
              data={data.flow.byClass.map((c) => ({ key: c.cls, label: cls(c.cls), value: c.n }))} />
          </div>
          <table className="data">
            <caption>{w('byKind')}</caption>
            <thead><tr><th>{w('kind')}</th><th>{w('pending')}</th><th>{w('confirmed')}</th><th>{w('rejected')}</th><th>{w('total')}</th></tr></thead>
            <tbody>{data.violations.byKind.map((k) => (
              <tr key={k.kind}><td>{kind(k.kind)}</td>{(['pending', 'confirmed', 'rejected'] as const).map((s) => <td key={s}>{fmt(statusN(k.kind, s))}</td>)}<td>{fmt(k.n)}</td></tr>
            ))}</tbody>
          </table>
          <table className="data">
            <caption>{w('alerts')}{data.alerts.responseMs ? ` — ${w('response')}: ${mins(data.alerts.responseMs.p50)} / ${mins(data.alerts.responseMs.p90)}` : ''}</caption>
            <thead><tr><th>{w('kind')}</th><th>{w('raised')}</th><th>{w('handled')}</th></tr></thead>
            <tbody>{data.alerts.byKind.map((k) => <tr key={k.kind}><td>{kind(k.kind)}</td><td>{fmt(k.n)}</td><td>{fmt(k.acknowledged)}</td></tr>)}</tbody>
          </table>
          <table className="data">
            <caption>{w('cameraUptime')}</caption>
            <thead><tr><th>{w('camera')}</th><th>{w('upShare')}</th><th>{w('outages')}</th></tr></thead>
            <tbody>{[...data.uptime.byCamera].sort((a, b) => a.uptime - b.uptime).map((c) => (
              <tr key={c.cameraId}><td>{data.cameras.find((x) => x.id === c.cameraId)?.name ?? c.cameraId}</td><td>{pct(c.uptime)}</td><td>{fmt(c.outages)}</td></tr>
            ))}</tbody>
          </table>
        </section>
      )}
      <Schedules mayWrite={mayWrite} schedules={schedules} district={district} reportLang={reportLang} onChange={refreshKept} />
      <section>
        <h2>{w('kept')}</h2>
        {files.length === 0 ? <p className="muted">{w('none')}</p> : (
          <ul className="report-files" data-testid="report-files">
            {files.map((f) => <li key={f.id}><a href={`/api/reports/files/${encodeURIComponent(f.id)}`}>{f.name}</a> <span className="muted">({Math.round(f.bytes / 1024)} KB)</span></li>)}
          </ul>
        )}
      </section>
    </main>
  );
}

function Schedules({ mayWrite, schedules, district, reportLang, onChange }: { mayWrite: boolean; schedules: ReportSchedule[]; district: string; reportLang: 'vi' | 'en'; onChange: () => void }) {
  const w = useDict(WORDS);
  const { fmtTime } = useI18n();
  const [name, setName] = useState('');
  const [period, setPeriod] = useState<'daily' | 'weekly'>('daily');
  const [error, setError] = useState('');
  const add = (): void => {
    setError('');
    api('POST', '/api/reports/schedules', { name, period, district: district || null, formats: ['pdf', 'xlsx'], lang: reportLang })
      .then(() => { setName(''); onChange(); }).catch((e: Error) => setError(e.message));
  };
  return (
    <section>
      <h2>{w('schedules')}</h2>
      {schedules.length === 0 ? <p className="muted">{w('none')}</p> : (
        <table className="data" data-testid="report-schedules">
          <thead><tr><th>{w('name')}</th><th>{w('period')}</th><th>{w('area')}</th><th>{w('next')}</th><th /></tr></thead>
          <tbody>{schedules.map((s) => (
            <tr key={s.id}>
              <td>{s.name}</td><td>{w(s.period)}</td><td>{s.area.district ?? w('all')}</td><td>{fmtTime(s.nextRunAtMs)}</td>
              <td>{mayWrite && <button type="button" onClick={() => void api('DELETE', `/api/reports/schedules/${encodeURIComponent(s.id)}`).then(onChange)}>{w('remove')}</button>}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
      {mayWrite && (
        <form className="report-form" onSubmit={(e) => { e.preventDefault(); add(); }}>
          <label>{w('name')} <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={120} /></label>
          <label>{w('period')}{' '}
            <select value={period} onChange={(e) => setPeriod(e.target.value as 'daily' | 'weekly')}><option value="daily">{w('daily')}</option><option value="weekly">{w('weekly')}</option></select>
          </label>
          <button type="submit">{w('add')}</button>
          {error && <span role="alert" className="error">{error}</span>}
        </form>
      )}
    </section>
  );
}
