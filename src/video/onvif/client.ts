/**
 * What adding an ONVIF camera needs from it: who it is (GetDeviceInformation), where its media and PTZ services are
 * (GetCapabilities), its media profiles (GetProfiles: encoder, resolution, frame rate, PTZ) with each profile's RTSP
 * URI (GetStreamUri, RTP over RTSP), and the PTZ presets of the profiles that have PTZ (GetPresets). Every request
 * carries the WS-UsernameToken digest. Written here (SOAP over fetch and a small XML reader) rather than with the
 * `onvif` npm package: four requests and one multicast probe, typed, with the service addresses the camera gives
 * checked by the caller (`checkUrl`: the camera networks) before they are called.
 */
import { ArgusError } from '../../core/errors.js';
import { soapCall, type OnvifCredentials } from './soap.js';
import { childrenNamed, escapeXml, find, findAll, textOf, type XmlElement } from './xml.js';

export interface OnvifDeviceInfo {
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly firmware: string | null;
  readonly serial: string | null;
}

export interface OnvifProfile {
  readonly token: string;
  readonly name: string;
  /** H264, H265, JPEG… (null when the profile has no video encoder). */
  readonly encoding: string | null;
  readonly width: number | null;
  readonly height: number | null;
  readonly fps: number | null;
  /** RTSP URI of the profile's stream, as the camera gives it (without credentials), or null when it gave none. */
  readonly streamUri: string | null;
  readonly ptz: boolean;
}

export interface OnvifPreset {
  readonly profileToken: string;
  readonly token: string;
  readonly name: string;
}

export interface OnvifProbe {
  readonly deviceUrl: string;
  readonly info: OnvifDeviceInfo;
  readonly profiles: readonly OnvifProfile[];
  readonly presets: readonly OnvifPreset[];
}

export interface ProbeOptions {
  readonly timeoutMs?: number;
  /** Called with every URL before it is requested (the device URL and the service addresses it answers): throws to refuse. */
  readonly checkUrl?: (url: string) => Promise<void>;
}

const num = (s: string | undefined): number | null => (s !== undefined && s !== '' && Number.isFinite(Number(s)) ? Number(s) : null);

export function parseProfiles(body: XmlElement): Array<Omit<OnvifProfile, 'streamUri'>> {
  return findAll(find(body, 'GetProfilesResponse'), 'Profiles').map((p) => {
    const enc = childrenNamed(p, 'VideoEncoderConfiguration')[0];
    return {
      token: p.attrs['token'] ?? '',
      name: textOf(p, 'Name') ?? p.attrs['token'] ?? '',
      encoding: textOf(enc, 'Encoding') ?? null,
      width: num(textOf(enc, 'Resolution', 'Width')),
      height: num(textOf(enc, 'Resolution', 'Height')),
      fps: num(textOf(enc, 'RateControl', 'FrameRateLimit')),
      ptz: childrenNamed(p, 'PTZConfiguration').length > 0,
    };
  }).filter((p) => p.token !== '');
}

export async function probeOnvif(deviceUrl: string, credentials: OnvifCredentials, o: ProbeOptions = {}): Promise<OnvifProbe> {
  const call = async (url: string, body: string): Promise<XmlElement> => {
    await o.checkUrl?.(url);
    return soapCall(url, body, { credentials, ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}) });
  };
  const infoBody = await call(deviceUrl, '<tds:GetDeviceInformation/>');
  const r = find(infoBody, 'GetDeviceInformationResponse');
  const info: OnvifDeviceInfo = { manufacturer: textOf(r, 'Manufacturer') ?? null, model: textOf(r, 'Model') ?? null, firmware: textOf(r, 'FirmwareVersion') ?? null, serial: textOf(r, 'SerialNumber') ?? null };
  const caps = await call(deviceUrl, '<tds:GetCapabilities><tds:Category>All</tds:Category></tds:GetCapabilities>');
  const mediaUrl = textOf(caps, 'Capabilities', 'Media', 'XAddr');
  const ptzUrl = textOf(caps, 'Capabilities', 'PTZ', 'XAddr');
  if (!mediaUrl) throw new ArgusError('source_refused', 'the camera has no media service (GetCapabilities gave no Media XAddr): it cannot stream over ONVIF');
  const bare = parseProfiles(await call(mediaUrl, '<trt:GetProfiles/>'));
  const profiles: OnvifProfile[] = [];
  for (const p of bare) {
    const body = await call(mediaUrl, `<trt:GetStreamUri><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream><tt:Transport><tt:Protocol>RTSP</tt:Protocol></tt:Transport></trt:StreamSetup><trt:ProfileToken>${escapeXml(p.token)}</trt:ProfileToken></trt:GetStreamUri>`);
    const uri = textOf(body, 'GetStreamUriResponse', 'MediaUri', 'Uri');
    profiles.push({ ...p, streamUri: uri && /^rtsps?:\/\//i.test(uri) ? uri : null });
  }
  const presets: OnvifPreset[] = [];
  if (ptzUrl) {
    for (const p of profiles.filter((x) => x.ptz)) {
      const body = await call(ptzUrl, `<tptz:GetPresets><tptz:ProfileToken>${escapeXml(p.token)}</tptz:ProfileToken></tptz:GetPresets>`);
      for (const pr of findAll(find(body, 'GetPresetsResponse'), 'Preset')) {
        const token = pr.attrs['token'];
        if (token) presets.push({ profileToken: p.token, token, name: textOf(pr, 'Name') ?? token });
      }
    }
  }
  return { deviceUrl, info, profiles, presets };
}
