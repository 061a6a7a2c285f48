import type { Box } from '../core/box.js';
import { xmlEscape } from './text.js';

/** SVG building blocks for the overlays (pure strings; sharp/librsvg renders them with DejaVu Sans). */

export const FONT = "DejaVu Sans, Noto Sans, Liberation Sans, sans-serif";

/** Advance widths of DejaVu Sans glyph groups in em (regular, bold): to fit text without measuring it. */
const ADVANCE = {
  space: [0.32, 0.35],
  narrow: [0.3, 0.38], // . , : ; ' | i l ( ) [ ] / ·
  digit: [0.64, 0.7],
  upper: [0.7, 0.78],
  lower: [0.6, 0.66],
  wide: [0.95, 1.05], // M W m w —
} as const;

function glyphGroup(ch: string): keyof typeof ADVANCE {
  if (ch === ' ') return 'space';
  if (/[.,:;'|il()[\]/·!-]/.test(ch)) return 'narrow';
  if (/[0-9]/.test(ch)) return 'digit';
  if (/[MWmw—…]/.test(ch)) return 'wide';
  const base = ch.normalize('NFD')[0] ?? ch;
  if (base !== base.toLowerCase()) return 'upper';
  return 'lower';
}

export interface TextOpts {
  readonly x: number;
  readonly y: number;
  readonly size: number;
  readonly fill?: string;
  readonly bold?: boolean;
  /** Shrink the font so the text fits this width. */
  readonly maxWidth?: number;
  readonly anchor?: 'start' | 'middle' | 'end';
  /** A dark outline around the glyphs, for text drawn over the picture. */
  readonly halo?: boolean;
}

/** Estimated rendered width of `s` at `size` px. */
export function textWidth(s: string, size: number, bold = false): number {
  let em = 0;
  for (const ch of s) em += ADVANCE[glyphGroup(ch)][bold ? 1 : 0];
  return em * size;
}

/**
 * Fits `s` into `maxWidth`: shrinks the font down to `minScale` of `size`, then cuts the text with "…".
 */
export function fit(s: string, size: number, maxWidth: number | undefined, bold = false, minScale = 0.8): { s: string; size: number } {
  if (maxWidth === undefined) return { s, size };
  const w = textWidth(s, size, bold);
  if (w <= maxWidth) return { s, size };
  const scaled = Math.max(size * minScale, (size * maxWidth) / w);
  if (textWidth(s, scaled, bold) <= maxWidth) return { s, size: scaled };
  const chars = [...s];
  while (chars.length > 1 && textWidth(`${chars.join('')}…`, scaled, bold) > maxWidth) chars.pop();
  return { s: `${chars.join('')}…`, size: scaled };
}

const SPACE = 'xml:space="preserve"';

export function text(s: string, o: TextOpts): string {
  const f = fit(s, o.size, o.maxWidth, o.bold);
  const weight = o.bold ? ' font-weight="bold"' : '';
  const anchor = o.anchor && o.anchor !== 'start' ? ` text-anchor="${o.anchor}"` : '';
  const halo = o.halo ? ` stroke="#000000" stroke-opacity="0.85" stroke-width="${r(f.size / 5)}" stroke-linejoin="round" paint-order="stroke"` : '';
  return `<text ${SPACE} x="${r(o.x)}" y="${r(o.y)}" font-family="${FONT}" font-size="${r(f.size)}"${weight}${anchor}${halo} fill="${o.fill ?? '#ffffff'}">${xmlEscape(f.s)}</text>`;
}

const headWidth = (vi: string, en: string, size: number): number => textWidth(vi, size, true) + textWidth(` (${en}): `, size);

/** Two-tone text: a bold Vietnamese label, a lighter English gloss, then the value (shrunk, then cut to fit). */
export function labelValue(vi: string, en: string, value: string, o: TextOpts & { readonly valueFill?: string }): string {
  let size = o.size;
  let v = value;
  if (o.maxWidth !== undefined) {
    const w = headWidth(vi, en, size) + textWidth(value, size, true);
    if (w > o.maxWidth) size = Math.max(o.size * 0.8, (o.size * o.maxWidth) / w);
    v = fit(value, size, o.maxWidth - headWidth(vi, en, size), true, 1).s;
  }
  return (
    `<text ${SPACE} x="${r(o.x)}" y="${r(o.y)}" font-family="${FONT}" font-size="${r(size)}" fill="#cfd8dc">` +
    `<tspan font-weight="bold" fill="#ffffff">${xmlEscape(vi)}</tspan>` +
    `<tspan fill="#90a4ae"> (${xmlEscape(en)})</tspan>: ` +
    `<tspan font-weight="bold" fill="${o.valueFill ?? '#ffffff'}">${xmlEscape(v)}</tspan></text>`
  );
}

export interface FlowItem {
  readonly vi: string;
  readonly en: string;
  readonly value: string;
  readonly valueFill?: string | undefined;
  /** Draw a signal lamp of this colour before the item. */
  readonly lamp?: string | undefined;
}

/** Label/value items one after another on a line; the whole line shrinks (never cuts) to fit `maxWidth`. */
export function flowLine(items: readonly FlowItem[], x: number, y: number, size: number, maxWidth: number): string {
  const gapEm = 1.5;
  const widthAt = (fs: number) =>
    items.reduce((sum, it) => sum + headWidth(it.vi, it.en, fs) + textWidth(it.value, fs, true) + (it.lamp ? fs * 1.2 : 0), 0) + gapEm * fs * (items.length - 1);
  const fs = Math.min(size, (size * maxWidth) / Math.max(1, widthAt(size)));
  let out = '';
  let cx = x;
  for (const it of items) {
    if (it.lamp) {
      out += lamp(cx + fs * 0.45, y - fs * 0.35, fs * 0.45, it.lamp);
      cx += fs * 1.2;
    }
    out += labelValue(it.vi, it.en, it.value, { x: cx, y, size: fs, valueFill: it.valueFill ?? '#ffffff' });
    cx += headWidth(it.vi, it.en, fs) + textWidth(it.value, fs, true) + gapEm * fs;
  }
  return out;
}

export const r = (v: number): string => (Math.round(v * 10) / 10).toString();

export const rect = (x: number, y: number, w: number, h: number, attrs: string): string =>
  `<rect x="${r(x)}" y="${r(y)}" width="${r(w)}" height="${r(h)}" ${attrs}/>`;

export const polyline = (pts: readonly { x: number; y: number }[], closed: boolean, attrs: string): string =>
  `<${closed ? 'polygon' : 'polyline'} points="${pts.map((p) => `${r(p.x)},${r(p.y)}`).join(' ')}" ${attrs}/>`;

export const svgDoc = (width: number, height: number, body: string): Buffer =>
  Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${body}</svg>`, 'utf8');

/** A vehicle box with corner brackets and a label tag above it. */
export function vehicleBoxSvg(b: Box, label: string, stroke: number, fontSize: number): string {
  const w = b.x2 - b.x1;
  const h = b.y2 - b.y1;
  const c = Math.max(6, Math.min(w, h) * 0.25);
  const col = '#ff1744';
  const brackets = [
    [b.x1, b.y1 + c, b.x1, b.y1, b.x1 + c, b.y1],
    [b.x2 - c, b.y1, b.x2, b.y1, b.x2, b.y1 + c],
    [b.x2, b.y2 - c, b.x2, b.y2, b.x2 - c, b.y2],
    [b.x1 + c, b.y2, b.x1, b.y2, b.x1, b.y2 - c],
  ]
    .map((p) => `<polyline points="${p.map(r).join(' ')}" fill="none" stroke="${col}" stroke-width="${r(stroke * 2)}"/>`)
    .join('');
  const tagW = textWidth(label, fontSize, true) + fontSize;
  const tagH = fontSize * 1.5;
  const tagY = b.y1 - tagH >= 0 ? b.y1 - tagH : b.y2;
  return (
    rect(b.x1, b.y1, w, h, `fill="none" stroke="${col}" stroke-width="${r(stroke)}"`) +
    brackets +
    rect(b.x1, tagY, tagW, tagH, `fill="${col}" fill-opacity="0.9"`) +
    text(label, { x: b.x1 + fontSize / 2, y: tagY + tagH * 0.75, size: fontSize, bold: true })
  );
}

/** A small filled circle (signal lamp) with an outline. */
export const lamp = (cx: number, cy: number, radius: number, fill: string): string =>
  `<circle cx="${r(cx)}" cy="${r(cy)}" r="${r(radius)}" fill="${fill}" stroke="#ffffff" stroke-width="${r(Math.max(1, radius / 5))}"/>`;
