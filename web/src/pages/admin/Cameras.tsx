/**
 * Cameras (admin): the list, and "Add from network (ONVIF)": scan the LAN (WS-Discovery), sign in to a camera to
 * read its streams (profiles) and PTZ presets, choose a stream and add it as a camera. The camera is created by the
 * usual POST /api/cameras with the stream's RTSP URI holding the camera's user name and password (kept like any
 * camera's credentials: in its source, shown masked).
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, get } from '../../api';
import { useDict, useI18n } from '../../i18n';
import type { Camera, CameraKind, OnvifDevice, OnvifProbe, Site } from '@contract';
import { CAMERA_KIND_LABELS, CAMERA_KINDS } from '@contract/labels';
import { sourceWithCredentials } from '@contract/sources';
import { ONVIF_WORDS } from './onvifWords';

export function CamerasTab() {
  const w = useDict(ONVIF_WORDS);
  const [cameras, setCameras] = useState<Camera[] | null>(null);
  const [open, setOpen] = useState(false);
  const [msg, setMsg] = useState('');
  const [error, setError] = useState('');
  const load = useCallback(() => {
    get<{ items: Camera[] }>('/api/cameras').then((r) => setCameras(r.items)).catch((e: unknown) => setError((e as Error).message));
  }, []);
  useEffect(load, [load]);
  return (
    <div className="admin-cameras">
      {msg && <p className="notice" role="status">{msg}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      <div className="buttons">
        <button type="button" className="primary" onClick={() => setOpen(true)}>{w('addFromNetwork')}</button>
      </div>
      {cameras === null ? <p className="muted" aria-busy="true">…</p> : cameras.length === 0 ? <p className="muted">{w('noCameras')}</p> : (
        <table className="grid" data-testid="cameras-table">
          <caption className="sr">{w('cameras')}</caption>
          <thead><tr><th>{w('id')}</th><th>{w('name')}</th><th>{w('site')}</th><th>{w('source')}</th><th>{w('health')}</th></tr></thead>
          <tbody>
            {cameras.map((c) => (
              <tr key={c.id} data-camera={c.id}>
                <td>{c.id}</td><td>{c.name}</td><td>{c.siteId}</td><td className="mono">{c.source}</td><td>{c.status?.health ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open && <OnvifDialog cameras={cameras ?? []} onClose={() => setOpen(false)} onAdded={(c) => { setOpen(false); setMsg(`${w('added')}: ${c.name}`); load(); }} />}
    </div>
  );
}

const hostOf = (url: string): string => /^https?:\/\/([^/]+)/i.exec(url)?.[1] ?? url;
const slug = (s: string): string => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);

/** Where a new camera of a site probably stands: the site's own location, else the middle of its cameras. */
function siteSpot(site: Site | undefined, cameras: readonly Camera[]): { lat: string; lng: string } | null {
  if (!site) return null;
  if (site.location) return { lat: String(site.location.lat), lng: String(site.location.lng) };
  const at = cameras.filter((c) => c.siteId === site.id && c.location).map((c) => c.location!);
  if (at.length === 0) return null;
  const mean = (xs: number[]): string => (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(5);
  return { lat: mean(at.map((p) => p.lat)), lng: mean(at.map((p) => p.lng)) };
}

function OnvifDialog({ cameras, onClose, onAdded }: { cameras: readonly Camera[]; onClose(): void; onAdded(c: Camera): void }) {
  const w = useDict(ONVIF_WORDS);
  const { lang } = useI18n();
  const [devices, setDevices] = useState<OnvifDevice[] | null>(null);
  const [scanning, setScanning] = useState(false);
  const [address, setAddress] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [probe, setProbe] = useState<OnvifProbe | null>(null);
  const [reading, setReading] = useState(false);
  const [token, setToken] = useState('');
  const [sites, setSites] = useState<Site[]>([]);
  const [form, setForm] = useState({ id: '', name: '', site: '', kind: 'security' as CameraKind, lat: '', lng: '' });
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState('');
  const first = useRef<HTMLButtonElement>(null);
  // Once, when the dialog opens (the parent re-renders with new callbacks: the form must not be reset by that).
  const initial = useRef({ cameras, onClose });
  initial.current.onClose = onClose;
  useEffect(() => {
    first.current?.focus();
    get<{ items: Site[] }>('/api/sites').then((r) => {
      setSites(r.items);
      const s = r.items[0];
      const spot = siteSpot(s, initial.current.cameras);
      if (s) setForm((f) => ({ ...f, site: s.id, ...(spot ?? {}) }));
    }).catch(() => undefined);
    const esc = (e: KeyboardEvent) => { if (e.key === 'Escape') initial.current.onClose(); };
    window.addEventListener('keydown', esc);
    return () => window.removeEventListener('keydown', esc);
  }, []);

  const scan = async () => {
    setError(''); setScanning(true);
    try {
      setDevices((await api<{ items: OnvifDevice[] }>('POST', '/api/onvif/discover', { timeoutMs: 2500 })).items);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setScanning(false);
    }
  };
  const pick = (d: OnvifDevice) => {
    setAddress(d.xaddrs[0] ?? d.address);
    if (d.name) setForm((f) => ({ ...f, name: d.name ?? f.name, id: f.id || slug(d.name ?? '') }));
    setProbe(null);
  };
  const read = async (e: FormEvent) => {
    e.preventDefault();
    setError(''); setReading(true); setProbe(null);
    try {
      const p = await api<OnvifProbe>('POST', '/api/onvif/probe', { url: address.trim(), username, password });
      setProbe(p);
      const best = p.profiles.find((x) => x.streamUri !== null);
      setToken(best?.token ?? '');
      setForm((f) => ({ ...f, name: f.name || [p.info.manufacturer, p.info.model].filter(Boolean).join(' '), id: f.id || slug(`${p.info.model ?? 'onvif'}-${hostOf(p.deviceUrl)}`) }));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setReading(false);
    }
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setError('');
    const profile = probe?.profiles.find((p) => p.token === token);
    if (!profile?.streamUri) {
      setError(w('pickProfile'));
      return;
    }
    setAdding(true);
    try {
      const cam = await api<Camera>('POST', '/api/cameras', {
        id: form.id.trim(), name: form.name.trim(), site: form.site, kind: form.kind,
        source: sourceWithCredentials(profile.streamUri, username, password), location: { lat: Number(form.lat), lng: Number(form.lng) },
      });
      onAdded(cam);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setAdding(false);
    }
  };
  const presets = probe?.presets.filter((p) => p.profileToken === token) ?? [];

  return (
    <div className="modal-backdrop" onClick={(e) => { if (e.target === e.currentTarget) onClose(); }}>
      <section className="modal onvif" role="dialog" aria-modal="true" aria-labelledby="onvif-title" data-testid="onvif-dialog">
        <header className="modal-head">
          <h2 id="onvif-title">{w('dialogTitle')}</h2>
          <button type="button" onClick={onClose} aria-label={w('close')}>×</button>
        </header>
        <h3>{w('step1')}</h3>
        <div className="buttons">
          <button ref={first} type="button" onClick={() => void scan()} disabled={scanning} aria-busy={scanning}>{scanning ? w('scanning') : w('scan')}</button>
          {devices && <span className="muted" role="status">{devices.length} {w('found')}</span>}
        </div>
        {devices && devices.length === 0 && <p className="muted">{w('noneFound')}</p>}
        {devices && devices.length > 0 && (
          <ul className="onvif-devices" data-testid="onvif-devices">
            {devices.map((d) => (
              <li key={d.endpoint}>
                <button type="button" onClick={() => pick(d)} disabled={!d.allowed}>{w('choose')}<span className="sr"> {d.name ?? d.address}</span></button>
                <strong>{d.name ?? d.address}</strong> <span className="muted">{d.hardware ?? ''} · {hostOf(d.xaddrs[0] ?? d.address)}{d.location ? ` · ${d.location}` : ''}</span>
                {!d.allowed && <span className="pill rejected">{w('outside')}</span>}
              </li>
            ))}
          </ul>
        )}
        <form className="onvif-login" onSubmit={(e) => void read(e)}>
          <h3>{w('step2')}</h3>
          <label htmlFor="onvif-address">{w('address')}</label>
          <input id="onvif-address" required maxLength={500} value={address} onChange={(e) => setAddress(e.target.value)} placeholder="192.168.1.64" spellCheck={false} />
          <div className="two">
            <span><label htmlFor="onvif-user">{w('username')}</label><input id="onvif-user" autoComplete="off" maxLength={200} value={username} onChange={(e) => setUsername(e.target.value)} /></span>
            <span><label htmlFor="onvif-pass">{w('password')}</label><input id="onvif-pass" type="password" autoComplete="new-password" maxLength={200} value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby="onvif-pass-hint" /></span>
          </div>
          <small id="onvif-pass-hint" className="muted">{w('passwordHint')}</small>
          <button type="submit" disabled={reading} aria-busy={reading}>{reading ? w('reading') : w('read')}</button>
        </form>
        {probe && (
          <form className="onvif-add" onSubmit={(e) => void add(e)}>
            <h3>{w('step3')}</h3>
            <p><span className="muted">{w('device')}:</span> {[probe.info.manufacturer, probe.info.model, probe.info.firmware].filter(Boolean).join(' · ')} <span className="muted">{probe.info.serial ?? ''}</span></p>
            <table className="grid" data-testid="onvif-profiles">
              <caption>{w('profiles')}</caption>
              <thead><tr><th>{w('profile')}</th><th>{w('encoding')}</th><th>{w('resolution')}</th><th>{w('fps')}</th><th>{w('ptz')}</th><th>RTSP</th></tr></thead>
              <tbody>
                {probe.profiles.map((p) => (
                  <tr key={p.token}>
                    <td><label className="check"><input type="radio" name="onvif-profile" value={p.token} checked={token === p.token} disabled={p.streamUri === null} onChange={() => setToken(p.token)} />{p.name}</label></td>
                    <td>{p.encoding ?? '—'}</td><td>{p.width && p.height ? `${p.width}×${p.height}` : '—'}</td><td>{p.fps ?? '—'}</td><td>{p.ptz ? w('yes') : w('no')}</td>
                    <td className="mono">{p.streamUri ?? w('noUri')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted">{w('presets')}: {presets.length === 0 ? w('noPresets') : presets.map((p) => p.name).join(', ')}</p>
            <div className="two">
              <span><label htmlFor="onvif-id">{w('cameraId')}</label><input id="onvif-id" required pattern="[A-Za-z0-9][A-Za-z0-9_\-]*" maxLength={64} value={form.id} onChange={(e) => setForm({ ...form, id: e.target.value })} /></span>
              <span><label htmlFor="onvif-name">{w('cameraName')}</label><input id="onvif-name" required maxLength={200} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} /></span>
              <span><label htmlFor="onvif-site">{w('site')}</label>
                <select id="onvif-site" required value={form.site} onChange={(e) => setForm({ ...form, site: e.target.value, ...(siteSpot(sites.find((x) => x.id === e.target.value), cameras) ?? {}) })}>{sites.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}</select></span>
              <span><label htmlFor="onvif-kind">{w('kind')}</label>
                <select id="onvif-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as CameraKind })}>{CAMERA_KINDS.map((k) => <option key={k} value={k}>{CAMERA_KIND_LABELS[k][lang]}</option>)}</select></span>
              <span><label htmlFor="onvif-lat">{w('lat')}</label><input id="onvif-lat" required type="number" step="any" min={-90} max={90} value={form.lat} onChange={(e) => setForm({ ...form, lat: e.target.value })} /></span>
              <span><label htmlFor="onvif-lng">{w('lng')}</label><input id="onvif-lng" required type="number" step="any" min={-180} max={180} value={form.lng} onChange={(e) => setForm({ ...form, lng: e.target.value })} /></span>
            </div>
            <button type="submit" className="primary" disabled={adding} aria-busy={adding}>{adding ? w('adding') : w('add')}</button>
          </form>
        )}
        {error && <p className="error" role="alert">{error}</p>}
      </section>
    </div>
  );
}
