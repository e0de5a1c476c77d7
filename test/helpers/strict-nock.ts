// Strict HTTP mocks (DESIGN.md §5; Renovate test/http-mock.ts): no request leaves the process except to loopback,
// a test fails on an unused mock AND on an unmatched request (even one the code under test would retry past).
import nock from "nock";
import { afterAll, afterEach, beforeAll } from "vitest";

const LOOPBACK = /^(127\.0\.0\.1|localhost)(:\d+)?$/;

function hostOf(href: string): string {
  try {
    return new URL(href).host;
  } catch {
    return "";
  }
}

/**
 * Call once at the top of a test file. ONE enableNetConnect call with one RegExp: each call replaces the previous
 * matcher (reference/node20-stack.md §3 "nock" gotcha).
 */
export function useStrictNock(): void {
  const unmatched: string[] = [];
  const onNoMatch = (req: { method?: string; path?: string; href?: string; options?: { href?: string } }) => {
    const href = req.href ?? req.options?.href ?? req.path ?? "?";
    // nock also reports requests it lets through to an allowed host: those reach a real local server, not a mock.
    if (LOOPBACK.test(hostOf(href))) return;
    unmatched.push(`${req.method ?? "?"} ${href}`);
  };

  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(LOOPBACK);
    nock.emitter.on("no match", onNoMatch);
  });

  afterEach(() => {
    const pending = nock.pendingMocks();
    const stray = unmatched.splice(0);
    nock.abortPendingRequests();
    nock.cleanAll();
    const problems = [
      ...(pending.length > 0 ? [`unused mocks: ${pending.join(", ")}`] : []),
      ...(stray.length > 0 ? [`unmatched requests: ${stray.join(", ")}`] : []),
    ];
    if (problems.length > 0) throw new Error(`strict-nock: ${problems.join("; ")}`);
  });

  afterAll(() => {
    nock.emitter.off("no match", onNoMatch);
    nock.enableNetConnect();
  });
}

/**
 * A socket-level error for `.replyWithError()`. It must be an Error instance: with nock 14.0.17 a plain object
 * (`{ code: "ECONNRESET" }`, as older nock docs show) never reaches the client, and the request hangs.
 */
export function netError(code: string, message = code === "ECONNRESET" ? "socket hang up" : code): Error {
  return Object.assign(new Error(message), { code });
}
