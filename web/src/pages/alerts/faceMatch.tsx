/**
 * A face watch-list match in the alert feed, readable: the person, the list, the similarity against the list's
 * threshold, and a link to the match (both faces, the decision) for those who may see faces. A match served
 * redacted (no faces.view) shows only its kind, as the service sends it.
 */
import type { AlertRow } from '../../api';
import { defineDict, useDict } from '../../i18n';

const WORDS = defineDict({
  vi: { person: 'Người', list: 'danh sách', score: 'độ giống', threshold: 'ngưỡng', open: 'Xem hai khuôn mặt và quyết định' },
  en: { person: 'Person', list: 'list', score: 'similarity', threshold: 'threshold', open: 'See both faces and decide' },
});

const pct = (x: unknown): string => (typeof x === 'number' ? `${(x * 100).toFixed(1)} %` : '–');

export function FaceMatchLine({ a, mayView }: { a: AlertRow; mayView: boolean }) {
  const w = useDict(WORDS);
  if ('redacted' in a) return null;
  const p = (a.payload ?? {}) as Record<string, unknown>;
  if (typeof p['personName'] !== 'string') return null;
  return (
    <div className="face-alert" data-testid="face-alert">
      <b>{p['personName']}</b> · {w('list')} {String(p['listName'] ?? '')} · {w('score')} {pct(p['score'])} ({w('threshold')} {pct(p['threshold'])})
      {mayView && <> · <a href="#/faces/matches">{w('open')}</a></>}
    </div>
  );
}
