/**
 * Cameras found on the network (admin: `cameras.write`, audited): POST /api/onvif/discover sends a WS-Discovery
 * probe and lists the ONVIF devices that answer; POST /api/onvif/probe reads one device's profiles, stream URIs and
 * PTZ presets with its user name and password. Every URL requested on the admin's behalf — the device service and
 * the service addresses the device answers with — must lie in `server.cameraNetworks` (CameraSourcePolicy). The
 * password is neither returned nor audited. Adding the camera is then the usual POST /api/cameras with the chosen
 * profile's source (sourceWithCredentials), so it is checked, stored, redacted and audited like any other camera.
 */
import { isIP } from 'node:net';
import { isArgusError } from '../../core/errors.js';
import { onvifDevices, onvifDiscoverBody, onvifProbe, onvifProbeBody } from '../../contract/onvif.js';
import { discoverOnvif, type DiscoveryOptions } from '../../video/onvif/discovery.js';
import { probeOnvif } from '../../video/onvif/client.js';
import type { CameraSourcePolicy } from '../camera-source.js';
import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';

export interface OnvifRouteOptions {
  /** Interfaces to probe from (default: every IPv4 interface); tests use 127.0.0.1. */
  readonly interfaces?: readonly string[] | undefined;
  /** Port probed (default 3702). */
  readonly port?: number | undefined;
  /** Time of each SOAP request, ms (default 5000). */
  readonly requestTimeoutMs?: number | undefined;
}

/** `10.0.0.20`, `10.0.0.20:8080` or `[fd00::20]` → its device service URL; a URL is kept (http/https only). */
export function deviceServiceUrl(input: string): string {
  const t = input.trim();
  if (/^https?:\/\//i.test(t)) return t;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) throw new HttpError(400, 'invalid_request', 'url: an http:// or https:// device service URL, or the camera address');
  const host = isIP(t) === 6 ? `[${t}]` : t;
  return `http://${host}/onvif/device_service`;
}

export const onvifRoutes = (sources: CameraSourcePolicy, o: OnvifRouteOptions = {}) => (ctx: ServerContext): void => {
  const r = ctx.router;
  r.add({
    method: 'POST', url: '/api/onvif/discover', tag: 'cameras', permission: 'cameras.write', summary: 'Find ONVIF cameras on the network (WS-Discovery)', body: onvifDiscoverBody,
    response: onvifDevices,
    handler: async ({ req, principal, body }) => {
      const opts: DiscoveryOptions = { timeoutMs: body.timeoutMs, interfaces: o.interfaces, port: o.port };
      const found = await discoverOnvif(opts);
      const items = await Promise.all(found.map(async (d) => ({
        endpoint: d.endpoint, xaddrs: [...d.xaddrs], name: d.name, hardware: d.hardware, location: d.location, address: d.address,
        allowed: await sources.check(d.xaddrs[0] ?? '').then(() => true, () => false),
      })));
      await ctx.audit(req, principal, 'onvif.discover', null, { found: items.length });
      return { items };
    },
  });
  r.add({
    method: 'POST', url: '/api/onvif/probe', tag: 'cameras', permission: 'cameras.write', summary: "Read an ONVIF camera's profiles, stream URIs and PTZ presets", body: onvifProbeBody,
    response: onvifProbe,
    handler: async ({ req, principal, body }) => {
      const url = deviceServiceUrl(body.url);
      // A device outside the camera networks (or a name that does not resolve) is refused before anything is sent or
      // written: a refusal changes nothing. The addresses the camera itself hands back are checked during the probe.
      await sources.check(url);
      try {
        const probe = await probeOnvif(url, { username: body.username, password: body.password }, {
          checkUrl: (u) => sources.check(u), ...(o.requestTimeoutMs !== undefined ? { timeoutMs: o.requestTimeoutMs } : {}),
        });
        await ctx.audit(req, principal, 'onvif.probe', url, { cameraUser: body.username, profiles: probe.profiles.length, presets: probe.presets.length, ok: true });
        return { ...probe, profiles: [...probe.profiles], presets: [...probe.presets] };
      } catch (e) {
        await ctx.audit(req, principal, 'onvif.probe', url, { cameraUser: body.username, ok: false, error: (e as Error).message.slice(0, 200) });
        // What the camera answered is the admin's to read (a 5xx ArgusError would hide it); never 401, which means "sign in to Argus".
        if (isArgusError(e) && e.code.startsWith('source_')) throw new HttpError(502, e.code, e.message);
        throw e;
      }
    },
  });
};
