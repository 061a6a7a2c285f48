/** The Store port over kysely: one query layer for the SQLite and PostgreSQL adapters. */
import type { Kysely } from 'kysely';
import { CursorCodec } from '../cursor.js';
import type * as S from '../store.js';
export type { SearchTuning } from './context.js';
import * as admin from './admin.js';
import { writeBatch } from './batch.js';
import * as audit from './audit.js';
import * as fed from './federation.js';
import { AuditAppender, listAudit, verifyAuditChain } from './audit.js';
import { DEFAULT_SEARCH_TUNING, type SearchTuning, type StoreContext } from './context.js';
import { migrate, type SqlDialect } from './migrations.js';
import * as rec from './records.js';
import type { Database } from './schema.js';
import * as sig from './sightings.js';
import { searchPlates } from './plate-search.js';
import * as ta from './track-attributes.js';
import * as stats from './stats.js';
import * as reports from './reports.js';
import * as incidents from './incidents.js';
import * as requests from './requests.js';
import * as centres from './centres.js';
import * as faces from './faces.js';
import * as heatmaps from './heatmaps.js';

export class KyselyStore implements S.Store {
  private readonly ctx: StoreContext;
  private readonly audit: AuditAppender;

  private constructor(
    db: Kysely<Database>, readonly dialect: SqlDialect, cursorSecret: string, search: SearchTuning, private readonly onClose: () => Promise<void>,
  ) {
    this.ctx = { db, dialect, cursors: new CursorCodec(cursorSecret), search };
    this.audit = new AuditAppender(this.ctx);
  }

  /** Runs the migrations, then serves. `onClose` releases what the adapter opened. */
  static async open(
    db: Kysely<Database>, dialect: SqlDialect, onClose: () => Promise<void>, search: Partial<SearchTuning> = {},
  ): Promise<KyselyStore> {
    await migrate(db, dialect);
    const secret = await db.selectFrom('argus_meta').select('value').where('key', '=', 'cursor_secret').executeTakeFirstOrThrow();
    return new KyselyStore(db, dialect, secret.value, { ...DEFAULT_SEARCH_TUNING, ...search }, onClose);
  }

  get db(): Kysely<Database> {
    return this.ctx.db;
  }

  upsertSite = (s: S.SiteRecord) => admin.upsertSite(this.ctx, s);
  getSite = (id: string) => admin.getSite(this.ctx, id);
  listSites = () => admin.listSites(this.ctx);
  deleteSite = (id: string) => admin.deleteSite(this.ctx, id);

  upsertCamera = (c: S.CameraRecord) => admin.upsertCamera(this.ctx, c);
  getCamera = (id: string) => admin.getCamera(this.ctx, id);
  listCameras = (f?: { siteId?: string }) => admin.listCameras(this.ctx, f);
  deleteCamera = (id: string) => admin.deleteCamera(this.ctx, id);

  createUser = (u: S.UserRecord) => admin.createUser(this.ctx, u);
  getUser = (id: string) => admin.getUser(this.ctx, 'id', id);
  getUserByUsername = (username: string) => admin.getUser(this.ctx, 'username', username);
  listUsers = () => admin.listUsers(this.ctx);
  updateUser = (id: string, patch: S.UserPatch) => admin.updateUser(this.ctx, id, patch);
  deleteUser = (id: string) => admin.deleteUser(this.ctx, id);
  recordLoginFailure = (userId: string, nowMs: number, max: number, lockoutMs: number) => admin.recordLoginFailure(this.ctx, userId, nowMs, max, lockoutMs);

  upsertRole = (r: S.RoleRecord) => admin.upsertRole(this.ctx, r);
  getRole = async (name: string) => (await admin.listRoles(this.ctx, name))[0] ?? null;
  listRoles = () => admin.listRoles(this.ctx);
  deleteRole = (name: string) => admin.deleteRole(this.ctx, name);

  createSession = (s: S.SessionRecord) => admin.createSession(this.ctx, s);
  getSession = (id: string) => admin.getSession(this.ctx, id);
  touchSession = (id: string, lastSeenMs: number, expiresAtMs: number) => admin.touchSession(this.ctx, id, lastSeenMs, expiresAtMs);
  deleteSession = async (id: string) => (await admin.deleteSessions(this.ctx, 'id', id)) > 0;
  deleteUserSessions = (userId: string) => admin.deleteSessions(this.ctx, 'user_id', userId);
  deleteExpiredSessions = (nowMs: number) => admin.deleteSessions(this.ctx, 'expired', nowMs);

  createApiKey = (k: S.ApiKeyRecord) => admin.createApiKey(this.ctx, k);
  getApiKeyByHash = (h: string) => admin.getApiKeyByHash(this.ctx, h);
  listApiKeys = () => admin.listApiKeys(this.ctx);
  revokeApiKey = (id: string, atMs: number) => admin.revokeApiKey(this.ctx, id, atMs);
  revokeUserApiKeys = (userId: string, atMs: number) => admin.revokeUserApiKeys(this.ctx, userId, atMs);
  touchApiKey = (id: string, lastUsedMs: number) => admin.touchApiKey(this.ctx, id, lastUsedMs);

  insertSightings = (rows: readonly S.SightingRecord[]) => sig.insertSightings(this.ctx, rows);
  getSighting = (id: string) => sig.getSighting(this.ctx, id);
  writeBatch = (b: S.IngestBatch) => writeBatch(this.ctx, b);
  listSightings = (f?: S.SightingFilter) => sig.listSightings(this.ctx, f);
  searchPlates = (q: S.PlateSearchQuery) => searchPlates(this.ctx, q);
  searchTrackAttributes = (q: S.AttributeSearchQuery) => ta.searchTrackAttributes(this.ctx, q);
  getTrackAttributes = (id: string) => ta.getTrackAttributes(this.ctx, id);
  pruneTrackAttributes = (beforeMs: number) => ta.pruneTrackAttributes(this.ctx, beforeMs);

  addCounts = (rows: readonly S.CountIncrement[]) => rec.addCounts(this.ctx, rows);
  listCounts = (f?: S.CountFilter) => rec.listCounts(this.ctx, f);

  insertEvents = (rows: readonly S.EventRecord[]) => rec.insertEvents(this.ctx, rows);
  getEvent = (id: string) => rec.getEvent(this.ctx, id);
  listEvents = (f?: S.EventFilter) => rec.listEvents(this.ctx, f);

  insertViolation = (v: S.NewViolation) => rec.insertViolation(this.ctx, v);
  getViolation = (id: string) => rec.getViolation(this.ctx, id);
  listViolations = (f?: S.ViolationFilter) => rec.listViolations(this.ctx, f);
  reviewViolation = (id: string, d: S.ReviewDecision) => rec.reviewViolation(this.ctx, id, d);

  insertAlert = (a: S.NewAlert) => rec.insertAlert(this.ctx, a);
  readOutbox = (afterSeq: number, limit: number) => fed.readOutbox(this.ctx, afterSeq, limit);
  pruneOutbox = (uptoSeq: number) => fed.pruneOutbox(this.ctx, uptoSeq);
  upsertFedCamera = (r: S.FedCameraRecord) => fed.upsertFedCamera(this.ctx, r);
  listFedCameras = () => fed.listFedCameras(this.ctx);
  getMeta = (key: string) => fed.getMeta(this.ctx, key);
  putMeta = (key: string, value: string) => fed.putMeta(this.ctx, key, value);
  getAlert = (id: string) => rec.getAlert(this.ctx, id);
  listAlerts = (f?: S.AlertFilter) => rec.listAlerts(this.ctx, f);
  acknowledgeAlert = (id: string, by: string, atMs: number) => rec.acknowledgeAlert(this.ctx, id, by, atMs);

  upsertWatchList = (l: S.WatchListRecord) => rec.upsertWatchList(this.ctx, l);
  getWatchList = async (id: string) => (await rec.listWatchLists(this.ctx, id))[0] ?? null;
  listWatchLists = () => rec.listWatchLists(this.ctx);
  deleteWatchList = (id: string) => rec.deleteWatchList(this.ctx, id);
  addWatchEntries = (listId: string, e: ReadonlyArray<Omit<S.WatchEntryRecord, 'listId'>>) => rec.addWatchEntries(this.ctx, listId, e);
  listWatchEntries = (listId: string) => rec.listWatchEntries(this.ctx, { listId });
  activeWatchEntries = (nowMs: number) => rec.listWatchEntries(this.ctx, { activeAtMs: nowMs });
  removeWatchEntry = (id: string) => rec.removeWatchEntry(this.ctx, id);

  putEvidence = (e: S.EvidenceRecord) => rec.putEvidence(this.ctx, e);
  getEvidence = (id: string) => rec.getEvidence(this.ctx, id);
  listEvidence = (f: { violationId?: string; eventId?: string }) => rec.listEvidence(this.ctx, f);

  appendAudit = (e: S.AuditEntry) => this.audit.append(e);
  listAudit = (f?: S.AuditFilter) => listAudit(this.ctx, f);
  verifyAuditChain = (from?: S.AuditChainPoint) => verifyAuditChain(this.ctx, from);
  auditHead = () => audit.auditHead(this.ctx);
  auditHashesAt = (seqs: readonly number[]) => audit.auditHashesAt(this.ctx, seqs);
  appendAuditCheckpoint = (c: S.SignedAuditCheckpoint) => audit.appendAuditCheckpoint(this.ctx, c);
  listAuditCheckpoints = () => audit.listAuditCheckpoints(this.ctx);

  violationStats = (f?: S.StatsFilter) => stats.violationStats(this.ctx, f);
  flowStats = (f?: S.StatsFilter) => stats.flowStats(this.ctx, f);
  congestionStats = (f?: S.StatsFilter) => stats.congestionStats(this.ctx, f);
  alertStats = (f?: S.StatsFilter) => stats.alertStats(this.ctx, f);
  uptimeStats = (f: S.StatsFilter & { readonly fromMs: number }, nowMs?: number) => stats.uptimeStats(this.ctx, f, nowMs);

  createReportSchedule = (s: S.ReportScheduleRecord) => reports.createReportSchedule(this.ctx, s);
  listReportSchedules = () => reports.listReportSchedules(this.ctx);
  deleteReportSchedule = (id: string) => reports.deleteReportSchedule(this.ctx, id);
  claimReportRun = (id: string, dueAtMs: number, nextRunAtMs: number, ranAtMs: number) => reports.claimReportRun(this.ctx, id, dueAtMs, nextRunAtMs, ranAtMs);
  insertReportFile = (f: S.ReportFileRecord, content: Uint8Array) => reports.insertReportFile(this.ctx, f, content);
  listReportFiles = (limit: number) => reports.listReportFiles(this.ctx, limit);
  getReportFile = (id: string) => reports.getReportFile(this.ctx, id);
  pruneReportFiles = (beforeMs: number) => reports.pruneReportFiles(this.ctx, beforeMs);

  insertIncident = (i: Omit<S.IncidentRecord, 'photos'>, photos: ReadonlyArray<{ sha256: string; content: Uint8Array }>) => incidents.insertIncident(this.ctx, i, photos);
  listIncidents = (f: { fromMs?: number; toMs?: number; limit: number }) => incidents.listIncidents(this.ctx, f);
  getIncident = (id: string) => incidents.getIncident(this.ctx, id);
  updateIncident = (id: string, patch: { cameraIds?: readonly string[]; eventIds?: readonly string[]; status?: 'open' | 'closed' }, atMs: number) => incidents.updateIncident(this.ctx, id, patch, atMs);
  getIncidentPhoto = (id: string, n: number) => incidents.getIncidentPhoto(this.ctx, id, n);

  insertShareRequest = (r: S.ShareRequestRecord) => requests.insertShareRequest(this.ctx, r);
  getShareRequest = (id: string) => requests.getShareRequest(this.ctx, id);
  getShareRequestByToken = (tokenHash: string) => requests.getShareRequestByToken(this.ctx, tokenHash);
  listShareRequests = (f: S.ShareRequestFilter) => requests.listShareRequests(this.ctx, f);
  updateShareRequest = (id: string, from: S.ShareRequestStatus, patch: S.ShareRequestPatch, atMs: number) => requests.updateShareRequest(this.ctx, id, from, patch, atMs);
  createCentre = (c: S.CentreRecord) => centres.createCentre(this.ctx, c);
  getCentre = (id: string) => centres.getCentre(this.ctx, id);
  listCentres = () => centres.listCentres(this.ctx);
  updateCentre = (id: string, patch: { name?: string; scope?: S.AccessScope; updatedAtMs: number }) => centres.updateCentre(this.ctx, id, patch);
  deleteCentre = (id: string) => centres.deleteCentre(this.ctx, id);
  setCentreMembers = (centreId: string, userIds: readonly string[]) => centres.setCentreMembers(this.ctx, centreId, userIds);
  listCentreMembers = (centreId: string) => centres.listCentreMembers(this.ctx, centreId);
  getCentreOfUser = (userId: string) => centres.getCentreOfUser(this.ctx, userId);
  listCentreViews = (centreId: string, kind: S.CentreViewKind) => centres.listCentreViews(this.ctx, centreId, kind);
  saveCentreView = (v: S.CentreViewRecord) => centres.saveCentreView(this.ctx, v);
  deleteCentreView = (centreId: string, id: string) => centres.deleteCentreView(this.ctx, centreId, id);
  listFaces = (f: S.FaceFilter) => faces.listFaces(this.ctx, f);
  getFaces = (ids: readonly string[]) => faces.getFaces(this.ctx, ids);
  pruneFaces = (unmatchedBeforeMs: number, matchedBeforeMs: number) => faces.pruneFaces(this.ctx, unmatchedBeforeMs, matchedBeforeMs);
  upsertFaceList = (l: S.FaceListRecord) => faces.upsertFaceList(this.ctx, l);
  getFaceList = (id: string) => faces.getFaceList(this.ctx, id);
  listFaceLists = () => faces.listFaceLists(this.ctx);
  deleteFaceList = (id: string) => faces.deleteFaceList(this.ctx, id);
  addFacePerson = (p: S.FacePersonRecord, e: readonly S.FaceEnrolmentRecord[]) => faces.addFacePerson(this.ctx, p, e);
  getFacePerson = (id: string) => faces.getFacePerson(this.ctx, id);
  listFacePersons = (listId: string) => faces.listFacePersons(this.ctx, listId);
  listFaceEnrolments = (personId: string) => faces.listFaceEnrolments(this.ctx, personId);
  deleteFacePerson = (id: string) => faces.deleteFacePerson(this.ctx, id);
  activeFaceEnrolments = (nowMs: number) => faces.activeFaceEnrolments(this.ctx, nowMs);
  decideFaceMatch = (d: S.FaceDecisionRecord) => faces.decideFaceMatch(this.ctx, d);
  getFaceDecisions = (alertIds: readonly string[]) => faces.getFaceDecisions(this.ctx, alertIds);

  insertHeatmapBuckets = (rows: readonly S.HeatmapBucket[]) => heatmaps.insertHeatmapBuckets(this.ctx, rows);
  heatmapWindow = (q: S.HeatmapQuery) => heatmaps.heatmapWindow(this.ctx, q);
  pruneHeatmap = (beforeMs: number) => heatmaps.pruneHeatmap(this.ctx, beforeMs);

  async close(): Promise<void> {
    await this.onClose();
  }
}
