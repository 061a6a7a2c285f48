/**
 * A simulated ONVIF camera for tests, written from the ONVIF and WS-Discovery specs without Argus's own XML or SOAP
 * code: an HTTP SOAP responder (device, media and PTZ services) that checks the WS-UsernameToken digest of every
 * request (SHA-1 of nonce + created + password, as the spec says) and answers NotAuthorized otherwise, and a
 * WS-Discovery responder that joins 239.255.255.250 on loopback and answers a Probe for NetworkVideoTransmitter
 * with a ProbeMatch (unicast to the prober, RelatesTo its MessageID). Its answers use other namespace prefixes
 * than the client's, as real cameras do.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimProfile {
  readonly token: string;
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly streamUri: string;
  readonly ptz: boolean;
}

export interface SimDeviceOptions {
  readonly username: string;
  readonly password: string;
  readonly profiles: readonly SimProfile[];
  readonly presets: ReadonlyArray<{ readonly token: string; readonly name: string }>;
  readonly name: string;
  /** Join the discovery group on this interface (default 127.0.0.1). */
  readonly interface?: string;
}

export interface SimDevice {
  readonly endpoint: string;
  readonly deviceUrl: string;
  /** SOAP actions received, in order, with whether their credentials were good. */
  readonly requests: Array<{ action: string; authorised: boolean }>;
  /** Probes answered. */
  probes: number;
  close(): Promise<void>;
}

const ENV_OPEN = '<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" ' +
  'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" xmlns:tptz="http://www.onvif.org/ver20/ptz/wsdl" ' +
  'xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:ter="http://www.onvif.org/ver10/error"><SOAP-ENV:Body>';
const ENV_CLOSE = '</SOAP-ENV:Body></SOAP-ENV:Envelope>';

const tag = (xml: string, name: string): string | undefined => new RegExp(`<(?:\\w+:)?${name}\\b[^>]*>([^<]*)</(?:\\w+:)?${name}>`).exec(xml)?.[1];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Whether the request's UsernameToken proves the password (digest over the nonce's bytes, created, password). */
function authorised(xml: string, o: SimDeviceOptions): boolean {
  const user = tag(xml, 'Username');
  const digest = tag(xml, 'Password');
  const nonce = tag(xml, 'Nonce');
  const created = tag(xml, 'Created');
  if (user === undefined || digest === undefined || nonce === undefined || created === undefined) return false;
  const want = createHash('sha1').update(Buffer.concat([Buffer.from(nonce, 'base64'), Buffer.from(created), Buffer.from(o.password)])).digest('base64');
  return user === o.username && digest === want;
}

function answer(action: string, xml: string, base: string, o: SimDeviceOptions): string | undefined {
  switch (action) {
    case 'GetDeviceInformation':
      return '<tds:GetDeviceInformationResponse><tds:Manufacturer>Argus Test</tds:Manufacturer><tds:Model>SIM-ONVIF-1</tds:Model>' +
        '<tds:FirmwareVersion>1.0.0</tds:FirmwareVersion><tds:SerialNumber>SN0001</tds:SerialNumber><tds:HardwareId>sim</tds:HardwareId></tds:GetDeviceInformationResponse>';
    case 'GetCapabilities':
      return `<tds:GetCapabilitiesResponse><tds:Capabilities><tt:Device><tt:XAddr>${base}/onvif/device_service</tt:XAddr></tt:Device>` +
        `<tt:Media><tt:XAddr>${base}/onvif/media_service</tt:XAddr></tt:Media><tt:PTZ><tt:XAddr>${base}/onvif/ptz_service</tt:XAddr></tt:PTZ></tds:Capabilities></tds:GetCapabilitiesResponse>`;
    case 'GetProfiles':
      return `<trt:GetProfilesResponse>${o.profiles.map((p) => `<trt:Profiles token="${p.token}" fixed="true"><tt:Name>${esc(p.name)}</tt:Name>` +
        `<tt:VideoEncoderConfiguration token="enc-${p.token}"><tt:Name>enc</tt:Name><tt:Encoding>H264</tt:Encoding><tt:Resolution><tt:Width>${p.width}</tt:Width><tt:Height>${p.height}</tt:Height></tt:Resolution>` +
        `<tt:RateControl><tt:FrameRateLimit>${p.fps}</tt:FrameRateLimit><tt:BitrateLimit>2048</tt:BitrateLimit></tt:RateControl></tt:VideoEncoderConfiguration>` +
        `${p.ptz ? '<tt:PTZConfiguration token="ptz0"><tt:Name>ptz</tt:Name></tt:PTZConfiguration>' : ''}</trt:Profiles>`).join('')}</trt:GetProfilesResponse>`;
    case 'GetStreamUri': {
      const p = o.profiles.find((x) => x.token === tag(xml, 'ProfileToken'));
      return p ? `<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>${esc(p.streamUri)}</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>` : undefined;
    }
    case 'GetPresets': {
      const p = o.profiles.find((x) => x.token === tag(xml, 'ProfileToken'));
      if (!p?.ptz) return undefined;
      return `<tptz:GetPresetsResponse>${o.presets.map((pr) => `<tptz:Preset token="${pr.token}"><tt:Name>${esc(pr.name)}</tt:Name></tptz:Preset>`).join('')}</tptz:GetPresetsResponse>`;
    }
    default:
      return undefined;
  }
}

const fault = (sub: string, reason: string): string =>
  `${ENV_OPEN}<SOAP-ENV:Fault><SOAP-ENV:Code><SOAP-ENV:Value>SOAP-ENV:Sender</SOAP-ENV:Value><SOAP-ENV:Subcode><SOAP-ENV:Value>${sub}</SOAP-ENV:Value></SOAP-ENV:Subcode></SOAP-ENV:Code>` +
  `<SOAP-ENV:Reason><SOAP-ENV:Text xml:lang="en">${reason}</SOAP-ENV:Text></SOAP-ENV:Reason></SOAP-ENV:Fault>${ENV_CLOSE}`;

export async function startSimDevice(o: SimDeviceOptions): Promise<SimDevice> {
  const endpoint = `urn:uuid:${randomUUID()}`;
  const requests: SimDevice['requests'] = [];
  const http: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const action = /<(?:\w+:)?Body[^>]*>\s*<(?:\w+:)?(\w+)/.exec(body)?.[1] ?? '';
      const ok = authorised(body, o);
      requests.push({ action, authorised: ok });
      res.setHeader('content-type', 'application/soap+xml; charset=utf-8');
      if (!ok) {
        res.statusCode = 400;
        res.end(fault('ter:NotAuthorized', 'Sender not Authorized'));
        return;
      }
      const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
      const out = answer(action, body, base, o);
      if (out === undefined) {
        res.statusCode = 400;
        res.end(fault('ter:ActionNotSupported', `${action} is not supported`));
        return;
      }
      res.end(`${ENV_OPEN}${out}${ENV_CLOSE}`);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const device: SimDevice = { endpoint, deviceUrl: `${base}/onvif/device_service`, requests, probes: 0, close: async () => undefined };

  const udp: Socket = createSocket({ type: 'udp4', reuseAddr: true });
  udp.on('message', (msg, rinfo) => {
    const xml = msg.toString('utf8');
    const id = tag(xml, 'MessageID');
    if (!/<(?:\w+:)?Probe\b/.test(xml) || !id || !/NetworkVideoTransmitter/.test(tag(xml, 'Types') ?? '')) return;
    device.probes++;
    const scopes = [`onvif://www.onvif.org/name/${encodeURIComponent(o.name)}`, 'onvif://www.onvif.org/hardware/SIM-ONVIF-1', 'onvif://www.onvif.org/location/city/Da_Nang', 'onvif://www.onvif.org/type/video_encoder'].join(' ');
    const reply = '<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" ' +
      'xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsd="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">' +
      `<env:Header><wsa:MessageID>urn:uuid:${randomUUID()}</wsa:MessageID><wsa:RelatesTo>${id}</wsa:RelatesTo>` +
      '<wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To><wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action></env:Header>' +
      `<env:Body><wsd:ProbeMatches><wsd:ProbeMatch><wsa:EndpointReference><wsa:Address>${endpoint}</wsa:Address></wsa:EndpointReference>` +
      `<wsd:Types>dn:NetworkVideoTransmitter</wsd:Types><wsd:Scopes>${scopes}</wsd:Scopes><wsd:XAddrs>${device.deviceUrl}</wsd:XAddrs><wsd:MetadataVersion>1</wsd:MetadataVersion>` +
      '</wsd:ProbeMatch></wsd:ProbeMatches></env:Body></env:Envelope>';
    udp.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(3702, () => {
      udp.addMembership('239.255.255.250', o.interface ?? '127.0.0.1');
      resolve();
    });
  });
  device.close = async () => {
    udp.close();
    await new Promise((r) => http.close(r));
  };
  return device;
}
