// Which instance URLs we agree to talk to (DESIGN.md §4 invariant 7): https always; plain http only to loopback
// (the embedded dev instance, tests) or with the explicit `allowInsecureHttp` flag. No credentials in the URL.
import { isIP } from "node:net";
import { ConnectorError } from "../lib/connector-error.js";

/** 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1" || host === "0:0:0:0:0:0:0:1";
}

/** Parses and checks the instance URL; query and fragment dropped (the path of a gateway prefix is kept). */
export function parseInstanceUrl(raw: string, options: { allowInsecureHttp?: boolean } = {}): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConnectorError(
      "config",
      `The instance URL is not a URL: set SN_INSTANCE_URL (or instance.url) to e.g. https://acme.service-now.com.`,
    );
  }
  if (url.username !== "" || url.password !== "") {
    // Never echo it back: it holds a password.
    throw new ConnectorError(
      "config",
      `The instance URL contains credentials; remove them and use SN_USERNAME / SN_PASSWORD (or OAuth) instead.`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConnectorError("config", `The instance URL must start with https:// (got ${url.protocol}//${url.host}).`);
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname) && options.allowInsecureHttp !== true) {
    throw new ConnectorError(
      "config",
      `Refusing plain http:// to ${url.host}: credentials and data would cross the network unencrypted. Use ` +
        `https://, or set allowInsecureHttp: true if this is a deliberate test setup (loopback is always allowed).`,
    );
  }
  url.search = "";
  url.hash = "";
  return url;
}
