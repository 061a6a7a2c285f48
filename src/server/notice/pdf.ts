/**
 * A minimal PDF writer: pages that are each one full-page JPEG image (DCTDecode), A4 portrait. Enough for a
 * rendered notice (the text is drawn into the image with proper Vietnamese glyphs by librsvg); no fonts needed.
 */
import { ArgusError } from '../../core/errors.js';

export interface PdfPage {
  readonly jpeg: Buffer;
  /** Pixel size of the JPEG. */
  readonly width: number;
  readonly height: number;
}

/** A4 in PDF points. */
export const A4_PT = { width: 595.28, height: 841.89 } as const;

/** PDF text string: ASCII as a literal, anything else as UTF-16BE hex with BOM. */
function pdfString(s: string): string {
  if (/^[\x20-\x7e]*$/.test(s)) return `(${s.replace(/[\\()]/g, (c) => `\\${c}`)})`;
  const be = Buffer.from(`\uFEFF${s}`, 'utf16le').swap16();
  return `<${be.toString('hex')}>`;
}

export function imagePdf(pages: readonly PdfPage[], info: { title: string; author?: string; createdAtMs?: number }): Buffer {
  if (pages.length === 0) throw new ArgusError('invalid_argument', 'a PDF needs at least one page');
  const chunks: Buffer[] = [];
  const offsets: number[] = [];
  let size = 0;
  const push = (b: Buffer | string): void => {
    const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
    chunks.push(buf);
    size += buf.length;
  };
  const obj = (n: number, body: () => void): void => {
    offsets[n] = size;
    push(`${n} 0 obj\n`);
    body();
    push('\nendobj\n');
  };
  push('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n');
  const pageIds = pages.map((_, i) => 4 + i * 3);
  obj(1, () => push('<< /Type /Catalog /Pages 2 0 R >>'));
  obj(2, () => push(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`));
  const d = new Date(info.createdAtMs ?? Date.now()).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  obj(3, () => push(`<< /Title ${pdfString(info.title)} /Author ${pdfString(info.author ?? 'Argus')} /Producer (Argus) /CreationDate (D:${d}Z) >>`));
  pages.forEach((p, i) => {
    const id = pageIds[i]!;
    const { width: w, height: h } = A4_PT;
    obj(id, () => push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w} ${h}] /Resources << /XObject << /Im0 ${id + 1} 0 R >> >> /Contents ${id + 2} 0 R >>`));
    obj(id + 1, () => {
      push(`<< /Type /XObject /Subtype /Image /Width ${p.width} /Height ${p.height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${p.jpeg.length} >>\nstream\n`);
      push(p.jpeg);
      push('\nendstream');
    });
    const content = `q ${w} 0 0 ${h} 0 0 cm /Im0 Do Q`;
    obj(id + 2, () => push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`));
  });
  const count = 4 + pages.length * 3;
  const xref = size;
  push(`xref\n0 ${count}\n0000000000 65535 f \n`);
  for (let n = 1; n < count; n++) push(`${String(offsets[n] ?? 0).padStart(10, '0')} 00000 n \n`);
  push(`trailer\n<< /Size ${count} /Root 1 0 R /Info 3 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(chunks);
}
