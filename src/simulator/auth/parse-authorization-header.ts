// Splits an `Authorization` header into Basic credentials or a Bearer token (reference §4).

export type ParsedAuthorization =
  | { scheme: "basic"; username: string; password: string }
  | { scheme: "bearer"; token: string };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Undefined when the header is absent, of another scheme, or malformed; the caller answers 401 in every such case. */
export function parseAuthorizationHeader(header: string | undefined): ParsedAuthorization | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(header);
  if (!match) return undefined;
  const scheme = (match[1] ?? "").toLowerCase();
  const credentials = match[2] ?? "";
  if (scheme === "bearer") return { scheme: "bearer", token: credentials };
  if (scheme !== "basic" || !BASE64.test(credentials)) return undefined;
  const decoded = Buffer.from(credentials, "base64").toString("utf8");
  // RFC 7617: the user-id cannot contain a colon, the password can.
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { scheme: "basic", username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
