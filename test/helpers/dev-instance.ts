// One embedded dev instance per test file, talked to over real HTTP with fetch (the way the connector will).
// The anchor month is FIXED so that seeded dates, and therefore every asserted body, never depend on today's date.
import { afterAll, beforeAll } from "vitest";
import type { Clock } from "../../src/simulator/clock.js";
import { DevInstance } from "../../src/simulator/server/dev-instance.js";
import type { DevInstanceOptions } from "../../src/simulator/server/dev-instance-options.js";

export const TEST_ANCHOR_MONTH = "2026-11";
export const TEST_USER = "empreinte.integration";
export const TEST_PASSWORD = "test-password";
export const TEST_CLIENT_ID = "test-client-id";
export const TEST_CLIENT_SECRET = "test-client-secret";

/** Small and fixed: 200 services × 24 months start in well under a second. */
export const TEST_INSTANCE_OPTIONS: DevInstanceOptions = {
  anchorMonth: TEST_ANCHOR_MONTH,
  services: 200,
  password: TEST_PASSWORD,
  clientId: TEST_CLIENT_ID,
  clientSecret: TEST_CLIENT_SECRET,
};

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, "utf8").toString("base64")}`;
}

export interface JsonReply<T = unknown> {
  status: number;
  headers: Headers;
  /** The body exactly as sent. */
  text: string;
  /** Parsed body; undefined when the body is empty or not JSON. */
  body: T;
}

export interface TestInstance {
  readonly sim: DevInstance;
  readonly url: string;
  /** fetch against the instance with the integration user's Basic auth (unless `init.headers` sets Authorization). */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** `api`, then read the body as text and parse it when it is JSON. */
  json<T = unknown>(path: string, init?: RequestInit): Promise<JsonReply<T>>;
  /** fetch with no Authorization at all (admin endpoints, OAuth, 401 cases). */
  raw(path: string, init?: RequestInit): Promise<Response>;
}

export async function readJson<T = unknown>(res: Response): Promise<JsonReply<T>> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: body as T };
}

export function testInstanceFor(sim: DevInstance): TestInstance {
  const raw = (path: string, init: RequestInit = {}) => fetch(`${sim.url}${path}`, init);
  const api = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has("authorization")) headers.set("authorization", basicAuth(TEST_USER, TEST_PASSWORD));
    return raw(path, { ...init, headers });
  };
  return {
    sim,
    url: sim.url,
    api,
    raw,
    json: async (path, init) => readJson(await api(path, init)),
  };
}

/**
 * Starts one instance in beforeAll and stops it in afterAll. Returns a handle whose members are usable inside tests
 * (not at collection time, before the instance exists).
 */
export function useDevInstance(options: DevInstanceOptions = {}, clock?: Clock): TestInstance {
  let current: TestInstance | undefined;
  const get = (): TestInstance => {
    if (!current) throw new Error("The dev instance is not started yet: use it inside a test or a hook");
    return current;
  };
  beforeAll(async () => {
    current = testInstanceFor(await DevInstance.start({ ...TEST_INSTANCE_OPTIONS, ...options }, clock));
  });
  afterAll(async () => {
    await current?.sim.stop();
  });
  return {
    get sim() {
      return get().sim;
    },
    get url() {
      return get().url;
    },
    api: (path, init) => get().api(path, init),
    json: (path, init) => get().json(path, init),
    raw: (path, init) => get().raw(path, init),
  };
}

/** JSON body for a write, with the Content-Type a write requires (§1.1). */
export function jsonBody(method: string, payload: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method,
    headers: { "Content-Type": "application/json", Accept: "application/json", ...headers },
    body: JSON.stringify(payload),
  };
}

/** Every record of a list, paged with ORDERBYsys_id (limit per page), as the raw text of each page. */
export async function dumpPages(instance: TestInstance, table: string, pageSize: number): Promise<string[]> {
  const pages: string[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const res = await instance.api(
      `/api/now/table/${table}?sysparm_query=ORDERBYsys_id&sysparm_limit=${pageSize}&sysparm_offset=${offset}`,
    );
    const text = await res.text();
    if (res.status !== 200) throw new Error(`dump of ${table} failed: ${res.status} ${text}`);
    pages.push(text);
    if ((JSON.parse(text) as { result: unknown[] }).result.length < pageSize) return pages;
  }
}
