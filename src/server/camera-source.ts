/**
 * Camera sources set through the API (add or edit a camera): ffmpeg opens them for snapshots, live view, analysis
 * and recording, so a source is a request the service makes on the admin's behalf. Only rtsp://, rtsps://, http://
 * and https:// are accepted, on a host whose every address lies in `server.cameraNetworks` (a host name is
 * resolved and each address checked), never link-local (cloud metadata at 169.254.169.254) or other addresses
 * that are never a camera. File sources (a path, file:, concat:, subfile:, …) come only from the config file.
 *
 * The URL grammar is strict so that Node and ffmpeg read the same host: ffmpeg takes the host after the last `@`
 * before the first of `/?#`; a second `@`, a backslash, a space, a control character or `%` in the host is refused.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { DEFAULT_CAMERA_NETWORKS, parseCidr } from '../config/camera-networks.js';
import { HttpError } from './errors.js';

/** Schemes a camera source set through the API may have. rtmp/srt are not camera pull protocols Argus supports. */
export const API_SOURCE_SCHEMES = ['rtsp', 'rtsps', 'http', 'https'] as const;

/**
 * Never a camera, whatever `cameraNetworks` says: link-local (cloud metadata services, fe80::), "this host" (0.0.0.0
 * reaches loopback on Linux), multicast and broadcast, the AWS IPv6 metadata address (inside fc00::/7) and
 * Alibaba Cloud's metadata address.
 */
export const NEVER_CAMERA_NETWORKS: readonly string[] = [
  '169.254.0.0/16', 'fe80::/10', '0.0.0.0/8', '::/128', '224.0.0.0/4', '255.255.255.255/32', 'ff00::/8', 'fd00:ec2::254/128', '100.100.100.200/32',
];

const URL_GRAMMAR = /^(rtsps?|https?):\/\/(?:([^@/?#\\]*)@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(?:[/?#][^\\]*)?$/i;

const refuse = (why: string): HttpError => new HttpError(400, 'source_not_allowed', `source: ${why}`);

function blockList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const text of cidrs) {
    const c = parseCidr(text);
    if (!c) throw new TypeError(`not a network: ${text}`); // the config schema has checked them already
    list.addSubnet(c.address, c.prefix, c.family);
  }
  return list;
}

export interface CameraSourcePolicyOptions {
  /** Allowed networks (default: the private ones, DEFAULT_CAMERA_NETWORKS). */
  readonly networks?: readonly string[];
  /** Longest wait for a host name to resolve (default 3 s). */
  readonly resolveTimeoutMs?: number;
}

/** The rule for camera sources set through the API, built once from the config. */
export class CameraSourcePolicy {
  private readonly allowed: BlockList;
  private readonly never = blockList(NEVER_CAMERA_NETWORKS);
  readonly networks: readonly string[];

  constructor(private readonly opts: CameraSourcePolicyOptions = {}) {
    this.networks = opts.networks ?? DEFAULT_CAMERA_NETWORKS;
    this.allowed = blockList(this.networks);
  }

  /** Throws a 400 `source_not_allowed` naming the problem, or resolves when the source may be used. */
  async check(source: string): Promise<void> {
    const host = this.hostOf(source);
    const addresses = isIP(host) !== 0 ? [host] : await this.resolve(host);
    for (const a of addresses) this.checkAddress(host, a);
  }

  /**
   * The same rule without resolving host names (a camera already stored, checked at start or on an edit that keeps
   * its source): a file source, another scheme or an address literal outside the networks is refused.
   */
  checkStored(source: string): void {
    const host = this.hostOf(source);
    if (isIP(host) !== 0) this.checkAddress(host, host);
  }

  /** The host of an allowed URL (without brackets), or a 400 saying why the source is refused. */
  private hostOf(source: string): string {
    if (/[\s\u0000-\u001f\u007f]/.test(source)) throw refuse('spaces and control characters are not allowed');
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(source)?.[1];
    if (scheme === undefined || scheme.length === 1) throw refuse('file sources can be set only in the config file, not through the API: use an rtsp://, rtsps://, http:// or https:// camera URL');
    if (!(API_SOURCE_SCHEMES as readonly string[]).includes(scheme.toLowerCase())) {
      throw refuse(`the scheme "${scheme.toLowerCase()}:" is not allowed: use rtsp://, rtsps://, http:// or https://${scheme.toLowerCase() === 'file' ? ' (file sources only in the config file)' : ''}`);
    }
    const m = URL_GRAMMAR.exec(source);
    if (!m) throw refuse('not a plain camera URL (scheme://[user:password@]host[:port]/path; one "@", no backslash, no "%" in the host)');
    const port = m[4] === undefined ? undefined : Number(m[4]);
    if (port !== undefined && (port < 1 || port > 65535)) throw refuse(`port ${m[4]} is out of range`);
    const host = m[3]!.startsWith('[') ? m[3]!.slice(1, -1) : m[3]!;
    if (m[3]!.startsWith('[') && isIP(host) !== 6) throw refuse(`"${m[3]}" is not an IPv6 address`);
    if (host === '' || host.startsWith('.') || host.includes('..')) throw refuse(`"${host}" is not a host name`);
    return host;
  }

  private async resolve(host: string): Promise<string[]> {
    const ms = this.opts.resolveTimeoutMs ?? 3000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(refuse(`the host "${host}" did not resolve within ${ms} ms: use the camera's address`)), ms);
    });
    try {
      const found = await Promise.race([lookup(host, { all: true, verbatim: true }), timeout]);
      if (found.length === 0) throw refuse(`the host "${host}" has no address`);
      return found.map((a) => a.address);
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw refuse(`the host "${host}" does not resolve (${(e as NodeJS.ErrnoException).code ?? 'error'}): use the camera's address`);
    } finally {
      clearTimeout(timer);
    }
  }

  private checkAddress(host: string, address: string): void {
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    const shown = host === address ? address : `"${host}" (${address})`;
    if (this.never.check(address, family)) throw refuse(`${shown} is a link-local, metadata, multicast or unspecified address, never a camera`);
    if (!this.allowed.check(address, family)) throw refuse(`${shown} is outside the camera networks (server.cameraNetworks: ${this.networks.join(', ')})`);
  }
}
