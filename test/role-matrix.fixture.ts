/**
 * The role × endpoint matrix of test/server-api.test.ts, WRITTEN BY HAND from what each role is for (not read from
 * src/server/rbac.ts, which it checks): who may call which representative endpoint of each data class, and which
 * data fields each role sees where one route serves several classes.
 */
import type { Role } from '../src/server/rbac.js';

/**
 * Who may call what, WRITTEN BY HAND from the roles' purpose (not read from rbac.ts): one letter per role in the
 * order of MATRIX_ROLES (Admin, Supervisor, Reviewer, Investigator, Operator, Viewer, Partner), '-' = 403.
 * Every permission appears at least once; rows are grouped by the data class the route serves.
 */
export const MATRIX_ROLES = ['admin', 'supervisor', 'reviewer', 'investigator', 'operator', 'viewer', 'partner'] as const satisfies readonly Role[];
export const ENDPOINT_MATRIX: ReadonlyArray<readonly [method: string, path: string, okStatus: number, roles: string]> = [
  // traffic: every role that watches the roads; partner agencies never
  ['GET', '/api/sites', 200, 'ASRIOV-'],
  ['GET', '/api/cameras', 200, 'ASRIOV-'],
  ['GET', '/api/cameras/status', 200, 'ASRIOV-'],
  ['GET', '/api/events?kinds=line.cross', 200, 'ASRIOV-'],
  ['GET', '/api/counts', 200, 'ASRIOV-'],
  ['GET', '/api/stats/flow', 200, 'ASRIOV-'],
  ['GET', '/api/stats/congestion', 200, 'ASRIOV-'],
  ['GET', '/api/alerts', 200, 'ASRIOV-'],
  ['GET', '/api/live', 200, 'ASRIOV-'],
  ['POST', '/api/alerts/zz-missing/ack', 404, 'AS--O--'],
  ['GET', '/api/incidents', 200, 'ASRIOV-'],
  ['POST', '/api/incidents', 400, 'AS--O--'],
  ['PUT', '/api/sites/danang', 400, 'A------'],
  ['POST', '/api/cameras', 400, 'A------'],
  ['POST', '/api/onvif/discover', 400, 'A------'],
  ['POST', '/api/onvif/probe', 400, 'A------'],
  // violation: the legal record, with its plate
  ['GET', '/api/violations', 200, 'ASRIO--'],
  ['GET', '/api/violations/v1', 200, 'ASRIO--'],
  ['GET', '/api/violations.csv', 200, 'ASRIO--'],
  ['GET', '/api/stats/violations', 200, 'ASRIO--'],
  ['POST', '/api/violations/v1/review', 400, 'ASR----'],
  // plate: searches and traces of plates, their crops
  ['GET', '/api/plates/search?q=43A12345', 200, 'AS-I--P'],
  ['GET', '/api/plates/trace?plate=43A12345', 200, 'AS-I--P'],
  ['GET', '/api/sightings/s1/crop.jpg', 404, 'AS-I--P'],
  // people: attribute search (class and colours of tracks) is a search of people's movements: investigators and supervisors, never partners
  ['GET', '/api/search/attributes?upper=red', 200, 'AS-I---'],
  ['GET', '/api/tracks/t1/crop.jpg', 404, 'AS-I---'],
  // requests between agencies: partners and investigators ask; supervisors approve; both follow them
  ['GET', '/api/requests', 200, 'AS-I--P'],
  ['POST', '/api/requests', 400, 'A--I--P'],
  ['POST', '/api/requests/zz-missing/approve', 400, 'AS-----'],
  // watchlist
  ['GET', '/api/watchlists', 200, 'AS-I--P'],
  ['POST', '/api/watchlists', 400, 'AS-I---'],
  // reports: aggregates for leaders (no plates), made and scheduled by admins and supervisors
  ['GET', '/api/reports/data?from=0&to=86400000', 200, 'AS-----'],
  ['GET', '/api/reports/files', 200, 'AS-----'],
  ['POST', '/api/reports/schedules', 400, 'AS-----'],
  // accounts, audit, ingest
  ['GET', '/api/roles', 200, 'AS-----'],
  ['GET', '/api/users', 200, 'AS-----'],
  ['POST', '/api/users', 400, 'A------'],
  ['GET', '/api/apikeys', 200, 'A------'],
  ['GET', '/api/audit', 200, 'AS-----'],
  ['POST', '/api/ingest/sightings', 400, 'A------'],
];

/** Which fields each role sees where one route serves several classes (events, one event, live push, alerts). By hand. */
export const SEES: Record<Role, { plate: boolean; violationPlate: boolean; watch: boolean } | 'forbidden'> = {
  admin: { plate: true, violationPlate: true, watch: true },
  supervisor: { plate: true, violationPlate: true, watch: true },
  reviewer: { plate: false, violationPlate: true, watch: false },
  investigator: { plate: true, violationPlate: true, watch: true },
  operator: { plate: false, violationPlate: true, watch: false },
  viewer: { plate: false, violationPlate: false, watch: false },
  partner: 'forbidden',
};
