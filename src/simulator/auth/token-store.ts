import { randomBytes } from "node:crypto";

export interface StoredToken {
  /** Opaque random string; a secret, never logged. */
  token: string;
  clientId: string;
  /** The user the token acts as. */
  user: string;
  expiresAtMs: number;
}

/** Sweep expired tokens once the store grows past this, so long benchmark runs keep memory flat. */
const SWEEP_THRESHOLD = 10_000;

/**
 * Opaque tokens with expiry, plus the "current" token per binding key, because ServiceNow returns the
 * current token again while it is valid instead of minting a new one (reference §4).
 */
export class TokenStore {
  readonly #byToken = new Map<string, StoredToken>();
  readonly #currentByKey = new Map<string, string>();

  /** The token's record, or undefined when unknown or expired. */
  find(token: string, nowMs: number): StoredToken | undefined {
    const stored = this.#byToken.get(token);
    return stored !== undefined && stored.expiresAtMs > nowMs ? stored : undefined;
  }

  /** The still-valid token last issued for `key`, if any. */
  current(key: string, nowMs: number): StoredToken | undefined {
    const token = this.#currentByKey.get(key);
    return token === undefined ? undefined : this.find(token, nowMs);
  }

  issue(key: string, clientId: string, user: string, lifetimeS: number, nowMs: number): StoredToken {
    if (this.#byToken.size >= SWEEP_THRESHOLD) this.#sweep(nowMs);
    // 64 random bytes → 86 base64url characters, the length of real ServiceNow tokens.
    const stored: StoredToken = {
      token: randomBytes(64).toString("base64url"),
      clientId,
      user,
      expiresAtMs: nowMs + lifetimeS * 1000,
    };
    this.#byToken.set(stored.token, stored);
    this.#currentByKey.set(key, stored.token);
    return stored;
  }

  clear(): void {
    this.#byToken.clear();
    this.#currentByKey.clear();
  }

  get size(): number {
    return this.#byToken.size;
  }

  #sweep(nowMs: number): void {
    for (const [token, stored] of this.#byToken) {
      if (stored.expiresAtMs <= nowMs) this.#byToken.delete(token);
    }
    for (const [key, token] of this.#currentByKey) {
      if (!this.#byToken.has(token)) this.#currentByKey.delete(key);
    }
  }
}
