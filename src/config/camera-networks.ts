import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * The networks a camera added or edited through the API may be on (`server.cameraNetworks` in the site config).
 * Sources written in the config file itself are not held to it: whoever writes that file runs the machine.
 */

export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

/** `10.0.0.0/8`, `fc00::/7`, or one address (`192.168.1.20` = /32, `::1` = /128); null when it is neither. */
export function parseCidr(text: string): Cidr | null {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return null;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  return prefix <= max ? { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' } : null;
}

/** Private networks (RFC 1918) and IPv6 unique-local addresses: where a province's cameras are. No loopback. */
export const DEFAULT_CAMERA_NETWORKS: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'];

export const cameraNetworksSchema = z
  .array(z.string().refine((s) => parseCidr(s) !== null, { message: 'must be an IPv4/IPv6 address or CIDR block, e.g. 10.20.0.0/16' }))
  .max(1000)
  .default([...DEFAULT_CAMERA_NETWORKS])
  .describe(
    'Networks (CIDR blocks or addresses) that a camera source set through the API (add or edit a camera) may point at; a host name must resolve only into them. ' +
      'Default: the private networks 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 and fc00::/7. Add 127.0.0.1/32 for a restreamer on this machine. ' +
      'Link-local addresses (169.254.0.0/16 and fe80::/10, where cloud metadata services answer), 0.0.0.0/8, multicast and known metadata addresses are refused whatever this says. ' +
      'Through the API only rtsp://, rtsps://, http:// and https:// sources are accepted; file sources come only from this file',
  );
