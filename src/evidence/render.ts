import sharp from 'sharp';
import { box, clipBox, type Box } from '../core/box.js';
import { ArgusError } from '../core/errors.js';
import { flowLine, labelValue, polyline, rect, svgDoc, text, textWidth, vehicleBoxSvg, type FlowItem } from './svg.js';
import { LIGHT_COLOURS, lightLabel, type ViEn } from './text.js';
import type { EvidenceScene, LightState, RgbImage } from './types.js';

/** What the pictures print, already worded (Vietnamese with an English gloss). */
export interface NoticeText {
  readonly violationId: string;
  readonly violation: ViEn;
  readonly plate?: string | undefined;
  readonly vehicle: ViEn;
  readonly trackId?: number | undefined;
  /** `22/11/2026 06:21:05.123 (GMT+7)` */
  readonly time: string;
  readonly place: string;
  readonly authority?: string | undefined;
  readonly light?: LightState | undefined;
  readonly speedKmh?: number | undefined;
  readonly limitKmh?: number | undefined;
  /** Other measurements, formatted. */
  readonly measurements: readonly { readonly label: ViEn; readonly text: string }[];
  readonly keyId: string;
}

/** A raw RGB picture as sharp takes it. */
export interface Raw {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

export const JPEG_QUALITY = 90;

/** ` #17`, or nothing when the violation has no track. */
export const trackTag = (t: NoticeText): string => (t.trackId === undefined ? '' : ` #${t.trackId}`);

const rawInput = (img: { data: Buffer | Uint8Array; width: number; height: number }) =>
  sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), { raw: { width: img.width, height: img.height, channels: 3 } });

export function toRaw(img: RgbImage): Raw {
  if (img.rgb.length !== img.width * img.height * 3 || img.width < 1 || img.height < 1) {
    throw new ArgusError('invalid_argument', `RGB image of ${img.width}×${img.height} needs ${img.width * img.height * 3} bytes, got ${img.rgb.length}`);
  }
  return { data: Buffer.from(img.rgb.buffer, img.rgb.byteOffset, img.rgb.byteLength), width: img.width, height: img.height };
}

/** Base text size for a picture of this width. */
export const fontSizeFor = (width: number): number => Math.max(12, Math.min(30, Math.round(width / 46)));

/** Draws the lane/zone polygons, lines and the vehicle box (frame pixels) onto the frame. */
export async function drawScene(frame: Raw, scene: EvidenceScene | undefined, vehicle: Box | undefined, tag: string): Promise<Raw> {
  const { width: W, height: H } = frame;
  const stroke = Math.max(2, Math.round(W / 320));
  const fs = fontSizeFor(W) * 0.85;
  const toPx = (p: readonly [number, number]) => ({ x: p[0] * W, y: p[1] * H });
  let body = '';
  for (const poly of scene?.polygons ?? []) {
    const pts = poly.points.map(toPx);
    body += polyline(pts, true, `fill="#00e5ff" fill-opacity="0.12" stroke="#00e5ff" stroke-width="${stroke}" stroke-dasharray="${stroke * 4},${stroke * 3}"`);
    if (poly.label && pts[0]) body += text(poly.label, { x: pts[0].x + 4, y: pts[0].y + fs * 1.2, size: fs, fill: '#00e5ff', bold: true, halo: true });
  }
  for (const line of scene?.lines ?? []) {
    const pts = line.points.map(toPx);
    body += polyline(pts, false, `fill="none" stroke="#ffea00" stroke-width="${stroke * 1.5}"`);
    if (line.label && pts[0]) body += text(line.label, { x: pts[0].x + 4, y: pts[0].y - fs * 0.5, size: fs, fill: '#ffea00', bold: true, halo: true });
  }
  if (vehicle) body += vehicleBoxSvg(clipBox(vehicle, W, H), tag, stroke, fs);
  const data = await rawInput(frame).composite([{ input: svgDoc(W, H, body), top: 0, left: 0 }]).removeAlpha().raw().toBuffer();
  return { data, width: W, height: H };
}

/** Crops `b` (frame pixels, padded by `pad` of its size) from the frame and enlarges it to ≥ `minHeight`. */
export async function closeUp(frame: Raw, b: Box, pad: number, minHeight: number): Promise<Raw> {
  const w = b.x2 - b.x1;
  const h = b.y2 - b.y1;
  const c = clipBox(box(b.x1 - w * pad, b.y1 - h * pad, b.x2 + w * pad, b.y2 + h * pad), frame.width, frame.height);
  const left = Math.floor(c.x1);
  const top = Math.floor(c.y1);
  const width = Math.max(1, Math.ceil(c.x2) - left);
  const height = Math.max(1, Math.ceil(c.y2) - top);
  if (left >= frame.width || top >= frame.height) throw new ArgusError('invalid_argument', 'the close-up box lies outside the frame');
  const scale = Math.max(1, minHeight / height);
  const out = await rawInput(frame)
    .extract({ left, top, width: Math.min(width, frame.width - left), height: Math.min(height, frame.height - top) })
    .resize({ height: Math.round(height * scale), kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: out.data, width: out.info.width, height: out.info.height };
}

/** Enlarges a plate crop to ≥ `minHeight` px (lanczos3). */
export async function enlarge(img: Raw, minHeight: number): Promise<Raw> {
  if (img.height >= minHeight) return img;
  const out = await rawInput(img).resize({ height: minHeight, kernel: 'lanczos3' }).raw().toBuffer({ resolveWithObject: true });
  return { data: out.data, width: out.info.width, height: out.info.height };
}

export const encodeJpeg = (img: Raw, quality = JPEG_QUALITY): Promise<Buffer> => rawInput(img).jpeg({ quality, mozjpeg: true }).toBuffer();

/** The lower band's items: light, speed and limit. */
function statusItems(t: NoticeText): FlowItem[] {
  const items: FlowItem[] = [];
  if (t.light) {
    const l = lightLabel(t.light);
    items.push({ vi: 'Đèn', en: 'light', value: `${l.vi} (${l.en})`, valueFill: LIGHT_COLOURS[t.light], lamp: LIGHT_COLOURS[t.light] });
  }
  if (t.speedKmh !== undefined) items.push({ vi: 'Tốc độ', en: 'speed', value: `${t.speedKmh.toFixed(1)} km/h`, valueFill: '#ff5252' });
  if (t.limitKmh !== undefined) items.push({ vi: 'Giới hạn', en: 'limit', value: `${t.limitKmh.toFixed(0)} km/h` });
  items.push({ vi: 'Phương tiện', en: 'vehicle', value: `${t.vehicle.vi}${trackTag(t)}` });
  return items;
}

/** Heights of the title band above and the status band below a still of width `W`. */
export function stillBands(W: number): { fs: number; row: number; pad: number; topH: number; botH: number } {
  const fs = fontSizeFor(W);
  const row = fs * 1.55;
  const pad = fs * 0.6;
  return { fs, row, pad, topH: Math.round(pad * 2 + row * 3), botH: Math.round(pad * 2 + row * 2) };
}

/**
 * One still: the frame with its scene overlay, a title band above (violation, which of the three, time,
 * place) and a status band below (light, speed and limit, plate, id). The picture itself is not covered.
 */
export async function renderStill(scened: Raw, t: NoticeText, role: { index: number; vi: string; en: string; time: string }): Promise<Buffer> {
  const W = scened.width;
  const { fs, row, pad, topH, botH } = stillBands(W);
  const H = scened.height + topH + botH;
  let body = rect(0, 0, W, topH, 'fill="#0d1b2a"') + rect(0, topH - 3, W, 3, 'fill="#c62828"');
  body += text(`${t.violation.vi} (${t.violation.en})`, { x: pad, y: pad + row * 0.75, size: fs, bold: true, maxWidth: W - pad * 2 });
  const roleText = `Ảnh ${role.index}/3 · ${role.vi} (${role.en})`;
  const roleW = textWidth(roleText, fs * 0.85, true);
  body += text(roleText, { x: W - pad, y: pad + row * 1.75, size: fs * 0.85, fill: '#ffd54f', bold: true, anchor: 'end', maxWidth: W * 0.45 });
  body += labelValue('Thời gian', 'time', role.time, { x: pad, y: pad + row * 1.75, size: fs * 0.85, maxWidth: W - Math.min(roleW, W * 0.45) - pad * 3 });
  body += labelValue('Địa điểm', 'place', t.place, { x: pad, y: pad + row * 2.75, size: fs * 0.85, maxWidth: W - pad * 2 });
  const y0 = topH + scened.height;
  body += rect(0, y0, W, botH, 'fill="#0d1b2a"') + rect(0, y0, W, 3, 'fill="#c62828"');
  body += flowLine(statusItems(t), pad, y0 + pad + row * 0.8, fs * 0.85, W - pad * 2);
  const plateItem = { vi: 'Biển số', en: 'plate', value: t.plate ?? 'chưa đọc được (not read)', valueFill: '#ffea00' };
  body += flowLine([plateItem, { vi: 'Mã', en: 'ID', value: t.violationId, valueFill: '#b0bec5' }], pad, y0 + pad + row * 1.8, fs * 0.85, W - pad * 2);
  const img = await rawInput(scened)
    .extend({ top: topH, bottom: botH, left: 0, right: 0, background: { r: 13, g: 27, b: 42 } })
    .composite([{ input: svgDoc(W, H, body), top: 0, left: 0 }])
    .jpeg({ quality: JPEG_QUALITY, mozjpeg: true })
    .toBuffer();
  return img;
}
