/**
 * Sign-in: the password check behind three limits, none of which anyone can use to lock a user out.
 *
 * 1. Per source address (IPv6: its /64): `loginPerIpPerMin` attempts a minute, whatever the username.
 * 2. Per (username, source address): `maxFailedLogins` attempts, then that address is throttled FOR THAT USERNAME for
 *    `lockoutMs` — the same user from another address is not affected.
 * 3. Per username, from every address: `maxLoginsPerUser` attempts within a lockout period, then the username is
 *    throttled for `lockoutMs` (a guessing attack spread over many addresses) — except from a device the user signed
 *    in from before (a `argus_device` cookie, HMAC-signed with the user's password hash), so a botnet cannot keep the
 *    real user out of their usual browser. Users that exist are counted in the store (one atomic UPDATE, shared by
 *    every replica); usernames that do not exist are counted in memory by the same rules, so the two look alike.
 *
 * Every refusal that depends on the account (wrong password, unknown user, disabled user, throttled username) comes
 * after the password hash (a dummy one for unknown users) and has the same status and body for a user that exists and
 * one that does not. Limits 1 and 2 answer before hashing: they depend only on what the caller itself sent.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { Store, UserRecord } from '../store/store.js';
import { HttpError } from './errors.js';
import { AttemptCounter, overLimit, retryAfterSecOf, sourceKey, WindowLimiter } from './limiter.js';
import { DUMMY_HASH, verifyPassword } from './passwords.js';

export interface LoginLimits {
  /** Attempts per source address (IPv6: per /64) per minute, whatever the username. */
  readonly loginPerIpPerMin: number;
  /** Attempts for one username from one address within a lockout period before that address is throttled for it. */
  readonly maxFailedLogins: number;
  /** Attempts for one username from all addresses within a lockout period before the username is throttled (known devices excepted). */
  readonly maxLoginsPerUser: number;
  /** Length of a throttle, and of the quiet time after which counting starts over, ms. */
  readonly lockoutMs: number;
  /** How long a device stays known after a successful sign-in, ms. */
  readonly knownDeviceMs: number;
  /** Set the Secure flag on cookies (behind TLS). */
  readonly secureCookies: boolean;
}

export const DEVICE_COOKIE = 'argus_device';
const LOGIN_PATH = '/api/auth/login';

/** Why a sign-in was refused: the audit records it; the caller sees only the status and message. */
export type LoginRefusal = 'address_throttled' | 'pair_throttled' | 'user_throttled' | 'unknown_user' | 'wrong_password' | 'disabled';

export class LoginRefused extends HttpError {
  constructor(status: 401 | 429, code: string, message: string, readonly reason: LoginRefusal, retryAfterSec?: number) {
    super(status, code, message, retryAfterSec);
  }
}

const invalid = (reason: LoginRefusal): LoginRefused => new LoginRefused(401, 'invalid_credentials', 'wrong username or password', reason);
const throttled = (reason: LoginRefusal, retryAfterSec: number, what: string): LoginRefused =>
  new LoginRefused(429, 'rate_limited', `too many sign-in attempts ${what}; retry in ${retryAfterSec} s`, reason, retryAfterSec);

const deviceMac = (user: UserRecord, issuedAtMs: number): string =>
  createHmac('sha256', user.passwordHash).update(`argus-device\n${user.id}\n${issuedAtMs}`).digest('base64url');

export class LoginGuard {
  private readonly perAddress = new WindowLimiter(60_000);
  private readonly perPair: AttemptCounter;
  private readonly perGhost: AttemptCounter;

  constructor(private readonly store: Store, private readonly limits: LoginLimits) {
    this.perPair = new AttemptCounter(limits.maxFailedLogins, limits.lockoutMs);
    this.perGhost = new AttemptCounter(limits.maxLoginsPerUser, limits.lockoutMs);
  }

  /** The user whose password this is, or a LoginRefused (401 or 429 with its Retry-After). */
  async check(username: string, password: string, ip: string, deviceCookie: string | undefined, nowMs: number): Promise<UserRecord> {
    const { loginPerIpPerMin, maxFailedLogins, maxLoginsPerUser, lockoutMs } = this.limits;
    const src = sourceKey(ip);
    if (!this.perAddress.hit(src, loginPerIpPerMin, nowMs)) throw throttled('address_throttled', this.perAddress.retryAfterSec(src, nowMs), 'from this address');
    const pairKey = `${username}\n${src}`;
    const pair = this.perPair.count(pairKey, nowMs);
    if (overLimit(pair, maxFailedLogins)) throw throttled('pair_throttled', retryAfterSecOf(pair.lockedUntilMs!, nowMs), 'for this username from this address');
    const user = await this.store.getUserByUsername(username);
    const known = user !== null && this.isKnownDevice(deviceCookie, user, nowMs);
    // Counted BEFORE the hash, atomically: parallel guesses each count, and none runs past the limit.
    const perUser = known ? null : user ? await this.store.recordLoginFailure(user.id, nowMs, maxLoginsPerUser, lockoutMs) : this.perGhost.count(username, nowMs);
    // Hash whatever happens next: the time of the answer does not tell whether the user exists or is throttled.
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (perUser && overLimit(perUser, maxLoginsPerUser)) throw throttled('user_throttled', retryAfterSecOf(perUser.lockedUntilMs!, nowMs), 'for this username');
    if (!user) throw invalid('unknown_user');
    if (!ok) throw invalid('wrong_password');
    if (user.disabled) throw invalid('disabled');
    this.perPair.reset(pairKey);
    // A throttle in force stays (a sign-in from a known device must not reopen the door to the guesser).
    const lockedUntilMs = perUser ? perUser.lockedUntilMs : user.lockedUntilMs;
    if (lockedUntilMs !== null && lockedUntilMs > nowMs) return user;
    return this.store.updateUser(user.id, { failedLogins: 0, lockedUntilMs: null });
  }

  /** After a successful sign-in: this browser is a known device of the user for `knownDeviceMs`. */
  rememberDevice(user: UserRecord, reply: FastifyReply, nowMs: number): void {
    reply.setCookie(DEVICE_COOKIE, `${user.id}.${nowMs}.${deviceMac(user, nowMs)}`, {
      path: LOGIN_PATH, httpOnly: true, sameSite: 'strict', secure: this.limits.secureCookies, expires: new Date(nowMs + this.limits.knownDeviceMs),
    });
  }

  private isKnownDevice(cookie: string | undefined, user: UserRecord, nowMs: number): boolean {
    const m = /^([A-Za-z0-9_-]{1,64})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(cookie ?? '');
    if (!m || m[1] !== user.id) return false;
    const issuedAtMs = Number(m[2]);
    if (!(issuedAtMs <= nowMs && nowMs - issuedAtMs < this.limits.knownDeviceMs)) return false;
    const [got, want] = [Buffer.from(m[3]!), Buffer.from(deviceMac(user, issuedAtMs))];
    return got.length === want.length && timingSafeEqual(got, want);
  }
}
