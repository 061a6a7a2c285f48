/** Service-wide settings of the config file: the HTTP front (trusted proxies) and the bounds of partner ingest. */
import { z } from 'zod';

const proxy = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], {
  error: 'an IPv4 or IPv6 address, or a CIDR range such as 10.0.0.0/8',
});

export const httpSchema = z
  .strictObject({
    trustedProxies: z.array(proxy).max(100).default([])
      .describe('Addresses or CIDR ranges of the reverse proxies in front of Argus. X-Forwarded-For is believed only from these, for the client address of the login limits and the audit; empty (default): trust no proxy, the address is the TCP peer'),
  })
  .describe('The HTTP front of the service');

export const ingestLimitsSchema = z
  .strictObject({
    maxFutureSkewSec: z.number().int().min(0).max(86_400).default(300)
      .describe('Refuse a partner read whose time is more than this many seconds ahead of the server clock'),
    maxAgeDays: z.number().min(0.01).max(3650).default(7)
      .describe('Refuse a partner read older than this many days (a backlog after an outage is sent within it)'),
  })
  .describe('Bounds of the partner ingest API (POST /api/ingest/sightings)');

export type HttpConfig = z.infer<typeof httpSchema>;
export type IngestLimitsConfig = z.infer<typeof ingestLimitsSchema>;
