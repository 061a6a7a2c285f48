/** A small confirmation dialog (removing a person, deleting a list). */
import { useEffect } from 'react';
import { useDict } from '../../i18n';
import { WORDS } from './words';

export function Confirm({ title, text, action, onYes, onClose }: { title: string; text: string; action: string; onYes: () => void; onClose: () => void }) {
  const w = useDict(WORDS);
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => { if (e.key === 'Escape') onClose(); };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="modal-backdrop" onClick={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <section className="modal face-dialog small" role="alertdialog" aria-modal="true" aria-labelledby="fc-title" aria-describedby="fc-text">
        <header className="modal-head"><h2 id="fc-title">{title}</h2></header>
        <p id="fc-text">{text}</p>
        <div className="buttons">
          <button type="button" className="danger" onClick={onYes} autoFocus>{action}</button>
          <button type="button" className="ghost" onClick={onClose}>{w('cancel')}</button>
        </div>
      </section>
    </div>
  );
}
