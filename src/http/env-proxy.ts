// The proxy an https request must go through, from the environment as curl and axios read it (proxy-from-env rules,
// which axios 1.21 applied and docs/security.md promises): https_proxy / HTTPS_PROXY, else all_proxy / ALL_PROXY,
// unless NO_PROXY matches the host ("*"; an exact name; ".example.com" or "*.example.com" as a suffix; an optional
// ":port"). Loopback is never proxied: the embedded dev instance and local test servers are on this machine.

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

function envValue(env: NodeJS.ProcessEnv, name: string): string {
  return env[name.toLowerCase()] || env[name.toUpperCase()] || "";
}

function bypassed(hostname: string, port: number, noProxy: string): boolean {
  if (noProxy === "*") return true;
  return noProxy.split(/[,\s]/).some((entry) => {
    if (entry === "") return false;
    const withPort = /^(.+):(\d+)$/.exec(entry);
    const name = withPort?.[1] ?? entry;
    if (withPort !== null && Number(withPort[2]) !== port) return false;
    if (!/^[.*]/.test(name)) return hostname === name;
    return hostname.endsWith(name.replace(/^\*/, ""));
  });
}

/** The proxy URL for an https target, or undefined to connect directly. */
export function envProxyFor(target: URL, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  const hostname = target.hostname.toLowerCase();
  if (LOOPBACK.test(hostname)) return undefined;
  const port = Number(target.port) || 443;
  if (bypassed(hostname, port, envValue(env, "no_proxy").toLowerCase())) return undefined;
  const proxy = envValue(env, "https_proxy") || envValue(env, "all_proxy");
  if (proxy === "") return undefined;
  return new URL(proxy.includes("://") ? proxy : `http://${proxy}`);
}
