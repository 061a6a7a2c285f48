/**
 * SOAP 1.2 over HTTP for ONVIF, with WS-Security UsernameToken (PasswordDigest = Base64(SHA-1(nonce + created +
 * password)), the profile every ONVIF device accepts). A SOAP fault or an HTTP error becomes a typed ArgusError:
 * `source_auth_failed` (wrong user or password: HTTP 401, or a NotAuthorized fault), `source_timeout` / `source_refused`
 * (no answer, an HTTP error, a fault, not SOAP).
 */
import { createHash, randomBytes } from 'node:crypto';
import { ArgusError, errorMessage } from '../../core/errors.js';
import { escapeXml, find, parseXml, textOf, type XmlElement } from './xml.js';

export interface OnvifCredentials {
  readonly username: string;
  readonly password: string;
}

export const NS = {
  soap: 'http://www.w3.org/2003/05/soap-envelope',
  device: 'http://www.onvif.org/ver10/device/wsdl',
  media: 'http://www.onvif.org/ver10/media/wsdl',
  ptz: 'http://www.onvif.org/ver20/ptz/wsdl',
  schema: 'http://www.onvif.org/ver10/schema',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
} as const;

const PASSWORD_DIGEST = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';
const BASE64_BINARY = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary';

/** The digest of WS-UsernameToken: Base64(SHA-1(nonce bytes + created + password)). */
export function passwordDigest(nonce: Buffer, created: string, password: string): string {
  return createHash('sha1').update(Buffer.concat([nonce, Buffer.from(created, 'utf8'), Buffer.from(password, 'utf8')])).digest('base64');
}

export function securityHeader(c: OnvifCredentials, now = new Date(), nonce = randomBytes(16)): string {
  const created = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `<wsse:Security xmlns:wsse="${NS.wsse}" xmlns:wsu="${NS.wsu}" soap:mustUnderstand="1"><wsse:UsernameToken>` +
    `<wsse:Username>${escapeXml(c.username)}</wsse:Username>` +
    `<wsse:Password Type="${PASSWORD_DIGEST}">${passwordDigest(nonce, created, c.password)}</wsse:Password>` +
    `<wsse:Nonce EncodingType="${BASE64_BINARY}">${nonce.toString('base64')}</wsse:Nonce>` +
    `<wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security>`;
}

export function envelope(body: string, credentials?: OnvifCredentials): string {
  const header = credentials && credentials.username !== '' ? `<soap:Header>${securityHeader(credentials)}</soap:Header>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="${NS.soap}" xmlns:tds="${NS.device}" xmlns:trt="${NS.media}" xmlns:tptz="${NS.ptz}" xmlns:tt="${NS.schema}">${header}<soap:Body>${body}</soap:Body></soap:Envelope>`;
}

export interface SoapOptions {
  readonly credentials?: OnvifCredentials | undefined;
  readonly timeoutMs?: number;
}

/** Posts one request; the answer's Body element, or a typed error. */
export async function soapCall(url: string, body: string, o: SoapOptions = {}): Promise<XmlElement> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST', body: envelope(body, o.credentials), redirect: 'error',
      headers: { 'content-type': 'application/soap+xml; charset=utf-8' }, signal: AbortSignal.timeout(o.timeoutMs ?? 5000),
    });
  } catch (e) {
    const timeout = (e as Error).name === 'TimeoutError';
    throw new ArgusError(timeout ? 'source_timeout' : 'source_refused', `the camera at ${url} did not answer (${timeout ? 'timeout' : errorMessage((e as Error).cause ?? e)})`);
  }
  const text = (await res.text()).slice(0, 2_000_000);
  let doc: XmlElement | undefined;
  try {
    doc = parseXml(text);
  } catch {
    doc = undefined;
  }
  const fault = find(doc, 'Body', 'Fault');
  if (res.status === 401 || res.status === 403 || (fault && /NotAuthorized|FailedAuthentication|authori[sz]|authenticat/i.test(`${faultCode(fault)} ${faultReason(fault)}`))) {
    throw new ArgusError('source_auth_failed', `the camera refused the user name or password (${res.status}${fault ? `: ${faultReason(fault)}` : ''})`);
  }
  if (fault) throw new ArgusError('source_refused', `the camera answered a SOAP fault: ${faultReason(fault) || faultCode(fault)}`);
  if (!res.ok) throw new ArgusError('source_refused', `the camera at ${url} answered HTTP ${res.status}`);
  const bodyEl = find(doc, 'Body');
  if (!bodyEl) throw new ArgusError('source_refused', `the camera at ${url} did not answer SOAP`);
  return bodyEl;
}

const faultCode = (f: XmlElement): string => [textOf(f, 'Code', 'Value'), textOf(f, 'Subcode', 'Value')].filter(Boolean).join(' ');
const faultReason = (f: XmlElement): string => textOf(f, 'Reason', 'Text') ?? textOf(f, 'faultstring') ?? '';
