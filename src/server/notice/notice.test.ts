import { describe, expect, it } from 'vitest';
import { legalBasis } from './legal-basis.js';
import { imagePdf } from './pdf.js';
import { renderNotice, wrap } from './render.js';

describe('legalBasis', () => {
  it.each([
    ['red_light', 'car', {}, 'Điểm b khoản 9 Điều 6'],
    ['red_light', 'motorcycle', {}, 'Điểm c khoản 7 Điều 7'],
    ['speeding', 'car', { speedKmh: 75, limitKmh: 60 }, 'khoản 5 Điều 6'],
    ['speeding', 'motorcycle', { speedKmh: 85, limitKmh: 60 }, 'khoản 8 Điều 7'],
    ['illegal_stopping', 'truck', {}, 'Điều 6 Nghị định'],
    ['wrong_way', 'bicycle', {}, 'Điều 9 Nghị định'],
  ])('cites %s by a %s', (kind, cls, m, want) => {
    const b = legalBasis(kind, cls, m);
    expect(b.citation).toContain(want);
    expect(b.citation).toMatch(/Nghị định 168\/2024\/NĐ-CP$/);
  });
});

describe('notice', () => {
  it('wraps long Vietnamese text within the width', () => {
    const lines = wrap('Không chấp hành hiệu lệnh của đèn tín hiệu giao thông tại ngã tư', 300, 26);
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(Math.floor(300 / (26 * 0.55)));
  });

  it('refuses an empty PDF', () => {
    expect(() => imagePdf([], { title: 'x' })).toThrow(/at least one page/);
  });

  it('renders a one-page A4 PDF with a correct cross-reference table', async () => {
    const { pdf, png } = await renderNotice({
      violationId: 'V1', issuer: 'Công an phường Tràng Tiền', plate: '30A-123.45', vehicle: 'Ô tô', time: '22/11/2026 07:21:05 (GMT+7)', place: 'Ngã tư', violation: 'Đi ngược chiều',
      legalBasis: 'Điều 6 Nghị định 168/2024/NĐ-CP', fineVnd: null, measurements: [], status: 'Chưa xác minh', images: [], issuedAt: '22/11/2026 08:00',
    });
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    const text = pdf.toString('latin1');
    const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    // Every xref offset points at its object.
    const offsets = [...text.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    offsets.forEach((off, i) => expect(text.slice(off, off + 12)).toMatch(new RegExp(`^${i + 1} 0 obj`)));
    expect(text.match(/\/Type \/Page /g)?.length).toBe(1);
  });
});
