/**
 * The scaled mode's camera directory: the `argus_cameras` KV the workers watch. A camera added or edited through
 * the API is put there as a CameraSpec (its config and its site), a removed one is deleted: the worker that runs it
 * (or the one that claims it) sees the change within the watch's latency, no restart. At start, every camera of the
 * store is written, and keys of cameras the store no longer has are deleted.
 */
import type { KV } from '@nats-io/kv';
import type { CameraConfig, SiteConfig } from '../../config/schema.js';
import { ArgusError, errorMessage } from '../../core/errors.js';
import type { CameraSpec } from '../../pipeline/worker/protocol.js';
import type { SiteRecord, Store } from '../../store/store.js';
import type { CameraDirectory } from '../camera-directory.js';
import { recordToCamera } from '../cameras.js';

/** A stored site as the workers need it (time zone, plate provinces). */
export function siteConfigOf(s: SiteRecord): SiteConfig {
  return { id: s.id, name: s.name, timezone: s.timeZone, ...(s.provinces && s.provinces.length > 0 ? { provinces: [...s.provinces] } : {}) };
}

export class KvCameraDirectory implements CameraDirectory {
  constructor(
    private readonly kv: KV,
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  async add(config: CameraConfig): Promise<void> {
    const site = await this.store.getSite(config.site);
    const spec: CameraSpec = { config, site: site ? siteConfigOf(site) : null, updatedAtMs: this.now() };
    await this.io(config.id, 'write', () => this.kv.put(config.id, JSON.stringify(spec)));
  }

  update(config: CameraConfig): Promise<void> {
    return this.add(config);
  }

  async remove(id: string): Promise<boolean> {
    const had = await this.io(id, 'read', () => this.kv.get(id));
    if (!had || had.operation !== 'PUT') return false;
    await this.io(id, 'delete', () => this.kv.delete(id));
    return true;
  }

  /** Every camera of the store into the KV, and no other; the ids that could not be written (an invalid stored camera). */
  async syncAll(skip: (id: string) => boolean = () => false): Promise<{ written: number; failed: string[] }> {
    const failed: string[] = [];
    const ids = new Set<string>();
    let written = 0;
    for (const rec of await this.store.listCameras()) {
      if (skip(rec.id)) continue;
      ids.add(rec.id);
      try {
        await this.add(recordToCamera(rec));
        written++;
      } catch (e) {
        failed.push(`${rec.id}: ${errorMessage(e)}`);
      }
    }
    const keys: string[] = [];
    for await (const k of await this.io('*', 'list', () => this.kv.keys())) keys.push(k);
    for (const k of keys) if (!ids.has(k)) await this.io(k, 'delete', () => this.kv.delete(k));
    return { written, failed };
  }

  private async io<T>(key: string, what: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (e) {
      throw new ArgusError('unavailable', `camera directory (NATS KV): cannot ${what} ${key}: ${errorMessage(e)}`, { cause: e });
    }
  }
}
