/**
 * The plate crop of a sighting as a small thumbnail (lazy: only rows scrolled into view ask for it; each view is
 * audited by the server). A sighting without a crop, or whose crop is gone (pruned by retention), shows a placeholder.
 */
import { useState } from 'react';
import type { Sighting } from '../../api';
import { defineDict, useDict } from '../../i18n';
import './plates.css';

export const THUMB_WORDS = defineDict({
  vi: { column: 'Ảnh biển số', crop: 'Ảnh biển số', none: 'Không có ảnh biển số' },
  en: { column: 'Plate image', crop: 'Plate image', none: 'No plate image' },
});

export function PlateThumb({ sighting }: { sighting: Pick<Sighting, 'id' | 'display' | 'cropRef'> }) {
  const w = useDict(THUMB_WORDS);
  const [failed, setFailed] = useState(false);
  if (!sighting.cropRef || failed) {
    return <span className="plate-thumb none" role="img" aria-label={w('none')} title={w('none')} data-testid="plate-thumb-none" />;
  }
  return (
    <img className="plate-thumb" src={`/api/sightings/${encodeURIComponent(sighting.id)}/crop.jpg`} loading="lazy" decoding="async"
      alt={`${w('crop')} ${sighting.display}`} width={96} height={32} onError={() => setFailed(true)} data-testid="plate-thumb" />
  );
}
