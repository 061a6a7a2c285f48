/**
 * Federation (issue 25): a district installation shares the cameras it chooses with the province over a NATS leaf
 * node. `role: district` names what is shared and the district's own nats-server (the one that is a leaf of the
 * province's hub); `role: province` names the hub and the districts it takes in. See docs/adr/0006-federation.md.
 */
import { z } from 'zod';

/** A district id: it becomes a NATS subject token, a JetStream domain and a stream name, so plain and short. */
export const federationIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'must be 1–32 lower-case letters, digits, "-" or "_", starting with a letter or digit (it becomes a NATS subject token and a JetStream domain)')
  .describe('Federation id of an installation, e.g. "ds-tu-son"');

const natsUrl = z
  .string()
  .regex(/^(nats|tls):\/\/[^\s,]+$/, 'a NATS URL such as nats://127.0.0.1:4222')
  .describe("This installation's own nats-server (JetStream on, with its JetStream domain; the district's is a leaf node of the province's hub)");

const camId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'a camera id');

export const districtFederationSchema = z
  .strictObject({
    role: z.literal('district').describe('This installation shares cameras with a province'),
    id: federationIdSchema.describe('The district id: the JetStream domain of its nats-server, and the owner the province shows'),
    name: z.string().min(1).max(120).describe('The district name the province shows next to its cameras, e.g. "Công an huyện Tủa Chùa"'),
    nats: natsUrl,
    share: z
      .union([
        z.strictObject({ cameras: z.array(camId).min(1).max(10_000).describe('Ids of the shared cameras') }),
        z.strictObject({ sites: z.array(camId).min(1).max(1000).describe('Ids of the sites whose cameras (all of them, also those added later) are shared') }),
      ], { error: 'share: give `cameras: [ids]` or `sites: [ids]`' })
      .describe('What crosses to the province: the events of these cameras only (never footage, never other cameras)'),
    statusEverySec: z.number().int().min(1).max(300).default(5).describe('How often the district tells the province the status of its shared cameras (its heartbeat), seconds'),
  })
  .describe('A district that shares cameras with the province');

export const provinceFederationSchema = z
  .strictObject({
    role: z.literal('province').describe('This installation takes in the cameras districts share'),
    id: federationIdSchema.describe('The province id (the JetStream domain of the hub)'),
    nats: natsUrl,
    districts: z
      .array(z.strictObject({
        id: federationIdSchema.describe('The district id (as in its own config)'),
        name: z.string().min(1).max(120).optional().describe('Shown until the district has said its own name'),
      }).describe('A district linked to this province'))
      .min(1, 'a province takes in at least one district')
      .max(500)
      .describe('The districts whose shared cameras this province takes in (their streams are sourced across the leaf)'),
    linkTimeoutSec: z.number().int().min(2).max(3600).default(20).describe('No status from a district for this many seconds: its link is down (an alert is raised, its cameras show offline)'),
  })
  .describe('A province that takes in the cameras its districts share');

export const federationSchema = z
  .discriminatedUnion('role', [districtFederationSchema, provinceFederationSchema], {
    error: 'federation.role: "district" (shares cameras with a province) or "province" (takes them in)',
  })
  .describe('Federation of a district into its province over a NATS leaf node (issue 25)');

export type FederationConfig = z.infer<typeof federationSchema>;
export type DistrictFederationConfig = z.infer<typeof districtFederationSchema>;
export type ProvinceFederationConfig = z.infer<typeof provinceFederationSchema>;

/** Federation subjects, streams and names in one place (district and province must agree on them). */
export const fedNames = {
  /** The district's outbox stream, in the district's JetStream domain. */
  districtStream: (district: string): string => `ARGUS_FED_${district.toUpperCase().replace(/-/g, '_')}`,
  /** Every subject of a district: `argus.fed.<district>.<camera>.<kind>`. */
  districtSubjects: (district: string): string => `argus.fed.${district}.>`,
  subject: (district: string, cameraId: string, kind: string): string => `argus.fed.${district}.${cameraId}.${kind}`,
  /** The district's heartbeat with its shared cameras' status (core NATS, not stored: only the latest matters). */
  status: (district: string): string => `argus.fedstatus.${district}`,
  allStatus: 'argus.fedstatus.*',
  /** The district's live-view relay (bus/live-relay.ts) for its shared cameras, asked by the province across the leaf. */
  live: (district: string): string => `argus.fedlive.${district}`,
  /** The province's stream that sources every district's stream. */
  provinceStream: 'ARGUS_FED_IN',
  provinceDurable: 'argus-fed-in',
} as const;
