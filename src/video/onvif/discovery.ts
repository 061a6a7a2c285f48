/**
 * WS-Discovery of ONVIF cameras: a Probe for `dn:NetworkVideoTransmitter` sent to 239.255.255.250:3702 from each
 * IPv4 interface (or the ones named), and the ProbeMatches that answer it (unicast, to the probing socket) for
 * `timeoutMs`. A camera answers with its endpoint (urn:uuid), its device service addresses (XAddrs) and scopes
 * (name, hardware, location). UDP may lose a datagram: the Probe is sent twice.
 */
import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { childrenNamed, find, findAll, parseXml, textOf } from './xml.js';

export const WS_DISCOVERY_ADDRESS = '239.255.255.250';
export const WS_DISCOVERY_PORT = 3702;

export interface DiscoveredDevice {
  /** The device's endpoint reference (urn:uuid:…): stable across its address changes. */
  readonly endpoint: string;
  /** Device service URLs (http://…/onvif/device_service). */
  readonly xaddrs: readonly string[];
  readonly scopes: readonly string[];
  /** From the scopes (onvif://www.onvif.org/name/…, /hardware/…, /location/…), decoded. */
  readonly name: string | null;
  readonly hardware: string | null;
  readonly location: string | null;
  /** The address the answer came from. */
  readonly address: string;
}

export interface DiscoveryOptions {
  /** IPv4 addresses of the interfaces to probe from (default: every non-internal IPv4 interface). */
  readonly interfaces?: readonly string[] | undefined;
  /** How long to collect answers (default 3000 ms). */
  readonly timeoutMs?: number | undefined;
  /** The port probed (default 3702). */
  readonly port?: number | undefined;
}

export function probeMessage(messageId: string): string {
  return '<?xml version="1.0" encoding="UTF-8"?>' +
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
    'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><s:Header>' +
    '<a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>' +
    `<a:MessageID>${messageId}</a:MessageID>` +
    '<a:ReplyTo><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>' +
    '<a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header>' +
    '<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>';
}

function scopeValue(scopes: readonly string[], kind: string): string | null {
  const prefix = `onvif://www.onvif.org/${kind}/`;
  const s = scopes.find((x) => x.startsWith(prefix));
  if (!s) return null;
  try {
    return decodeURIComponent(s.slice(prefix.length)).replace(/_/g, ' ');
  } catch {
    return s.slice(prefix.length);
  }
}

/** The devices of one ProbeMatches message answering `messageId` (others: none). */
export function parseProbeMatches(xml: string, messageId: string, address: string): DiscoveredDevice[] {
  let doc;
  try {
    doc = parseXml(xml);
  } catch {
    return [];
  }
  if (textOf(doc, 'Header', 'RelatesTo') !== messageId) return [];
  return findAll(find(doc, 'Body', 'ProbeMatches'), 'ProbeMatch').flatMap((m) => {
    const endpoint = textOf(m, 'EndpointReference', 'Address');
    const xaddrs = (childrenNamed(m, 'XAddrs')[0]?.text ?? '').split(/\s+/).filter((u) => /^https?:\/\//i.test(u));
    if (!endpoint || xaddrs.length === 0) return [];
    const scopes = (childrenNamed(m, 'Scopes')[0]?.text ?? '').split(/\s+/).filter((s) => s !== '');
    return [{ endpoint, xaddrs, scopes, name: scopeValue(scopes, 'name'), hardware: scopeValue(scopes, 'hardware'), location: scopeValue(scopes, 'location'), address }];
  });
}

const defaultInterfaces = (): string[] =>
  Object.values(networkInterfaces()).flatMap((list) => (list ?? []).filter((i) => i.family === 'IPv4' && !i.internal).map((i) => i.address));

/** Probes and collects the answers; every device once (by endpoint), in the order they answered. */
export async function discoverOnvif(o: DiscoveryOptions = {}): Promise<DiscoveredDevice[]> {
  const interfaces = o.interfaces ?? defaultInterfaces();
  const found = new Map<string, DiscoveredDevice>();
  const messageId = `urn:uuid:${randomUUID()}`;
  const msg = Buffer.from(probeMessage(messageId));
  const port = o.port ?? WS_DISCOVERY_PORT;
  const sockets: Socket[] = [];
  const open = (iface: string | undefined): Promise<void> =>
    new Promise((resolve) => {
      const sock = createSocket({ type: 'udp4' });
      sockets.push(sock);
      sock.on('error', () => resolve());
      sock.on('message', (data, rinfo) => {
        for (const d of parseProbeMatches(data.toString('utf8'), messageId, rinfo.address)) if (!found.has(d.endpoint)) found.set(d.endpoint, d);
      });
      sock.bind({ port: 0, ...(iface ? { address: iface } : {}) }, () => {
        try {
          if (iface) sock.setMulticastInterface(iface);
          sock.setMulticastTTL(1);
        } catch {
          // an interface without multicast: the send below fails and nothing is found there
        }
        const send = (): void => {
          try {
            sock.send(msg, port, WS_DISCOVERY_ADDRESS, () => undefined);
          } catch {
            // the socket closed already (a short timeout): the second probe is not needed
          }
        };
        send();
        setTimeout(send, 250).unref();
        resolve();
      });
    });
  await Promise.all((interfaces.length > 0 ? interfaces : [undefined]).map(open));
  await new Promise((r) => setTimeout(r, o.timeoutMs ?? 3000));
  for (const s of sockets) s.close();
  return [...found.values()];
}
