/**
 * Service-wide settings of the config file: the service's front (trusted proxies, secure cookies, the networks
 * cameras set through the API may be on) and the bounds of partner ingest.
 */
import { z } from 'zod';
import { cameraNetworksSchema, parseCidr } from './camera-networks.js';

const proxy = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], {
  error: 'an IPv4 or IPv6 address, or a CIDR range such as 10.0.0.0/8',
});

export const metricsSchema = z
  .strictObject({
    token: z.string().min(24, { message: 'at least 24 characters: a random secret (openssl rand -hex 24), e.g. "${ARGUS_METRICS_TOKEN}"' }).max(512).regex(/^[\x21-\x7e]+$/, { message: 'printable ASCII without spaces' }).optional()
      .describe('Bearer token Prometheus sends (authorization: Bearer <token>; bearer_token_file in a scrape config). Write it as ${ARGUS_METRICS_TOKEN} to keep it out of the file'),
    allowFrom: z.array(z.string().refine((s) => parseCidr(s) !== null, { message: 'must be an IPv4/IPv6 address or CIDR block, e.g. 10.20.0.0/16' })).max(100).default([])
      .describe('Addresses or CIDR blocks that may scrape /metrics (the client address as server.trustedProxies resolves it). Empty: any address, with the token'),
  })
  .default({ allowFrom: [] })
  .describe('GET /metrics in the Prometheus text format. Off unless a token or an allow-list is set; with both, a scrape needs both. Without a token: 401; from outside the list: 403');

export const serverSchema = z
  .strictObject({
    trustedProxies: z.array(proxy).max(100).default([])
      .describe('Addresses or CIDR ranges of the reverse proxies in front of Argus. X-Forwarded-For is believed only from these, for the client address of the login limits and the audit; empty (default): trust no proxy, the address is the TCP peer'),
    secureCookies: z.boolean().default(false)
      .describe('Set the Secure flag on the session cookies: true when users reach Argus over HTTPS (behind a TLS proxy)'),
    cameraNetworks: cameraNetworksSchema,
    metrics: metricsSchema,
  })
  .describe('The service: its HTTP front and the networks of cameras set through the API');

export const ingestLimitsSchema = z
  .strictObject({
    maxFutureSkewSec: z.number().int().min(0).max(86_400).default(300)
      .describe('Refuse a partner read whose time is more than this many seconds ahead of the server clock'),
    maxAgeDays: z.number().min(0.01).max(3650).default(7)
      .describe('Refuse a partner read older than this many days (a backlog after an outage is sent within it)'),
  })
  .describe('Bounds of the partner ingest API (POST /api/ingest/sightings)');

export type ServerConfig = z.infer<typeof serverSchema>;
export type MetricsConfig = z.infer<typeof metricsSchema>;
export type IngestLimitsConfig = z.infer<typeof ingestLimitsSchema>;

export const sharingSchema = z
  .strictObject({
    defaultExpiryHours: z.number().int().min(1).max(720).default(72).describe('How long approved material stays shared when the officer names no expiry, hours'),
    maxExpiryDays: z.number().int().min(1).max(30).default(30).describe('The longest an officer may share approved material, days (at most 30)'),
    maxFootageMinutes: z.number().int().min(1).max(1440).default(60).describe('The longest window of footage one request may ask for, minutes'),
    maxTraceDays: z.number().int().min(1).max(366).default(31).describe('The longest window of a plate trace one request may ask for, days'),
    linkViewsPerMinute: z.number().int().min(1).max(10_000).default(30).describe('Read-only link requests allowed per client address and minute (more answer 429)'),
  })
  .superRefine((s, ctx) => {
    if (s.defaultExpiryHours > s.maxExpiryDays * 24) ctx.addIssue({ code: 'custom', path: ['defaultExpiryHours'], message: 'longer than maxExpiryDays' });
  })
  .describe('Requests between agencies: expiry of shared material, largest windows, link rate limit');
export type SharingConfig = z.output<typeof sharingSchema>;

export const facesSchema = z
  .strictObject({
    model: z.string().regex(/^[a-z0-9_]{1,64}$/).optional().describe('Face embedding model (default: the one Argus ships; faces of different models are never compared)'),
    unmatchedRetentionDays: z.number().int().min(1).max(3650).default(30).describe('How long a face that matched no watch list is kept, days'),
    matchedRetentionDays: z.number().int().min(1).max(3650).default(365).describe('How long a face that matched a watch list is kept, days'),
  })
  .superRefine((s, ctx) => {
    if (s.matchedRetentionDays < s.unmatchedRetentionDays) ctx.addIssue({ code: 'custom', path: ['matchedRetentionDays'], message: 'shorter than unmatchedRetentionDays' });
  })
  .describe('Faces (sensitive personal data, Decree 13/2023/ND-CP): the embedding model and the retention of each class of face');
export type FacesConfig = z.output<typeof facesSchema>;
