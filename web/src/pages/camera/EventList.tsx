/**
 * Recent events of one camera: the stored ones, then new ones from the live push. An event shows a picture when
 * the API serves one for it — a violation's evidence composite (for who may read violations; each fetch is an
 * audited evidence export), or a `cropUrl`/`thumbnailUrl` the event carries — else the icon of its kind.
 * On a busy road the line crossings come every second and would push a violation off the list in moments (the
 * counts chart shows them anyway): a filter picks what to list, and it is kept per browser.
 */
import { useEffect, useState } from 'react';
import { get, type EventRow } from '../../api';
import { fromRow, type EventItem } from '../../events';
import { defineDict, useDict, useI18n } from '../../i18n';
import { classOf } from './classes';

const WORDS = defineDict({
  vi: { title: 'Sự kiện gần đây', none: 'Chưa có sự kiện nào của camera này', failed: 'Không tải được sự kiện', evidence: 'Có gói chứng cứ', in: 'chiều vào', out: 'chiều ra', review: 'Xem vi phạm' },
  en: { title: 'Recent events', none: 'No events from this camera yet', failed: 'Events could not be loaded', evidence: 'Evidence package kept', in: 'inbound', out: 'outbound', review: 'Review violation' },
});

const FILTER_WORDS = defineDict({
  vi: { label: 'Lọc sự kiện', all: 'Tất cả', notable: 'Vi phạm và cảnh báo', plates: 'Biển số', crossings: 'Lượt qua vạch', zones: 'Vào/ra vùng' },
  en: { label: 'Filter events', all: 'All', notable: 'Violations and alerts', plates: 'Plates', crossings: 'Line crossings', zones: 'Zone entries/exits' },
});

/** What the list can be narrowed to: the kinds each choice asks the API for (none: every kind). */
export const EVENT_FILTERS = {
  all: null,
  notable: ['violation', 'alert', 'section_speed'],
  plates: ['plate.read'],
  crossings: ['line.cross'],
  zones: ['zone.enter', 'zone.exit'],
} as const satisfies Record<string, readonly string[] | null>;
export type EventFilter = keyof typeof EVENT_FILTERS;
const FILTER_KEY = 'argus.camera.events.filter';

function savedFilter(): EventFilter {
  try {
    const v = localStorage.getItem(FILTER_KEY);
    return v !== null && v in EVENT_FILTERS ? (v as EventFilter) : 'all';
  } catch {
    return 'all';
  }
}

const ICONS: Record<string, string> = {
  'line.cross': '⇅', 'plate.read': '▭', violation: '⚠', alert: '!', 'zone.enter': '→', 'zone.exit': '←', section_speed: '≫',
};
const SHOWN = 15;

/**
 * The picture of an event when the API serves one. A violation event's id is its violation's id, and its signed
 * package is stored as evidence `<id>-pkg` (src/server/ingest.ts). Pure.
 */
export function eventThumb(e: EventItem, mayReadViolations: boolean): string | null {
  for (const k of ['cropUrl', 'thumbnailUrl']) {
    const v = e.fields[k];
    if (typeof v === 'string' && v.startsWith('/api/')) return v;
  }
  if (e.kind === 'violation' && mayReadViolations && typeof e.fields['evidence'] === 'object' && e.fields['evidence'] !== null) {
    const id = encodeURIComponent(e.id);
    return `/api/violations/${id}/evidence/${id}-pkg/files/composite.jpg`;
  }
  return null;
}

/** The event's picture, or its kind's icon when there is none or it cannot be loaded. */
function Thumb({ url, kind, label }: { url: string | null; kind: string; label: string }) {
  const [failed, setFailed] = useState(false);
  if (!url || failed) return <span className="kind-icon" aria-hidden="true">{ICONS[kind] ?? '•'}</span>;
  return <img src={url} alt={label} width={64} height={36} loading="lazy" onError={() => setFailed(true)} data-testid="event-thumb" />;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function EventList({ cameraId, live, mayReadViolations }: { cameraId: string; live: EventItem[]; mayReadViolations: boolean }) {
  const w = useDict(WORDS);
  const { fmtTime, kind, cls: cw } = useI18n();
  const [stored, setStored] = useState<EventItem[] | null>(null);
  const [failed, setFailed] = useState(false);
  const fw = useDict(FILTER_WORDS);
  const [filter, setFilter] = useState<EventFilter>(savedFilter);
  const kinds: readonly string[] | null = EVENT_FILTERS[filter];
  useEffect(() => {
    setStored(null);
    setFailed(false);
    const only = kinds ? `&kinds=${encodeURIComponent(kinds.join(','))}` : '';
    get<{ items: EventRow[] }>(`/api/events?cameras=${encodeURIComponent(cameraId)}&limit=${SHOWN}${only}`)
      .then((r) => setStored(r.items.map(fromRow)))
      .catch((e: unknown) => {
        console.warn('events', e);
        setFailed(true);
      });
  }, [cameraId, kinds]);
  const choose = (f: EventFilter): void => {
    setFilter(f);
    try {
      localStorage.setItem(FILTER_KEY, f);
    } catch {
      /* private mode: the choice lasts this page */
    }
  };
  const rows = [...live.filter((e) => e.cameraId === cameraId && (kinds === null || kinds.includes(e.kind))), ...(stored ?? [])]
    .filter((e, i, a) => a.findIndex((x) => x.id === e.id) === i)
    .sort((a, b) => b.atMs - a.atMs)
    .slice(0, SHOWN);

  const detail = (e: EventItem): string => {
    const p = e.fields;
    const read = p['read'] as { display?: unknown } | undefined;
    const parts = [
      str(p['violation']) ? kind(str(p['violation'])!) : str(p['alert']) ? kind(str(p['alert'])!) : null,
      str(read?.display) ?? str(p['plate']),
      str(p['cls']) ? cw(classOf(str(p['cls'])!)) : null,
      p['direction'] === 'pos' ? w('in') : p['direction'] === 'neg' ? w('out') : null,
    ];
    return parts.filter((x): x is string => x !== null).join(' · ');
  };
  return (
    <section className="card events-card" aria-labelledby="events-title">
      <div className="card-head">
        <h2 id="events-title">{w('title')}</h2>
        <select aria-label={fw('label')} value={filter} onChange={(ev) => choose(ev.target.value as EventFilter)} data-testid="camera-events-filter">
          {(Object.keys(EVENT_FILTERS) as EventFilter[]).map((f) => <option key={f} value={f}>{fw(f)}</option>)}
        </select>
      </div>
      {failed && <p className="error" role="alert">{w('failed')}</p>}
      {stored !== null && rows.length === 0 && <p className="muted">{w('none')}</p>}
      <ul className="event-list" data-testid="camera-events" aria-live="polite">
        {rows.map((e) => {
          const hasEvidence = typeof e.fields['evidence'] === 'object' && e.fields['evidence'] !== null;
          return (
            <li key={e.id}>
              <Thumb url={eventThumb(e, mayReadViolations)} kind={e.kind} label={`${kind(e.kind)} ${detail(e)}`} />
              <div>
                <b>{kind(e.kind)}</b> <span className="muted">{detail(e)}</span>
                {hasEvidence && <span className="pill">{w('evidence')}</span>}
                {e.kind === 'violation' && <> <a href="#/violations">{w('review')}</a></>}
                <br /><time dateTime={new Date(e.atMs).toISOString()}>{fmtTime(e.atMs)}</time>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
