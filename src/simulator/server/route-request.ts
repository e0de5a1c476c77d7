// Maps a path to the API that serves it (shared/reference/servicenow-api.md §9 "Routes"). Anything else under
// /api/now is answered 400 "Requested URI does not represent any resource", as a real instance does.

export type Route =
  | { api: "table"; version: string; table: string; sysId: string | undefined }
  | { api: "stats"; version: string; table: string }
  | { api: "batch" }
  | { api: "oauth" }
  | { api: "admin"; rest: string }
  | { api: "unknown-api" }
  | { api: "not-found" };

const TABLE = /^\/api\/now(?:\/(v1|v2))?\/table\/([A-Za-z0-9_]+)(?:\/([^/]+))?\/?$/;
const STATS = /^\/api\/now(?:\/(v1))?\/stats\/([A-Za-z0-9_]+)\/?$/;

export function routeRequest(path: string): Route {
  const table = TABLE.exec(path);
  if (table) return { api: "table", version: table[1] ?? "", table: table[2] as string, sysId: table[3] };
  const stats = STATS.exec(path);
  if (stats) return { api: "stats", version: stats[1] ?? "", table: stats[2] as string };
  if (path === "/api/now/v1/batch" || path === "/api/now/batch") return { api: "batch" };
  if (path === "/oauth_token.do") return { api: "oauth" };
  if (path.startsWith("/_sim/")) return { api: "admin", rest: path.slice("/_sim/".length) };
  if (path === "/api/now" || path.startsWith("/api/now/")) return { api: "unknown-api" };
  return { api: "not-found" };
}
