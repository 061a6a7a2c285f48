/** Camera sources the web composes itself (no zod here: the web imports this module's values, as it does labels). */

/**
 * The camera source of a profile: its RTSP URI with the camera's user name and password in it (a camera's credentials
 * are kept in its source, which the API shows redacted), each percent-encoded.
 */
export function sourceWithCredentials(uri: string, username: string, password: string): string {
  const m = /^(rtsps?:\/\/)(?:[^@/?#]*@)?(.*)$/i.exec(uri);
  if (!m) throw new TypeError(`not an RTSP URI: ${uri}`);
  return username === '' ? `${m[1]}${m[2]}` : `${m[1]}${encodeURIComponent(username)}:${encodeURIComponent(password)}@${m[2]}`;
}
