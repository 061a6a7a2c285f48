/** Where the live and recorded pictures of a camera come from, and when to fetch them. */
import { useEffect, useState } from 'react';

/** The live HLS playlist (the service starts the muxer on the first request). */
export const liveUrl = (cameraId: string): string => `/api/cameras/${encodeURIComponent(cameraId)}/live.m3u8`;

/** True while the tab is shown: refreshing pictures nobody sees only costs the server ffmpeg runs. */
export function usePageVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  useEffect(() => {
    const on = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', on);
    return () => document.removeEventListener('visibilitychange', on);
  }, []);
  return visible;
}

/** `HH:MM` (or `HH:MM:SS`) in the site's time zone. */
export function clock(ms: number, lang: string, seconds = false): string {
  return new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}), hour12: false, timeZone: 'Asia/Ho_Chi_Minh',
  }).format(new Date(ms));
}
