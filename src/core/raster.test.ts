import { describe, expect, it } from 'vitest';
import { drawLine, drawPolyline, drawRect, drawText, fillCircle, fillRect, measureText, type Rgb } from './raster.js';

const W = 40;
const H = 30;
const canvas = (): Uint8Array => new Uint8Array(W * H * 3);
const at = (buf: Uint8Array, x: number, y: number): number[] => [...buf.subarray((y * W + x) * 3, (y * W + x) * 3 + 3)];
const lit = (buf: Uint8Array): number => {
  let n = 0;
  for (let i = 0; i < buf.length; i += 3) if (buf[i]! + buf[i + 1]! + buf[i + 2]! > 0) n++;
  return n;
};
const RED: Rgb = [255, 0, 0];

describe('fillRect', () => {
  it('fills [x0, x1) × [y0, y1) and nothing else', () => {
    const b = canvas();
    fillRect(b, W, H, 2, 3, 6, 5, RED);
    expect(lit(b)).toBe(8);
    expect(at(b, 2, 3)).toEqual([255, 0, 0]);
    expect(at(b, 6, 3)).toEqual([0, 0, 0]);
  });

  it('blends with alpha and clips to the picture', () => {
    const b = canvas().fill(100);
    fillRect(b, W, H, -10, -10, 1, 1, [200, 0, 100], 0.5);
    expect(at(b, 0, 0)).toEqual([150, 50, 100]);
    expect(at(b, 1, 1)).toEqual([100, 100, 100]);
  });
});

describe('drawRect', () => {
  it('draws an outline of the given thickness inside the box', () => {
    const b = canvas();
    drawRect(b, W, H, 5, 5, 15, 12, { color: RED, thickness: 2 });
    expect(lit(b)).toBe(10 * 7 - 6 * 3);
    expect(at(b, 10, 8)).toEqual([0, 0, 0]);
    expect(at(b, 14, 11)).toEqual([255, 0, 0]);
  });

  it('survives a box partly outside the picture', () => {
    const b = canvas();
    drawRect(b, W, H, -5, -5, 100, 100, { color: RED });
    expect(lit(b)).toBe(0);
    drawRect(b, W, H, 30, 20, 100, 100, { color: RED });
    expect(lit(b)).toBe(10 + 10 - 1);
  });
});

describe('drawLine and drawPolyline', () => {
  it('joins both ends with a one-pixel line', () => {
    const b = canvas();
    drawLine(b, W, H, { x: 0, y: 0 }, { x: 9, y: 3 }, { color: RED });
    expect(lit(b)).toBe(10);
    expect(at(b, 0, 0)).toEqual([255, 0, 0]);
    expect(at(b, 9, 3)).toEqual([255, 0, 0]);
  });

  it('draws thick lines as wide as asked, with square caps', () => {
    const b = canvas();
    drawLine(b, W, H, { x: 5, y: 10 }, { x: 25, y: 10 }, { color: RED, thickness: 3 });
    expect(lit(b)).toBe((21 + 2) * 3);
    expect(at(b, 15, 9)).toEqual([255, 0, 0]);
    expect(at(b, 15, 12)).toEqual([0, 0, 0]);
  });

  it('closes a polyline when asked', () => {
    const open = canvas();
    const closed = canvas();
    const pts = [{ x: 2, y: 2 }, { x: 20, y: 2 }, { x: 20, y: 20 }];
    drawPolyline(open, W, H, pts, { color: RED });
    drawPolyline(closed, W, H, pts, { color: RED, closed: true });
    expect(lit(closed)).toBeGreaterThan(lit(open));
    expect(at(closed, 11, 11)).toEqual([255, 0, 0]);
  });
});

describe('fillCircle', () => {
  it('covers about πr² pixels around the centre', () => {
    const b = canvas();
    fillCircle(b, W, H, 20, 15, 8, RED);
    expect(Math.abs(lit(b) - Math.PI * 64)).toBeLessThan(20);
    expect(at(b, 20, 15)).toEqual([255, 0, 0]);
    expect(at(b, 20, 5)).toEqual([0, 0, 0]);
  });
});

describe('drawText', () => {
  it('measures 6 px per character and 8 px per line at scale 1, minus the trailing gap', () => {
    expect(measureText('ID 12')).toEqual({ width: 29, height: 7 });
    expect(measureText('a\nbcd', 2)).toEqual({ width: 34, height: 30 });
  });

  it('draws different glyphs for different characters, inside the measured box', () => {
    const glyph = (ch: string): string => {
      const b = canvas();
      drawText(b, W, H, 1, 1, ch, { color: [255, 255, 255] });
      return Buffer.from(b).toString('hex');
    };
    const chars = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.,:-/()#%';
    const seen = new Set(chars.split('').map(glyph));
    expect(seen.size).toBe(chars.length);
    const b = canvas();
    drawText(b, W, H, 1, 1, 'W8', { color: [255, 255, 255] });
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (at(b, x, y)[0]! > 0) expect(x >= 1 && x < 12 && y >= 1 && y < 8).toBe(true);
  });

  it('fills a background box with padding and scales glyphs', () => {
    const b = canvas();
    const box = drawText(b, W, H, 4, 4, 'I', { color: [255, 255, 255], scale: 2, background: [0, 0, 255], padding: 1 });
    expect(box).toEqual({ x: 3, y: 3, width: 12, height: 16 });
    expect(at(b, 3, 3)).toEqual([0, 0, 255]);
    expect(at(b, 8, 6)).toEqual([255, 255, 255]);
  });

  it('clips text running off the picture and draws unknown characters as "?"', () => {
    const b = canvas();
    expect(() => drawText(b, W, H, 30, 25, 'overflowing text', { color: RED })).not.toThrow();
    const q = canvas();
    const u = canvas();
    drawText(q, W, H, 0, 0, '?', { color: RED });
    drawText(u, W, H, 0, 0, 'Đ', { color: RED });
    expect(u).toEqual(q);
  });
});
