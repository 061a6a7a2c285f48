/** Per-minute line counts of one camera over the last hour, stacked by vehicle class, drawn as inline SVG. */
import type { CountRow } from '@contract';
import { useEffect, useState } from 'react';
import { get } from '../../api';
import { defineDict, useDict, useI18n } from '../../i18n';
import { CLASSES, classOf, type ClassKey } from './classes';
import { clock } from './media';

export type { CountRow };

const WORDS = defineDict({
  vi: {
    title: 'Lưu lượng qua vạch (60 phút qua)', total: 'Tổng', perMinute: 'lượt/phút', none: 'Chưa có lượt đếm nào trong 60 phút qua', failed: 'Không tải được số đếm',
  },
  en: {
    title: 'Line counts (last 60 minutes)', total: 'Total', perMinute: 'per minute', none: 'No counts in the last 60 minutes', failed: 'Counts could not be loaded',
  },
});
const MINUTES = 60;
const W = 1200;
const H = 200;
const PAD = { left: 34, right: 8, top: 10, bottom: 22 };

/** Sums rows into `MINUTES` buckets ending at the minute of `nowMs`: per bucket, counts by class. Pure. */
export function bucketCounts(rows: readonly CountRow[], nowMs: number): Array<{ minuteMs: number; byClass: Partial<Record<ClassKey, number>>; total: number }> {
  const last = Math.floor(nowMs / 60_000) * 60_000;
  const first = last - (MINUTES - 1) * 60_000;
  const buckets = Array.from({ length: MINUTES }, (_, i) => ({ minuteMs: first + i * 60_000, byClass: {} as Partial<Record<ClassKey, number>>, total: 0 }));
  for (const r of rows) {
    const b = buckets[Math.round((r.minuteMs - first) / 60_000)];
    if (!b) continue;
    const k = classOf(r.cls);
    b.byClass[k] = (b.byClass[k] ?? 0) + r.n;
    b.total += r.n;
  }
  return buckets;
}

export function CountsChart({ cameraId }: { cameraId: string }) {
  const w = useDict(WORDS);
  const { lang, cls: cw } = useI18n();
  const [rows, setRows] = useState<CountRow[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    const load = () => {
      const now = Date.now();
      get<{ items: CountRow[] }>(`/api/counts?cameras=${encodeURIComponent(cameraId)}&from=${Math.floor(now / 60_000) * 60_000 - (MINUTES - 1) * 60_000}`)
        .then((r) => {
          setRows(r.items);
          setNowMs(now);
          setFailed(false);
        })
        .catch((e: unknown) => {
          console.warn('counts', e);
          setFailed(true);
        });
    };
    load();
    const timer = setInterval(load, 30_000);
    return () => clearInterval(timer);
  }, [cameraId]);

  const buckets = bucketCounts(rows ?? [], nowMs);
  const total = buckets.reduce((n, b) => n + b.total, 0);
  const max = Math.max(1, ...buckets.map((b) => b.total));
  const top = niceMax(Math.max(2, max));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const barW = plotW / MINUTES;
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const present = CLASSES.filter((c) => buckets.some((b) => b.byClass[c.key]));
  return (
    <section className="card counts" aria-labelledby="counts-title" data-testid="counts-chart" data-total={rows ? total : ''}>
      <h2 id="counts-title">{w('title')}</h2>
      {failed && <p className="error" role="alert">{w('failed')}</p>}
      <p className="muted">{w('total')}: <b data-testid="counts-total">{total}</b>{present.length > 0 && ' · '}
        {present.map((c) => <span key={c.key} className="legend-item"><i style={{ background: c.colour }} aria-hidden="true" />{cw(c.key)} {buckets.reduce((n, b) => n + (b.byClass[c.key] ?? 0), 0)}</span>)}
      </p>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${w('title')}: ${w('total')} ${total}`} className="chart">
        {[0, top / 2, top].map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} className="grid" />
            <text x={PAD.left - 4} y={y(v) + 4} textAnchor="end" className="axis">{v}</text>
          </g>
        ))}
        {buckets.map((b, i) => {
          let acc = 0;
          return (
            <g key={b.minuteMs}>
              <title>{`${clock(b.minuteMs, lang)}: ${b.total} ${w('perMinute')}`}</title>
              {CLASSES.map((c) => {
                const n = b.byClass[c.key];
                if (!n) return null;
                const y0 = y(acc);
                acc += n;
                return <rect key={c.key} x={PAD.left + i * barW + 0.5} width={Math.max(1, barW - 1)} y={y(acc)} height={y0 - y(acc)} fill={c.colour} />;
              })}
              {new Date(b.minuteMs).getUTCMinutes() % 15 === 0 && <text x={PAD.left + i * barW} y={H - 6} className="axis">{clock(b.minuteMs, lang)}</text>}
            </g>
          );
        })}
      </svg>
      {rows !== null && total === 0 && <p className="muted" data-testid="counts-empty">{w('none')}</p>}
    </section>
  );
}

/** 1, 2, 5 × 10ⁿ at or above `v`, so the axis reads in round numbers. */
function niceMax(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].map((m) => m * p).find((m) => m >= v) ?? 10 * p);
}
