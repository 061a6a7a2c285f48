/** Pieces the faces tabs share: a face image that says when it has none, what a threshold means, photos as base64. */
import { useState } from 'react';
import type { FaceFarCurve } from '@contract';
import { falseMatchOnCurve } from '@contract/face-far';
import { useDict, useI18n } from '../../i18n';
import { fill, WORDS } from './words';

/** A face (aligned crop, JPEG) served by the API: every load is audited there; none → a grey box that says so. */
export function FaceImg({ url, alt, size = 112 }: { url: string | null; alt: string; size?: number }) {
  const w = useDict(WORDS);
  const [failed, setFailed] = useState(false);
  if (!url || failed) return <span className="face-img none" style={{ width: size, height: size }} role="img" aria-label={`${alt}: ${w('noImage')}`}>{w('noImage')}</span>;
  return <img className="face-img" src={url} alt={alt} width={size} height={size} loading="lazy" onError={() => setFailed(true)} />;
}

/** "About 1 false match per N faces" for a rate (`oneIn` null: rarer than measured; NaN: not measured). */
export function useFalseMatchText(): (fm: { far: number; oneIn: number | null }, impostorPairs?: number) => string {
  const w = useDict(WORDS);
  const fmt = new Intl.NumberFormat(useI18n().lang === 'vi' ? 'vi-VN' : 'en-GB');
  return (fm, impostorPairs) => {
    if (!Number.isFinite(fm.far)) return w('notMeasured');
    if (fm.oneIn === null) return fill(w('tooRare'), { n: fmt.format(impostorPairs ?? Math.round(1 / Math.max(fm.far, 1e-9))) });
    return fill(w('oneIn'), { n: fmt.format(fm.oneIn) });
  };
}

/** The same reading of the model's curve as the service's (contract/face-far.ts), for a slider that moves. */
export const falseMatchOf = (curve: FaceFarCurve | null, threshold: number): { far: number; oneIn: number | null } =>
  curve && curve.points.length > 0 ? falseMatchOnCurve(curve, threshold) : { far: Number.NaN, oneIn: null };

/** A file as base64 (no data: prefix), as the API takes photos. */
export async function fileBase64(f: Blob): Promise<string> {
  const bytes = new Uint8Array(await f.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** A percentage of a cosine similarity, one decimal. */
export const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

export const DAY = 86_400_000;
/** A date input's value in Việt Nam's time (UTC+7). */
export const localDate = (ms: number): string => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 10);
/** A datetime-local input's value in Việt Nam's time (UTC+7), and back. */
export const localInput = (ms: number): string => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 16);
export const fromLocal = (v: string): number => Date.parse(`${v}:00+07:00`);
