/**
 * "Mật độ / Heatmap" of one camera: where people (or a vehicle class) stood over a chosen window, drawn over the
 * camera's still as coloured grid cells (object-seconds, scaled to the window's hottest cell), with the mean people
 * count per 5-minute bucket as a sparkline and the live count per zone (density per m² where the camera is
 * calibrated, else per 1 % of the picture). GET /api/cameras/:id/heatmap (counts.read).
 */
import type { CrowdStatus, HeatmapResponse } from '@contract';
import { useEffect, useRef, useState } from 'react';
import { get, snapshotUrl } from '../../api';
import { defineDict, useDict, useI18n } from '../../i18n';

const WORDS = defineDict({
  vi: {
    title: 'Mật độ / Heatmap', window: 'Khoảng thời gian', cls: 'Đối tượng', person: 'Người', car: 'Ô tô', motorcycle: 'Xe máy', bus: 'Xe buýt', truck: 'Xe tải',
    h1: '1 giờ qua', h6: '6 giờ qua', h24: '24 giờ qua', d7: '7 ngày qua', none: 'Chưa có dữ liệu mật độ trong khoảng này', failed: 'Không tải được bản đồ mật độ',
    spark: 'Số người trung bình mỗi 5 phút', now: 'Hiện tại', persons: 'người', perM2: 'người/m²', perPct: 'người / 1 % khung hình', zone: 'Vùng', peak: 'cao nhất',
    heatLabel: 'Bản đồ nhiệt trên ảnh camera', seconds: 'giây phân tích',
  },
  en: {
    title: 'Density / Heatmap', window: 'Window', cls: 'Objects', person: 'People', car: 'Cars', motorcycle: 'Motorbikes', bus: 'Buses', truck: 'Trucks',
    h1: 'Last hour', h6: 'Last 6 hours', h24: 'Last 24 hours', d7: 'Last 7 days', none: 'No density data in this window', failed: 'The heatmap could not be loaded',
    spark: 'Mean people per 5 minutes', now: 'Now', persons: 'people', perM2: 'people/m²', perPct: 'people per 1 % of the picture', zone: 'Zone', peak: 'peak',
    heatLabel: 'Heatmap over the camera picture', seconds: 's analysed',
  },
});

const WINDOWS = { h1: 3_600_000, h6: 6 * 3_600_000, h24: 86_400_000, d7: 7 * 86_400_000 } as const;
type WindowKey = keyof typeof WINDOWS;
const CLASSES = ['person', 'car', 'motorcycle', 'bus', 'truck'] as const;
type Cls = (typeof CLASSES)[number];

/** Cold → hot: transparent blue, cyan, yellow, red; `t` in 0–1. Pure. */
export function heatColour(t: number): string {
  const stops: Array<[number, [number, number, number]]> = [[0, [37, 99, 235]], [0.35, [34, 211, 238]], [0.65, [250, 204, 21]], [1, [239, 68, 68]]];
  const x = Math.min(1, Math.max(0, t));
  let i = 0;
  while (i < stops.length - 2 && x > stops[i + 1]![0]) i++;
  const [t0, c0] = stops[i]!;
  const [t1, c1] = stops[i + 1]!;
  const f = (x - t0) / (t1 - t0);
  const c = c0.map((v, k) => Math.round(v + (c1[k]! - v) * f));
  return `rgba(${c[0]},${c[1]},${c[2]},${(0.25 + 0.5 * x).toFixed(2)})`;
}

function HeatCanvas({ data }: { data: HeatmapResponse }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { cols, rows, cells } = data;
  const max = cells.reduce((m, v) => Math.max(m, v), 0);
  const hot = cells.filter((v) => v > 0).length;
  useEffect(() => {
    const c = ref.current;
    const g = c?.getContext('2d');
    if (!c || !g || !cols || !rows) return;
    g.clearRect(0, 0, c.width, c.height);
    const cw = c.width / cols;
    const ch = c.height / rows;
    for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) {
      const v = cells[r * cols + k] ?? 0;
      if (v <= 0) continue;
      // Square root: a few busy cells do not wash out the rest.
      g.fillStyle = heatColour(Math.sqrt(v / max));
      g.fillRect(k * cw, r * ch, Math.ceil(cw), Math.ceil(ch));
    }
  }, [cols, rows, cells, max]);
  return <canvas ref={ref} className="heat-canvas" width={640} height={360} data-testid="heat-canvas" data-hot-cells={hot} data-max={max.toFixed(2)} aria-hidden="true" />;
}

/** Mean people per bucket as bars over the window (its peak as a tick above each), drawn as inline SVG. */
function Sparkline({ data, label }: { data: HeatmapResponse; label: string }) {
  const { fmtTime } = useI18n();
  const W = 600;
  const H = 64;
  const b = data.buckets;
  const peak = Math.max(1, ...b.map((x) => x.maxCount));
  const span = Math.max(1, data.to - data.from);
  const x = (ms: number): number => Math.min(W, Math.max(0, ((ms - data.from) / span) * W));
  const bw = Math.max(3, (data.bucketMs / span) * W - 1);
  const y = (n: number): number => H - 4 - (n / peak) * (H - 10);
  return (
    <svg className="sparkline" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} data-testid="crowd-sparkline" data-points={b.length}>
      <line x1={0} x2={W} y1={H - 4} y2={H - 4} className="axis" />
      {b.map((p) => {
        const left = Math.min(W - bw, x(p.startMs));
        return (
          <g key={p.startMs}>
            <rect className="mean" x={left} width={bw} y={y(p.meanCount)} height={Math.max(1, H - 4 - y(p.meanCount))}><title>{`${fmtTime(p.startMs)}: ${p.meanCount} (max ${p.maxCount})`}</title></rect>
            <line className="peak" x1={left} x2={left + bw} y1={y(p.maxCount)} y2={y(p.maxCount)} />
          </g>
        );
      })}
    </svg>
  );
}

export function HeatmapPanel({ cameraId, name, crowd }: { cameraId: string; name: string; crowd: CrowdStatus | null | undefined }) {
  const w = useDict(WORDS);
  const [win, setWin] = useState<WindowKey>('h1');
  const [cls, setCls] = useState<Cls>('person');
  const [data, setData] = useState<HeatmapResponse | null>(null);
  const [failed, setFailed] = useState(false);
  const [bust, setBust] = useState(() => Date.now());
  const [noStill, setNoStill] = useState(false);
  useEffect(() => {
    let closed = false;
    const load = () => {
      const to = Date.now();
      get<HeatmapResponse>(`/api/cameras/${encodeURIComponent(cameraId)}/heatmap?from=${to - WINDOWS[win]}&to=${to}&cls=${cls}`)
        .then((r) => {
          if (closed) return;
          setData(r);
          setFailed(false);
        })
        .catch((e: unknown) => {
          if (closed) return;
          console.warn('heatmap', e);
          setFailed(true);
        });
    };
    load();
    const timer = setInterval(() => {
      load();
      setBust(Date.now());
    }, 30_000);
    return () => {
      closed = true;
      clearInterval(timer);
    };
  }, [cameraId, win, cls]);
  const peak = data?.buckets.reduce((m, b) => Math.max(m, b.maxCount), 0) ?? 0;
  return (
    <section className="card heatmap-card" aria-labelledby="heatmap-title" data-testid="heatmap-panel" data-seconds={data ? Math.round(data.seconds) : 0}>
      <div className="heat-head">
        <h2 id="heatmap-title">{w('title')}</h2>
        <label>{w('window')} <select value={win} onChange={(e) => setWin(e.target.value as WindowKey)} data-testid="heat-window">
          {(Object.keys(WINDOWS) as WindowKey[]).map((k) => <option key={k} value={k}>{w(k)}</option>)}
        </select></label>
        <label>{w('cls')} <select value={cls} onChange={(e) => setCls(e.target.value as Cls)} data-testid="heat-class">
          {CLASSES.map((c) => <option key={c} value={c}>{w(c)}</option>)}
        </select></label>
      </div>
      {failed && <p className="error" role="alert">{w('failed')}</p>}
      <div className="heat-body">
        <figure className="heat-figure" aria-label={`${w('heatLabel')}: ${name}`}>
          {noStill ? <div className="heat-blank" /> : <img src={snapshotUrl(cameraId, bust)} alt="" width={640} height={360} onError={() => setNoStill(true)} />}
          {data && <HeatCanvas data={data} />}
        </figure>
        <div className="heat-side">
          {crowd && (
            <div className="crowd-now" data-testid="crowd-now">
              <b>{w('now')}: {crowd.persons} {w('persons')}</b>
              {crowd.zones.length > 0 && (
                <table className="zones">
                  <thead><tr><th>{w('zone')}</th><th>{w('persons')}</th><th>{crowd.zones.some((z) => z.perM2 !== null) ? w('perM2') : w('perPct')}</th></tr></thead>
                  <tbody>{crowd.zones.map((z) => <tr key={z.id} data-zone={z.id}><td>{z.name ?? z.id}</td><td>{z.persons}</td><td>{z.perM2 ?? z.perFramePct}</td></tr>)}</tbody>
                </table>
              )}
            </div>
          )}
          {data && data.buckets.length === 0 && <p className="muted">{w('none')}</p>}
          {data && data.buckets.length > 0 && (
            <>
              <p className="muted">{w('spark')} · {w('peak')} {peak} · {Math.round(data.seconds)} {w('seconds')}</p>
              <Sparkline data={data} label={w('spark')} />
            </>
          )}
        </div>
      </div>
    </section>
  );
}
