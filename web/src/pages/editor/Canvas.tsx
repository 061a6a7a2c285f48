/**
 * The drawing surface: the camera's snapshot with the geometry over it as SVG in picture pixels. Draw with the
 * current tool (a line: two clicks; a zone or lane: clicks, then Enter, a double click or a click on the first
 * point; a calibration point: one click), drag points to move them; with the canvas focused the arrow keys nudge
 * the selected point (Shift: 5×), Delete removes it, Escape drops the unfinished shape.
 */
import { useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import {
  clampPt, deletePoint, handlePoint, movePoint, newId, newLane, nudge, type Geometry, type Handle, type Pt,
} from './model';

export type Tool = 'select' | 'line' | 'zone' | 'lane' | 'cal';

interface Props {
  readonly geometry: Geometry;
  readonly onChange: (g: Geometry) => void;
  readonly tool: Tool;
  readonly onToolDone: () => void;
  readonly selected: Handle | null;
  readonly onSelect: (h: Handle | null) => void;
  readonly src: string;
  readonly label: string;
  readonly noPicture: string;
}

const STEP = 0.002;
const sameHandle = (a: Handle | null, b: Handle): boolean => a !== null && a.kind === b.kind && a.index === b.index && a.point === b.point;

export function Canvas({ geometry: g, onChange, tool, onToolDone, selected, onSelect, src, label, noPicture }: Props) {
  const svgRef = useRef<SVGSVGElement>(null);
  const [size, setSize] = useState<{ w: number; h: number; state: 'loading' | 'ok' | 'failed' }>({ w: 1280, h: 720, state: 'loading' });
  const [draft, setDraft] = useState<Pt[]>([]);
  const [dragging, setDragging] = useState<Handle | null>(null);
  const { w: W, h: H } = size;
  const R = W / 140;
  const px = (p: Pt): [number, number] => [p[0] * W, p[1] * H];

  const toNorm = (e: { clientX: number; clientY: number }): Pt => {
    const rect = svgRef.current!.getBoundingClientRect();
    return clampPt([(e.clientX - rect.left) / rect.width, (e.clientY - rect.top) / rect.height]);
  };

  const finishPolygon = (pts: Pt[]): void => {
    if (pts.length < 3) return;
    if (tool === 'zone') {
      const id = newId('zone', g.zones);
      onChange({ ...g, zones: [...g.zones, { id, polygon: pts }] });
      onSelect({ kind: 'zone', index: g.zones.length, point: 0 });
    } else if (tool === 'lane') {
      onChange({ ...g, lanes: [...g.lanes, newLane(newId('lane', g.lanes), pts)] });
      onSelect({ kind: 'lane', index: g.lanes.length, point: 0 });
    }
    setDraft([]);
    onToolDone();
  };

  const onBackground = (e: PointerEvent<SVGSVGElement>): void => {
    svgRef.current?.focus();
    if (e.button !== 0) return;
    const p = toNorm(e);
    if (tool === 'select') return onSelect(null);
    if (tool === 'cal') {
      const points = [...(g.calibration?.points ?? []), { image: p, ground: [0, 0] as [number, number] }];
      onChange({ ...g, calibration: { ...g.calibration, points } });
      onSelect({ kind: 'cal', index: points.length - 1, point: 0 });
      return onToolDone();
    }
    if (tool === 'line') {
      if (draft.length === 0) return setDraft([p]);
      const id = newId('line', g.lines);
      onChange({ ...g, lines: [...g.lines, { id, points: [draft[0]!, p] }] });
      onSelect({ kind: 'line', index: g.lines.length, point: 1 });
      setDraft([]);
      return onToolDone();
    }
    const first = draft[0];
    if (first && draft.length >= 3 && Math.hypot((first[0] - p[0]) * W, (first[1] - p[1]) * H) < R * 2) return finishPolygon(draft);
    const last = draft[draft.length - 1];
    if (last && Math.hypot((last[0] - p[0]) * W, (last[1] - p[1]) * H) < R) return; // the second click of a double click
    setDraft([...draft, p]);
  };

  const onKey = (e: KeyboardEvent<SVGSVGElement>): void => {
    const big = e.shiftKey ? 5 : 1;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-STEP, 0], ArrowRight: [STEP, 0], ArrowUp: [0, -STEP], ArrowDown: [0, STEP] };
    const mv = moves[e.key];
    if (mv && selected) onChange(nudge(g, selected, mv[0] * big, mv[1] * big));
    else if ((e.key === 'Delete' || e.key === 'Backspace') && selected) {
      onChange(deletePoint(g, selected));
      onSelect(null);
    } else if (e.key === 'Escape') setDraft([]);
    else if (e.key === 'Enter' && draft.length >= 3) finishPolygon(draft);
    else return;
    e.preventDefault();
  };

  const handle = (h: Handle, p: Pt, cls: string, text?: string) => (
    <g key={`${h.kind}-${h.index}-${h.point}`} className={`handle ${cls}${sameHandle(selected, h) ? ' selected' : ''}`}
      data-handle={`${h.kind}-${h.index}-${h.point}`}
      onPointerDown={(e) => {
        if (tool !== 'select' || e.button !== 0) return;
        e.stopPropagation();
        svgRef.current?.focus();
        svgRef.current?.setPointerCapture(e.pointerId);
        onSelect(h);
        setDragging(h);
      }}>
      <circle cx={px(p)[0]} cy={px(p)[1]} r={sameHandle(selected, h) ? R * 1.5 : R} />
      {text && <text x={px(p)[0] + R * 1.6} y={px(p)[1] - R * 1.2}>{text}</text>}
    </g>
  );

  const poly = (pts: readonly Pt[]): string => pts.map((p) => px(p).join(',')).join(' ');
  return (
    <div className={`editor-canvas tool-${tool}`}>
      {size.state !== 'failed' ? (
        <img src={src} alt="" onLoad={(e) => setSize({ w: e.currentTarget.naturalWidth || 1280, h: e.currentTarget.naturalHeight || 720, state: 'ok' })}
          onError={() => setSize((s) => ({ ...s, state: 'failed' }))} />
      ) : <div className="no-picture" style={{ aspectRatio: `${W} / ${H}` }}><span>{noPicture}</span></div>}
      <svg ref={svgRef} viewBox={`0 0 ${W} ${H}`} tabIndex={0} role="application" aria-label={label} data-testid="editor-canvas" data-ready={size.state !== 'loading'}
        onPointerDown={onBackground} onKeyDown={onKey} onDoubleClick={() => finishPolygon(draft)}
        onPointerMove={(e) => dragging && onChange(movePoint(g, dragging, toNorm(e)))}
        onPointerUp={() => setDragging(null)} onPointerCancel={() => setDragging(null)}>
        <defs>
          <marker id="lane-arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="5" markerHeight="5" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" fill="#4ade80" />
          </marker>
        </defs>
        {g.zones.map((z, i) => (
          <g key={`z${i}`} className="zone"><polygon points={poly(z.polygon)} /><text x={px(z.polygon[0]!)[0]} y={px(z.polygon[0]!)[1] - R * 2}>{z.name ?? z.id}</text></g>
        ))}
        {g.lanes.map((l, i) => {
          const d = 'from' in l.direction ? l.direction : undefined;
          return (
            <g key={`l${i}`} className="lane">
              <polygon points={poly(l.polygon)} />
              {d && <line className="arrow" x1={px(d.from)[0]} y1={px(d.from)[1]} x2={px(d.to)[0]} y2={px(d.to)[1]} markerEnd="url(#lane-arrow)" />}
              <text x={px(l.polygon[0]!)[0]} y={px(l.polygon[0]!)[1] - R * 2}>{l.name ?? l.id}</text>
            </g>
          );
        })}
        {g.lines.map((l, i) => (
          <g key={`ln${i}`} className="cline">
            <line x1={px(l.points[0])[0]} y1={px(l.points[0])[1]} x2={px(l.points[1])[0]} y2={px(l.points[1])[1]} />
            <text x={(px(l.points[0])[0] + px(l.points[1])[0]) / 2} y={(px(l.points[0])[1] + px(l.points[1])[1]) / 2 - R * 1.5}>{l.name ?? l.id}</text>
          </g>
        ))}
        {draft.length > 0 && <polyline className="draft" points={poly(draft)} />}
        {draft.map((p, i) => <circle key={`d${i}`} className="draft-pt" cx={px(p)[0]} cy={px(p)[1]} r={R * 0.8} />)}
        {g.zones.flatMap((z, i) => z.polygon.map((p, j) => handle({ kind: 'zone', index: i, point: j }, p, 'zone')))}
        {g.lanes.flatMap((l, i) => l.polygon.map((p, j) => handle({ kind: 'lane', index: i, point: j }, p, 'lane')))}
        {g.lanes.flatMap((_, i) => (['laneFrom', 'laneTo'] as const).flatMap((k) => {
          const p = handlePoint(g, { kind: k, index: i, point: 0 });
          return p ? [handle({ kind: k, index: i, point: 0 }, p, 'arrow-end')] : [];
        }))}
        {g.lines.flatMap((l, i) => l.points.map((p, j) => handle({ kind: 'line', index: i, point: j }, p, 'cline', j === 0 ? 'A' : 'B')))}
        {(g.calibration?.points ?? []).map((c, i) => handle({ kind: 'cal', index: i, point: 0 }, c.image, 'cal', String(i + 1)))}
      </svg>
    </div>
  );
}
