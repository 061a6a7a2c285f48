/**
 * Which cameras a district shares: a fixed list of camera ids, or every camera of some sites (also one added later
 * through the API: the camera → site map is read again from the store every few seconds). Synchronous for the ingest
 * path, which asks once per event.
 */
import type { DistrictFederationConfig } from '../../config/federation.js';
import type { Store } from '../../store/store.js';

export class ShareFilter {
  private siteOf = new Map<string, string>();
  private readonly cameras: ReadonlySet<string> | null;
  private readonly sites: ReadonlySet<string> | null;

  constructor(share: DistrictFederationConfig['share']) {
    this.cameras = 'cameras' in share ? new Set(share.cameras) : null;
    this.sites = 'sites' in share ? new Set(share.sites) : null;
  }

  /** Reads the camera → site map again (needed only when sites are shared). */
  async refresh(store: Pick<Store, 'listCameras'>): Promise<void> {
    if (!this.sites) return;
    this.siteOf = new Map((await store.listCameras()).map((c) => [c.id, c.siteId]));
  }

  shared(cameraId: string): boolean {
    if (this.cameras) return this.cameras.has(cameraId);
    const site = this.siteOf.get(cameraId);
    return site !== undefined && this.sites!.has(site);
  }
}
