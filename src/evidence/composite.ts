import sharp, { type OverlayOptions } from 'sharp';
import { JPEG_QUALITY, trackTag, type NoticeText, type Raw } from './render.js';
import { labelValue, lamp, rect, svgDoc, text, textWidth } from './svg.js';
import { LIGHT_COLOURS, lightLabel } from './text.js';

/** One picture of the grid with its caption chip. */
export interface Tile {
  readonly image: Raw;
  readonly vi: string;
  readonly en: string;
  /** Local time of the frame, `06:21:04.100`. */
  readonly time?: string | undefined;
}

const BG = { r: 13, g: 27, b: 42 };
const GAP = 6;

interface Layout {
  readonly T: number;
  readonly Th: number;
  readonly CW: number;
  readonly fc: number;
  readonly headerH: number;
  readonly gridTop: number;
  readonly captionTop: number;
  readonly rowH: number;
  readonly CH: number;
}

function layout(frameW: number, frameH: number): Layout {
  const T = Math.min(frameW, 800);
  const Th = Math.round((frameH * T) / frameW);
  const CW = 2 * T + 3 * GAP;
  const fc = Math.max(13, Math.round(CW / 68));
  const headerH = Math.round(fc * 2.6);
  const gridTop = headerH + GAP;
  const captionTop = gridTop + 2 * Th + 2 * GAP;
  const rowH = Math.round(fc * 1.75);
  const CH = captionTop + Math.round(rowH * 6.4);
  return { T, Th, CW, fc, headerH, gridTop, captionTop, rowH, CH };
}

async function fitTile(img: Raw, w: number, h: number): Promise<Buffer> {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
    .resize({ width: w, height: h, fit: 'contain', background: BG, kernel: 'lanczos3' })
    .png({ compressionLevel: 1 })
    .toBuffer();
}

function chip(label: string, x: number, y: number, fs: number): string {
  const w = textWidth(label, fs, true) + fs;
  return rect(x, y, w, fs * 1.6, 'fill="#000000" fill-opacity="0.65"') + text(label, { x: x + fs / 2, y: y + fs * 1.15, size: fs, bold: true, fill: '#ffd54f' });
}

function plateTileSvg(L: Layout, x: number, y: number, plate: string | undefined): string {
  const fs = L.fc * 1.6;
  const h = fs * 1.7;
  const label = plate ?? 'CHƯA ĐỌC ĐƯỢC (not read)';
  const w = Math.min(L.T * 0.9, textWidth(label, fs, true) + fs * 1.5);
  const px = x + (L.T - w) / 2;
  const py = y + L.Th - h - L.Th * 0.05;
  return (
    rect(px, py, w, h, `rx="${fs * 0.2}" fill="${plate ? '#fafafa' : '#37474f'}" stroke="#000000" stroke-width="3"`) +
    text(label, { x: x + L.T / 2, y: py + h * 0.72, size: fs, bold: true, fill: plate ? '#111111' : '#ffffff', anchor: 'middle', maxWidth: w - fs })
  );
}

function headerSvg(L: Layout, t: NoticeText): string {
  const title = 'ẢNH VI PHẠM GIAO THÔNG';
  let s = rect(0, 0, L.CW, L.headerH, 'fill="#b71c1c"');
  const y = L.headerH * 0.64;
  s += text(title, { x: GAP * 2, y, size: L.fc * 1.15, bold: true });
  const titleW = textWidth(title, L.fc * 1.15, true);
  s += text('Traffic violation evidence', { x: GAP * 3 + titleW, y, size: L.fc * 0.85, fill: '#ffcdd2' });
  if (t.authority) s += text(t.authority.toUpperCase(), { x: L.CW - GAP * 2, y, size: L.fc * 0.9, bold: true, anchor: 'end', maxWidth: L.CW * 0.4 });
  return s;
}

function measuredText(t: NoticeText): string {
  const parts = t.measurements.map((m) => `${m.label.vi} (${m.label.en}) ${m.text}`);
  return parts.length > 0 ? parts.join(' · ') : '—';
}

function captionSvg(L: Layout, t: NoticeText): string {
  const x0 = GAP * 2;
  const half = L.CW / 2;
  const fs = L.fc;
  const y = (i: number) => L.captionTop + L.rowH * (i + 0.8);
  let s = rect(0, L.captionTop - GAP, L.CW, L.CH - L.captionTop + GAP, 'fill="#0d1b2a"') + rect(0, L.captionTop - GAP, L.CW, 3, 'fill="#c62828"');
  s += labelValue('Lỗi vi phạm', 'violation', `${t.violation.vi} — ${t.violation.en}`, { x: x0, y: y(0), size: fs * 1.1, maxWidth: L.CW - x0 * 2, valueFill: '#ff8a80' });
  const colW = half - x0 * 2;
  const fullW = L.CW - x0 * 2;
  s += labelValue('Biển số', 'plate', t.plate ?? 'chưa đọc được (not read)', { x: x0, y: y(1), size: fs, maxWidth: colW, valueFill: '#ffea00' });
  s += labelValue('Phương tiện', 'vehicle', `${t.vehicle.vi} (${t.vehicle.en})${trackTag(t)}`, { x: half, y: y(1), size: fs, maxWidth: colW });
  s += labelValue('Thời gian', 'time', t.time, { x: x0, y: y(2), size: fs, maxWidth: colW });
  s += labelValue('Mã vi phạm', 'ID', t.violationId, { x: half, y: y(2), size: fs, maxWidth: colW });
  s += labelValue('Địa điểm', 'place', t.place, { x: x0, y: y(3), size: fs, maxWidth: fullW });
  let mx = x0;
  if (t.light) {
    s += lamp(x0 + fs * 0.45, y(4) - fs * 0.35, fs * 0.45, LIGHT_COLOURS[t.light]);
    s += labelValue('Đèn', 'light', `${lightLabel(t.light).vi} (${lightLabel(t.light).en})`, { x: x0 + fs * 1.2, y: y(4), size: fs, valueFill: LIGHT_COLOURS[t.light] });
    mx = x0 + fs * 1.2 + textWidth(`Đèn (light): ${lightLabel(t.light).vi} (${lightLabel(t.light).en})`, fs, true) + fs;
  }
  s += labelValue('Đo được', 'measured', measuredText(t), { x: mx, y: y(4), size: fs, maxWidth: x0 + fullW - mx });
  const foot = `Ký số Ed25519 (signed), khóa (key id) ${t.keyId} · Kiểm tra (verify): argus evidence verify <thư mục>`;
  s += text(foot, { x: x0, y: y(5.1), size: fs * 0.75, fill: '#78909c', maxWidth: L.CW - x0 * 2 });
  return s;
}

/**
 * The notice picture (Dahua/Hikvision style): a title band, the three stills and the plate close-up in a
 * 2×2 grid with caption chips, and a caption band with violation, plate, vehicle, time, place, measurements.
 */
export async function renderComposite(tiles: readonly [Tile, Tile, Tile], closeUp: Tile, t: NoticeText): Promise<Buffer> {
  const plate = closeUp.image;
  const first = tiles[0].image;
  const L = layout(first.width, first.height);
  const cells = [
    { x: GAP, y: L.gridTop },
    { x: GAP * 2 + L.T, y: L.gridTop },
    { x: GAP, y: L.gridTop + L.Th + GAP },
    { x: GAP * 2 + L.T, y: L.gridTop + L.Th + GAP },
  ] as const;
  const overlays: OverlayOptions[] = [];
  let chips = '';
  for (let i = 0; i < 3; i++) {
    const tile = tiles[i]!;
    const c = cells[i]!;
    overlays.push({ input: await fitTile(tile.image, L.T, L.Th), left: c.x, top: c.y });
    chips += chip(`${i + 1} · ${tile.vi} (${tile.en})${tile.time ? ` · ${tile.time}` : ''}`, c.x + GAP, c.y + GAP, L.fc * 0.8);
  }
  const pc = cells[3];
  const plateH = Math.round(L.Th * 0.62);
  overlays.push({ input: await fitTile(plate, Math.round(L.T * 0.94), plateH), left: pc.x + Math.round(L.T * 0.03), top: pc.y + Math.round(L.Th * 0.1) });
  chips += chip(`4 · ${closeUp.vi} (${closeUp.en})`, pc.x + GAP, pc.y + GAP, L.fc * 0.8);
  chips += plateTileSvg(L, pc.x, pc.y, t.plate);
  const svg = svgDoc(L.CW, L.CH, headerSvg(L, t) + captionSvg(L, t) + chips);
  overlays.push({ input: svg, left: 0, top: 0 });
  return sharp({ create: { width: L.CW, height: L.CH, channels: 3, background: BG } })
    .composite(overlays)
    .jpeg({ quality: Math.min(JPEG_QUALITY, 85), mozjpeg: true })
    .toBuffer();
}
