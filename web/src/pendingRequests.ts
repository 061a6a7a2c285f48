/**
 * How many sharing requests wait for this officer's decision: the badge on the "Yêu cầu chia sẻ" menu item, so an
 * approver sees a partner agency's request without opening the page. Only for holders of `requests.approve`; the
 * pending ones (`?status=pending`) are asked for every minute, whenever the page changes, and whenever the requests page loads its list (a
 * decision made there shows at once: REQUESTS_CHANGED).
 */
import { useEffect, useState } from 'react';
import type { ShareRequest } from '@contract';
import { get } from './api';

const EVERY_MS = 60_000;
/** Fired on `window` by the requests page after it loaded the list. */
export const REQUESTS_CHANGED = 'argus-requests-changed';

export function usePendingRequests(mayApprove: boolean, page: string): number {
  const [pending, setPending] = useState(0);
  useEffect(() => {
    if (!mayApprove) {
      setPending(0);
      return undefined;
    }
    let alive = true;
    const load = (): void => {
      get<{ items: ShareRequest[] }>('/api/requests?status=pending')
        .then((r) => { if (alive) setPending(r.items.length); })
        .catch(() => undefined); // the badge is a hint: the page itself says what went wrong
    };
    load();
    const t = setInterval(load, EVERY_MS);
    addEventListener(REQUESTS_CHANGED, load);
    return () => {
      alive = false;
      clearInterval(t);
      removeEventListener(REQUESTS_CHANGED, load);
    };
  }, [mayApprove, page]);
  return pending;
}
