/**
 * The violation notice (thông báo vi phạm) with the fields of Circular 73/2024/TT-BCA art. 24: plate, vehicle type,
 * time (site time zone), place, the violation and its legal basis, and the evidence images. Drawn as an SVG
 * (DejaVu Sans: every Vietnamese diacritic), rasterised by sharp/librsvg at 150 dpi, wrapped in a one-page PDF.
 */
import sharp from 'sharp';
import { xmlEscape } from '../../evidence/text.js';
import { A4_PT, imagePdf } from './pdf.js';

export interface NoticeData {
  readonly violationId: string;
  /** Issuing unit (site name). */
  readonly issuer: string;
  readonly plate: string | null;
  readonly vehicle: string;
  /** Local time, e.g. `22/11/2026 07:21:05 (GMT+7)`. */
  readonly time: string;
  readonly place: string;
  readonly violation: string;
  readonly legalBasis: string;
  readonly fineVnd: string | null;
  /** Measured values, already formatted (`Tốc độ: 72 km/h`). */
  readonly measurements: readonly string[];
  readonly status: string;
  /** Evidence JPEG/PNG images (composite first), at most 2 drawn. */
  readonly images: readonly Buffer[];
  readonly issuedAt: string;
}

const W = 1240;
const H = 1754;
const FONT = 'DejaVu Sans';

/** Greedy word wrap by an estimate of the glyph width (DejaVu Sans ≈ 0.55 em). */
export function wrap(text: string, maxPx: number, sizePx: number): string[] {
  const perLine = Math.max(10, Math.floor(maxPx / (sizePx * 0.55)));
  const lines: string[] = [];
  let cur = '';
  for (const word of text.split(/\s+/).filter((x) => x !== '')) {
    if (cur !== '' && cur.length + 1 + word.length > perLine) {
      lines.push(cur);
      cur = word;
    } else cur = cur === '' ? word : `${cur} ${word}`;
  }
  if (cur !== '') lines.push(cur);
  return lines.length > 0 ? lines : [''];
}

function text(x: number, y: number, s: string, size: number, opts: { bold?: boolean; anchor?: 'middle' | 'start'; colour?: string } = {}): string {
  return `<text x="${x}" y="${y}" font-family="${FONT}" font-size="${size}"${opts.bold ? ' font-weight="bold"' : ''}${opts.anchor === 'middle' ? ' text-anchor="middle"' : ''} fill="${opts.colour ?? '#000'}">${xmlEscape(s)}</text>`;
}

/** An evidence image that cannot be decoded (a damaged file): a notice is never printed with it, or without it silently. */
export class NoticeImageError extends Error {
  constructor(cause: unknown) {
    super(`an evidence image cannot be decoded: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

async function imageTags(images: readonly Buffer[], top: number, bottom: number): Promise<string> {
  const shown = images.slice(0, 2);
  if (shown.length === 0) return text(W / 2, top + 40, '(Không có hình ảnh)', 24, { anchor: 'middle', colour: '#666' });
  const boxH = Math.floor((bottom - top - 20 * (shown.length - 1)) / shown.length);
  const out: string[] = [];
  let y = top;
  for (const img of shown) {
    // Re-encode: bounded size, and nothing but a plain JPEG reaches librsvg.
    const jpeg = await sharp(img).resize({ width: W - 160, height: boxH, fit: 'inside' }).jpeg({ quality: 85 }).toBuffer({ resolveWithObject: true })
      .catch((e: unknown) => {
        throw new NoticeImageError(e);
      });
    const x = Math.round((W - jpeg.info.width) / 2);
    out.push(`<image x="${x}" y="${y}" width="${jpeg.info.width}" height="${jpeg.info.height}" href="data:image/jpeg;base64,${jpeg.data.toString('base64')}"/>`);
    out.push(`<rect x="${x}" y="${y}" width="${jpeg.info.width}" height="${jpeg.info.height}" fill="none" stroke="#333" stroke-width="1"/>`);
    y += jpeg.info.height + 20;
  }
  return out.join('\n');
}

export async function noticeSvg(d: NoticeData): Promise<string> {
  const parts: string[] = [`<rect width="${W}" height="${H}" fill="#fff"/>`];
  parts.push(text(80, 90, d.issuer.toUpperCase(), 24, { bold: true }));
  parts.push(text(W - 300, 90, 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 21, { bold: true, anchor: 'middle' }));
  parts.push(text(W - 300, 122, 'Độc lập - Tự do - Hạnh phúc', 21, { bold: true, anchor: 'middle' }));
  parts.push(text(80, 122, `Số: ${d.violationId}`, 20));
  parts.push(text(W / 2, 210, 'THÔNG BÁO', 40, { bold: true, anchor: 'middle' }));
  parts.push(text(W / 2, 256, 'Về việc phát hiện vi phạm hành chính qua hệ thống giám sát', 26, { anchor: 'middle' }));
  parts.push(text(W / 2, 290, '(Thông tư 73/2024/TT-BCA, Điều 24)', 20, { anchor: 'middle', colour: '#444' }));
  const rows: [string, string][] = [
    ['Biển số xe', d.plate ?? '(chưa đọc được)'],
    ['Loại phương tiện', d.vehicle],
    ['Thời gian vi phạm', d.time],
    ['Địa điểm vi phạm', d.place],
    ['Hành vi vi phạm', d.violation],
    ...d.measurements.map((m): [string, string] => ['Kết quả đo', m]),
    ['Căn cứ pháp lý', d.legalBasis],
    ...(d.fineVnd ? [['Mức phạt theo quy định', `${d.fineVnd} đồng`] as [string, string]] : []),
    ['Trạng thái xác minh', d.status],
  ];
  let y = 360;
  for (const [label, value] of rows) {
    const lines = wrap(value, W - 80 - 460, 26);
    parts.push(text(80, y, `${label}:`, 26, { bold: true }));
    lines.forEach((l, i) => parts.push(text(460, y + i * 36, l, 26)));
    y += 36 * lines.length + 14;
  }
  y += 10;
  parts.push(text(80, y, 'Hình ảnh vi phạm:', 26, { bold: true }));
  const imgTop = y + 20;
  const footerTop = H - 230;
  parts.push(await imageTags(d.images, imgTop, footerTop - 50));
  const footer = [
    'Yêu cầu chủ phương tiện, người điều khiển phương tiện đến cơ quan công an nêu trên để giải quyết vụ việc',
    'vi phạm theo quy định. Căn cứ pháp lý do hệ thống đề xuất; cán bộ xử lý kiểm tra trước khi ký ban hành.',
  ];
  footer.forEach((l, i) => parts.push(text(80, footerTop + i * 30, l, 20)));
  parts.push(text(W - 80 - 300, footerTop + 100, 'CÁN BỘ XỬ LÝ', 24, { bold: true }));
  parts.push(text(W - 80 - 320, footerTop + 130, '(Ký, ghi rõ họ tên)', 20, { colour: '#444' }));
  parts.push(text(80, H - 40, `Lập lúc ${d.issuedAt} — mã vi phạm ${d.violationId} — Argus`, 16, { colour: '#666' }));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">\n${parts.join('\n')}\n</svg>`;
}

/** The page as PNG (for review and tests) and the PDF. */
export async function renderNotice(d: NoticeData): Promise<{ pdf: Buffer; png: Buffer }> {
  const svg = Buffer.from(await noticeSvg(d));
  const png = await sharp(svg, { density: 72 }).flatten({ background: '#fff' }).png().toBuffer();
  const jpeg = await sharp(png).jpeg({ quality: 88 }).toBuffer();
  const pdf = imagePdf([{ jpeg, width: W, height: H }], { title: `Thông báo vi phạm ${d.plate ?? ''} ${d.violationId}`.trim() });
  return { pdf, png };
}

export { A4_PT };
