// One ServiceNow-compatible instance: where it is, how to authenticate, and how hard the connector may press it.
// Invariant 7 (DESIGN.md §4): TLS on; plain http:// only for loopback (the dev instance) or with an explicit flag.
import { z } from "zod";
import { flag, numeric } from "./config-scalars.js";

export const BasicAuth = z
  .strictObject({
    kind: z.literal("basic").describe("HTTP Basic authentication with an integration user."),
    username: z.string().min(1).describe("Integration user name (environment: SN_USERNAME)."),
    password: z
      .string()
      .min(1)
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config file's own syntax
      .describe("Integration user password. Write `${SN_PASSWORD}`, never the password itself."),
  })
  .describe("Basic authentication.");
export type BasicAuth = z.infer<typeof BasicAuth>;

export const OAuthAuth = z
  .strictObject({
    kind: z.literal("oauth").describe("OAuth 2.0 through /oauth_token.do (chosen when SN_CLIENT_ID is set)."),
    clientId: z
      .string()
      .min(1)
      .describe("OAuth client id of the Application Registry entry (environment: SN_CLIENT_ID)."),
    clientSecret: z
      .string()
      .min(1)
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config file's own syntax
      .describe("OAuth client secret. Write `${SN_CLIENT_SECRET}`, never the secret itself."),
    username: z
      .string()
      .min(1)
      .optional()
      .describe("With password: the password grant as this user. Without: the client_credentials grant."),
    password: z
      .string()
      .min(1)
      .optional()
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config file's own syntax
      .describe("Password of `username` for the password grant. Write `${SN_PASSWORD}`."),
  })
  .superRefine((auth, ctx) => {
    if ((auth.username === undefined) !== (auth.password === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [auth.username === undefined ? "username" : "password"],
        message:
          "OAuth needs both username and password (password grant) or neither (client_credentials grant): set SN_USERNAME and SN_PASSWORD together, or unset both",
      });
    }
  })
  .describe("OAuth 2.0 authentication.");
export type OAuthAuth = z.infer<typeof OAuthAuth>;

export const InstanceAuth = z
  .discriminatedUnion("kind", [BasicAuth, OAuthAuth])
  .describe("How the connector authenticates: `kind: basic` or `kind: oauth`.");
export type InstanceAuth = z.infer<typeof InstanceAuth>;

/** True for hosts that never leave the machine, where plain http:// is acceptable (the embedded dev instance). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

const instanceUrl = z
  .string()
  .superRefine((text, ctx) => {
    // Messages never echo the URL: a mistyped one may carry credentials.
    const url = parseUrl(text);
    if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:")) {
      ctx.addIssue({ code: "custom", message: "must be an absolute URL such as https://acme.service-now.com" });
    } else if (url.username !== "" || url.password !== "") {
      ctx.addIssue({ code: "custom", message: "must not contain credentials: remove user:password@ and use auth" });
    } else if (url.search !== "" || url.hash !== "") {
      ctx.addIssue({ code: "custom", message: "must be the instance's base URL, without ?query or #fragment" });
    }
  })
  // One spelling for everyone who joins paths onto it.
  .transform((text) => text.replace(/\/+$/, ""));

export const InstanceConfig = z
  .strictObject({
    url: instanceUrl.describe(
      "Base URL of the instance, e.g. https://acme.service-now.com (environment: SN_INSTANCE_URL).",
    ),
    auth: InstanceAuth,
    allowInsecureHttp: flag(z.boolean().default(false)).describe(
      "Allow plain http:// to a host other than this machine. Leave false: credentials would cross the network in clear.",
    ),
    timeoutMs: numeric(z.int().min(1000).max(600_000).default(90_000)).describe(
      "Time limit of one HTTP request in milliseconds. Above the instance's 60 s transaction quota, so its own cancellation is seen (servicenow-api.md §0.12).",
    ),
    maxConcurrent: numeric(z.int().min(1).max(64).default(4)).describe(
      "Requests in flight at once. 4 matches the instance's API_INT semaphore per node (servicenow-api.md §3.3); more only queues or gets 429.",
    ),
    hourlyRequestQuota: numeric(z.int().min(1).optional()).describe(
      "Requests per hour the connector allows itself (to stay under a rate-limit rule). Absent: follow X-RateLimit-* headers only.",
    ),
    retries: numeric(z.int().min(0).max(20).default(5)).describe(
      "How many times one request is retried after a transient failure (5xx, reset, timeout, 429), with full-jitter backoff.",
    ),
    maxRetryAfterS: numeric(z.int().min(0).max(86_400).default(300)).describe(
      "Longest Retry-After wait in seconds the connector accepts; a longer one ends the run with exit 75 (try again later).",
    ),
  })
  .superRefine(
    (instance, ctx) => {
      // Runs even when other fields failed (`when`), so the value is checked defensively.
      const url = typeof instance.url === "string" ? parseUrl(instance.url) : undefined;
      if (url?.protocol === "http:" && !isLoopbackHost(url.hostname) && instance.allowInsecureHttp !== true) {
        ctx.addIssue({
          code: "custom",
          path: ["url"],
          message:
            "plain http:// is only allowed for this machine (localhost): use https://, or set allowInsecureHttp: true if you accept sending credentials in clear",
        });
      }
    },
    { when: () => true },
  )
  .describe("A ServiceNow-compatible instance.");
export type InstanceConfig = z.infer<typeof InstanceConfig>;
