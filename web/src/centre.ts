/**
 * The user's monitoring centre (`GET /api/centres/mine`): its shared wall layouts and alert filters, and which one this
 * user last picked (remembered in this browser, per user and centre). A user of no centre gets `centre: null`: the
 * wall then keeps its layout in this browser only.
 */
import type { MyCentre } from '@contract';
import { useCallback, useEffect, useState } from 'react';
import { get } from './api';

export type { AlertFilter, MyCentre, WallLayout } from '@contract';

/** The centre as last fetched (null until then), and a reload after a change. */
export function useMyCentre(): { mine: MyCentre | null; reload: () => void } {
  const [mine, setMine] = useState<MyCentre | null>(null);
  const reload = useCallback(() => {
    get<MyCentre>('/api/centres/mine').then(setMine).catch((e: unknown) => {
      console.warn(e);
      setMine({ centre: null, canEdit: false, layouts: [], filters: [] });
    });
  }, []);
  useEffect(reload, [reload]);
  return { mine, reload };
}

const pickKey = (what: 'layout' | 'filter', username: string, centreId: string): string => `argus.centre.${what}.${username}.${centreId}`;

/** The id of the view this user last picked in this centre ('' = none). */
export function loadPick(what: 'layout' | 'filter', username: string, centreId: string): string {
  return localStorage.getItem(pickKey(what, username, centreId)) ?? '';
}

export function savePick(what: 'layout' | 'filter', username: string, centreId: string, id: string): void {
  localStorage.setItem(pickKey(what, username, centreId), id);
}
