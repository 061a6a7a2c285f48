/** Cameras found on the network (ONVIF): discovery, probing one device, and the source a chosen profile becomes. */
import { z } from 'zod';

export const onvifDiscoverBody = z.strictObject({
  timeoutMs: z.number().int().min(500).max(5000).default(3000).describe('How long to collect answers to the WS-Discovery probe, ms'),
}).prefault({});

export const onvifDevice = z.strictObject({
  endpoint: z.string().describe('The device endpoint reference (urn:uuid:…)'),
  xaddrs: z.array(z.string()).describe('Device service URLs'),
  name: z.string().nullable(),
  hardware: z.string().nullable(),
  location: z.string().nullable(),
  address: z.string().describe('The address the answer came from'),
  allowed: z.boolean().describe('Whether its device service lies in server.cameraNetworks (a camera outside cannot be added through the API)'),
});
export type OnvifDevice = z.infer<typeof onvifDevice>;
export const onvifDevices = z.strictObject({ items: z.array(onvifDevice) });

export const onvifProbeBody = z.strictObject({
  url: z.string().min(1).max(500).describe('The device service URL (http://10.0.0.20/onvif/device_service), or the camera address (10.0.0.20 or 10.0.0.20:8080)'),
  username: z.string().max(200).default(''),
  password: z.string().max(200).default(''),
});

export const onvifProfile = z.strictObject({
  token: z.string(),
  name: z.string(),
  encoding: z.string().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  fps: z.number().nullable(),
  streamUri: z.string().nullable().describe('The RTSP URI the camera gives for this profile, without credentials'),
  ptz: z.boolean(),
});
export type OnvifProfile = z.infer<typeof onvifProfile>;

export const onvifPreset = z.strictObject({ profileToken: z.string(), token: z.string(), name: z.string() });
export type OnvifPreset = z.infer<typeof onvifPreset>;

export const onvifProbe = z.strictObject({
  deviceUrl: z.string(),
  info: z.strictObject({ manufacturer: z.string().nullable(), model: z.string().nullable(), firmware: z.string().nullable(), serial: z.string().nullable() }),
  profiles: z.array(onvifProfile),
  presets: z.array(onvifPreset),
});
export type OnvifProbe = z.infer<typeof onvifProbe>;
