/**
 * The analysis overlay in the browser: a buffer of the frames the service streams (GET /api/cameras/:id/overlay), the
 * choice of the frame that matches the picture shown (by capture time), and the drawing on a canvas over the video.
 */
import type { OverlayFrame } from '@contract';
import { CLASSES, classOf } from './classes';

export const overlayUrl = (cameraId: string): string => `/api/cameras/${encodeURIComponent(cameraId)}/overlay`;

/** Frames kept (by capture time) behind the newest: more than the HLS latency. */
const KEEP_MS = 15_000;
/** A frame older than this before the picture's time no longer describes it (the camera was still, or frames were lost). */
const STALE_MS = 1500;

export class FrameBuffer {
  private frames: OverlayFrame[] = [];

  push(f: OverlayFrame): void {
    this.frames.push(f);
    const cut = f.capturedAtMs - KEEP_MS;
    if (this.frames[0]!.capturedAtMs < cut) this.frames = this.frames.filter((x) => x.capturedAtMs >= cut);
  }

  get size(): number {
    return this.frames.length;
  }

  newest(): OverlayFrame | undefined {
    return this.frames.at(-1);
  }

  /** The frame showing the picture captured at `ms`: the last one captured at or before it (a frame's slack), if recent. */
  at(ms: number): OverlayFrame | undefined {
    let best: OverlayFrame | undefined;
    for (const f of this.frames) {
      if (f.capturedAtMs <= ms + 40) best = f;
      else break;
    }
    return best && ms - best.capturedAtMs <= STALE_MS ? best : undefined;
  }
}

export interface Rect { readonly x: number; readonly y: number; readonly w: number; readonly h: number }

/** Where a picture of `pw`×`ph` shows in a box of `bw`×`bh` with `object-fit: contain`. */
export function containRect(pw: number, ph: number, bw: number, bh: number): Rect {
  if (pw <= 0 || ph <= 0) return { x: 0, y: 0, w: bw, h: bh };
  const s = Math.min(bw / pw, bh / ph);
  return { x: (bw - pw * s) / 2, y: (bh - ph * s) / 2, w: pw * s, h: ph * s };
}

const colourOf = (cls: string): string => CLASSES.find((c) => c.key === classOf(cls))?.colour ?? '#9fb0cc';
const SIGNAL_COLOURS: Record<string, string> = { red: '#ef4444', amber: '#f59e0b', green: '#22c55e', unknown: '#9ca3af' };

export interface OverlayWords {
  cls(k: string): string;
  signal: string;
  colour(c: string): string;
  /** After a zone's count of people ("3 người"). */
  persons: string;
}

/** A label on a dark plate: readable on bright and dark video alike. */
function label(g: CanvasRenderingContext2D, text: string, x: number, y: number, colour: string, font: number): void {
  g.font = `600 ${font}px system-ui, sans-serif`;
  const w = g.measureText(text).width + 8;
  const h = font + 6;
  const top = Math.max(0, y - h);
  g.fillStyle = 'rgba(0,0,0,0.72)';
  g.fillRect(x, top, w, h);
  g.fillStyle = colour;
  g.fillRect(x, top, 3, h);
  g.fillStyle = '#fff';
  g.textBaseline = 'middle';
  g.fillText(text, x + 5, top + h / 2 + 0.5);
}

/** A path drawn twice: a dark outline under the colour, so it shows on any picture. */
function stroke(g: CanvasRenderingContext2D, colour: string, width: number, dash: number[] = []): void {
  g.setLineDash(dash);
  g.lineWidth = width + 2.5;
  g.strokeStyle = 'rgba(0,0,0,0.75)';
  g.stroke();
  g.lineWidth = width;
  g.strokeStyle = colour;
  g.stroke();
  g.setLineDash([]);
}

/** Draws one frame into `r` (the picture's place on the canvas); returns the number of boxes drawn. */
export function drawOverlay(g: CanvasRenderingContext2D, f: OverlayFrame, r: Rect, words: OverlayWords): number {
  const X = (v: number): number => r.x + v * r.w;
  const Y = (v: number): number => r.y + v * r.h;
  const font = Math.max(10, Math.min(14, Math.round(r.w / 60)));
  for (const z of f.zones) {
    g.beginPath();
    z.polygon.forEach(([x, y], i) => (i === 0 ? g.moveTo(X(x), Y(y)) : g.lineTo(X(x), Y(y))));
    g.closePath();
    stroke(g, '#22d3ee', 2, [6, 4]);
    const [zx, zy] = z.polygon[0] ?? [0, 0];
    const zoneText = [z.name, z.persons !== undefined ? `${z.persons} ${words.persons}` : null].filter(Boolean).join(' · ');
    if (zoneText) label(g, zoneText, X(zx), Y(zy), '#22d3ee', font);
  }
  for (const l of f.lines) {
    g.beginPath();
    g.moveTo(X(l.a[0]), Y(l.a[1]));
    g.lineTo(X(l.b[0]), Y(l.b[1]));
    stroke(g, '#facc15', 3);
    const mx = Math.min(X((l.a[0] + l.b[0]) / 2), r.x + r.w - 120);
    const my = Math.max(Y((l.a[1] + l.b[1]) / 2), r.y + font + 8);
    label(g, `${l.name ?? l.id}  +${l.pos} / −${l.neg}`, mx, my, '#facc15', font);
  }
  for (const t of f.tracks) {
    const [x1, y1, x2, y2] = t.box;
    const c = colourOf(t.cls);
    g.beginPath();
    g.rect(X(x1), Y(y1), X(x2) - X(x1), Y(y2) - Y(y1));
    stroke(g, c, 2);
    label(g, `${words.cls(t.cls)} #${t.id}`, X(x1), Y(y1), c, font);
  }
  f.signals.forEach((s, i) => {
    const x = r.x + 8;
    const y = r.y + 8 + i * (font + 12);
    g.font = `600 ${font}px system-ui, sans-serif`;
    const text = `${words.signal} ${s.id}: ${words.colour(s.colour)}`;
    const w = g.measureText(text).width + font + 18;
    g.fillStyle = 'rgba(0,0,0,0.72)';
    g.fillRect(x, y, w, font + 8);
    g.beginPath();
    g.arc(x + 4 + font / 2, y + (font + 8) / 2, font / 2, 0, Math.PI * 2);
    g.fillStyle = SIGNAL_COLOURS[s.colour] ?? '#9ca3af';
    g.fill();
    g.fillStyle = '#fff';
    g.textBaseline = 'middle';
    g.fillText(text, x + font + 10, y + (font + 8) / 2 + 0.5);
  });
  return f.tracks.length;
}
