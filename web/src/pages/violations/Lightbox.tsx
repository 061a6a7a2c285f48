import { useEffect, useRef } from 'react';
import { useDict } from '../../i18n';
import { WORDS } from './words';

export interface Picture { readonly src: string; readonly alt: string; readonly caption: string }

/**
 * One evidence picture at full size in a modal <dialog>: Escape or the close button closes it (focus goes back
 * to the thumbnail), ← → and the buttons step through the pictures. Keys pressed here never reach the review
 * page's shortcuts (they ignore events inside an open dialog).
 */
export function Lightbox({ pictures, index, onIndex, onClose }: { pictures: readonly Picture[]; index: number | null; onIndex(i: number): void; onClose(): void }) {
  const w = useDict(WORDS);
  const ref = useRef<HTMLDialogElement>(null);
  const open = index !== null && pictures[index] !== undefined;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    else if (!open && d.open) d.close();
  }, [open]);
  const step = (by: number) => {
    if (index === null || pictures.length === 0) return;
    onIndex((index + by + pictures.length) % pictures.length);
  };
  const pic = index === null ? undefined : pictures[index];
  return (
    <dialog ref={ref} className="ev-lightbox" aria-label={pic ? `${w('lightbox')}: ${pic.caption}` : w('lightbox')} data-testid="evidence-lightbox"
      onClose={onClose}
      onClick={(e) => { if (e.target === e.currentTarget) onClose(); }}
      onKeyDown={(e) => {
        if (e.key === 'ArrowRight') step(1);
        else if (e.key === 'ArrowLeft') step(-1);
        else return;
        e.preventDefault();
      }}>
      {pic && (<>
        <figure>
          <img src={pic.src} alt={pic.alt} />
          <figcaption>{pic.caption} <span className="muted">({(index ?? 0) + 1}/{pictures.length})</span></figcaption>
        </figure>
        <div className="ev-lightbox-bar">
          <button type="button" onClick={() => step(-1)} aria-label={w('prev')} disabled={pictures.length < 2}>←</button>
          <button type="button" onClick={() => step(1)} aria-label={w('next')} disabled={pictures.length < 2}>→</button>
          <button type="button" onClick={onClose} autoFocus>{w('close')} (Esc)</button>
        </div>
      </>)}
    </dialog>
  );
}
