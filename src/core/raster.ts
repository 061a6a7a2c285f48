/**
 * Drawing on RGB24 buffers (row-major, 3 bytes per pixel, no padding): boxes, lines, trails, dots and text, to
 * annotate frames. Pure TypeScript, no allocation per call beyond the text glyph lookup; everything clips to the
 * picture. Coordinates are pixels (floats are rounded); rectangles are [x0, x1) × [y0, y1).
 */

/** An RGB colour, 0–255 per channel. */
export type Rgb = readonly [number, number, number];

export interface RasterPoint {
  readonly x: number;
  readonly y: number;
}

export interface StrokeStyle {
  readonly color: Rgb;
  /** Line thickness in pixels (default 1). */
  readonly thickness?: number;
}

export interface TextStyle {
  readonly color: Rgb;
  /** Integer scale of the 5×7 font (default 1: 6 px advance, 8 px line). */
  readonly scale?: number;
  /** Fill behind the text (with `padding` pixels around it). */
  readonly background?: Rgb;
  readonly padding?: number;
}

const clampInt = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, Math.round(v)));

/** Fill [x0, x1) × [y0, y1) with a colour; `alpha` < 1 blends over what is there. */
export function fillRect(
  buf: Uint8Array,
  width: number,
  height: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  color: Rgb,
  alpha = 1,
): void {
  const xa = clampInt(Math.min(x0, x1), 0, width);
  const xb = clampInt(Math.max(x0, x1), 0, width);
  const ya = clampInt(Math.min(y0, y1), 0, height);
  const yb = clampInt(Math.max(y0, y1), 0, height);
  if (xa >= xb || ya >= yb || alpha <= 0) return;
  const [r, g, b] = color;
  if (alpha >= 1) {
    for (let y = ya; y < yb; y++) {
      for (let i = (y * width + xa) * 3, end = (y * width + xb) * 3; i < end; i += 3) {
        buf[i] = r;
        buf[i + 1] = g;
        buf[i + 2] = b;
      }
    }
    return;
  }
  const a = Math.round(alpha * 256);
  const na = 256 - a;
  for (let y = ya; y < yb; y++) {
    for (let i = (y * width + xa) * 3, end = (y * width + xb) * 3; i < end; i += 3) {
      buf[i] = (buf[i]! * na + r * a) >> 8;
      buf[i + 1] = (buf[i + 1]! * na + g * a) >> 8;
      buf[i + 2] = (buf[i + 2]! * na + b * a) >> 8;
    }
  }
}

/** Outline of the box [x0, x1) × [y0, y1), the stroke drawn inside it. */
export function drawRect(buf: Uint8Array, width: number, height: number, x0: number, y0: number, x1: number, y1: number, style: StrokeStyle): void {
  const t = Math.max(1, Math.round(style.thickness ?? 1));
  const xa = Math.round(Math.min(x0, x1));
  const xb = Math.round(Math.max(x0, x1));
  const ya = Math.round(Math.min(y0, y1));
  const yb = Math.round(Math.max(y0, y1));
  const c = style.color;
  fillRect(buf, width, height, xa, ya, xb, Math.min(yb, ya + t), c);
  fillRect(buf, width, height, xa, Math.max(ya, yb - t), xb, yb, c);
  fillRect(buf, width, height, xa, ya, Math.min(xb, xa + t), yb, c);
  fillRect(buf, width, height, Math.max(xa, xb - t), ya, xb, yb, c);
}

/** A line from a to b (Bresenham with a square brush of `thickness`). */
export function drawLine(buf: Uint8Array, width: number, height: number, a: RasterPoint, b: RasterPoint, style: StrokeStyle): void {
  const t = Math.max(1, Math.round(style.thickness ?? 1));
  const lo = Math.floor((t - 1) / 2);
  let x = Math.round(a.x);
  let y = Math.round(a.y);
  const xe = Math.round(b.x);
  const ye = Math.round(b.y);
  const dx = Math.abs(xe - x);
  const dy = -Math.abs(ye - y);
  const sx = x < xe ? 1 : -1;
  const sy = y < ye ? 1 : -1;
  let err = dx + dy;
  for (;;) {
    if (t === 1) {
      if (x >= 0 && y >= 0 && x < width && y < height) {
        const i = (y * width + x) * 3;
        buf[i] = style.color[0];
        buf[i + 1] = style.color[1];
        buf[i + 2] = style.color[2];
      }
    } else {
      fillRect(buf, width, height, x - lo, y - lo, x - lo + t, y - lo + t, style.color);
    }
    if (x === xe && y === ye) break;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y += sy;
    }
  }
}

/** Connected segments through the points (a track trail, a zone outline with `closed`). */
export function drawPolyline(
  buf: Uint8Array,
  width: number,
  height: number,
  points: readonly RasterPoint[],
  style: StrokeStyle & { readonly closed?: boolean },
): void {
  for (let i = 1; i < points.length; i++) drawLine(buf, width, height, points[i - 1]!, points[i]!, style);
  if (style.closed === true && points.length > 2) drawLine(buf, width, height, points[points.length - 1]!, points[0]!, style);
}

/** A filled disc centred on (cx, cy); `alpha` < 1 blends. */
export function fillCircle(buf: Uint8Array, width: number, height: number, cx: number, cy: number, radius: number, color: Rgb, alpha = 1): void {
  const r = Math.max(0, radius);
  const ya = Math.max(0, Math.ceil(cy - r));
  const yb = Math.min(height - 1, Math.floor(cy + r));
  for (let y = ya; y <= yb; y++) {
    const half = Math.sqrt(Math.max(0, r * r - (y - cy) * (y - cy)));
    fillRect(buf, width, height, Math.ceil(cx - half - 0.5), y, Math.floor(cx + half + 0.5), y + 1, color, alpha);
  }
}

// 5×7 ASCII font (32–126), designed for this project. Each glyph is 7 rows, each row one base-32 digit of 5 bits
// (bit 4 = leftmost pixel).
const FONT_DATA =
  '00000004444404aa00000aavavaa4fke5u4op248j3cik8lid44000002488842842224804lel40044v4400000c48000v00000000cc11248gg' +
  'ehjlphe4c4444eeh1248vu11e11u26aiv22vgu11he68guhhev124888ehhehheehhf12c0cc0cc00cc0c48248g84200v0v008421248eh12404' +
  'ehnlngeehhvhhhuhhuhhuehggghesihhhisvgguggvvggugggehgnhhfhhhvhhhe44444e72222ichikokihggggggvhrllhhhhhpljhhehhhhhe' +
  'uhhugggehhhliduhhukihfgge11uv444444hhhhhhehhhhha4hhhlllahha4ahhhha4444v1248gve88888egg84211e22222e4ah0000000000v' +
  '840000000e1fhfggmphhu00egghe11djhhf00ehvge698s8880fhhf1eggmphhh40c444e20622icggikokic44444e00qllhh00mphhh00ehhhe' +
  '00uhugg00djf1100mpggg00ege1u88s889600hhhjd00hhha400hhlla00ha4ah00hhf1e00v248v34484434444444o44244o008l200';

const GLYPH_W = 5;
const GLYPH_H = 7;
/** Advance per character and per line at scale 1 (one pixel of spacing each way). */
export const FONT_ADVANCE_PX = GLYPH_W + 1;
export const FONT_LINE_PX = GLYPH_H + 1;

const FONT_ROWS: Uint8Array = (() => {
  const rows = new Uint8Array(FONT_DATA.length);
  for (let i = 0; i < FONT_DATA.length; i++) rows[i] = parseInt(FONT_DATA[i]!, 32);
  return rows;
})();

/** Rows of a character's glyph (unknown characters draw as "?"). */
function glyphOffset(code: number): number {
  const c = code >= 32 && code <= 126 ? code : 63;
  return (c - 32) * GLYPH_H;
}

/** Pixel size of a text block (lines split on "\n"). */
export function measureText(text: string, scale = 1): { width: number; height: number } {
  const lines = text.split('\n');
  const s = Math.max(1, Math.round(scale));
  const cols = Math.max(0, ...lines.map((l) => l.length));
  return { width: cols === 0 ? 0 : (cols * FONT_ADVANCE_PX - 1) * s, height: (lines.length * FONT_LINE_PX - 1) * s };
}

/**
 * Text with its top-left corner at (x, y) in the built-in 5×7 font (ASCII; other characters draw as "?").
 * Returns the box drawn, background padding included.
 */
export function drawText(
  buf: Uint8Array,
  width: number,
  height: number,
  x: number,
  y: number,
  text: string,
  style: TextStyle,
): { x: number; y: number; width: number; height: number } {
  const s = Math.max(1, Math.round(style.scale ?? 1));
  const pad = style.background ? Math.max(0, Math.round(style.padding ?? s)) : 0;
  const size = measureText(text, s);
  const ox = Math.round(x);
  const oy = Math.round(y);
  if (style.background) fillRect(buf, width, height, ox - pad, oy - pad, ox + size.width + pad, oy + size.height + pad, style.background);
  let line = 0;
  let col = 0;
  for (let k = 0; k < text.length; k++) {
    const code = text.charCodeAt(k);
    if (code === 10) {
      line++;
      col = 0;
      continue;
    }
    const gx = ox + col * FONT_ADVANCE_PX * s;
    const gy = oy + line * FONT_LINE_PX * s;
    col++;
    if (gx >= width || gy >= height || gx + GLYPH_W * s <= 0 || gy + GLYPH_H * s <= 0 || code === 32) continue;
    const at = glyphOffset(code);
    for (let r = 0; r < GLYPH_H; r++) {
      const bits = FONT_ROWS[at + r]!;
      if (bits === 0) continue;
      for (let c = 0; c < GLYPH_W; c++) {
        if ((bits & (16 >> c)) !== 0) fillRect(buf, width, height, gx + c * s, gy + r * s, gx + (c + 1) * s, gy + (r + 1) * s, style.color);
      }
    }
  }
  return { x: ox - pad, y: oy - pad, width: size.width + 2 * pad, height: size.height + 2 * pad };
}
