// Admin endpoints of the dev instance, outside /api/now so a connector can never reach them by accident:
//   GET    /_sim/info                         what is loaded (seed, sizes, anchor, counts), credentials excluded
//   GET    /_sim/ledger/requests?sinceId&method&pathPrefix&limit
//   GET    /_sim/ledger/writes?sinceId&table&sysId&user&limit
//   GET    /_sim/ledger/counts
//   DELETE /_sim/ledger                       forget what was recorded so far
//   GET    /_sim/faults | PUT /_sim/faults    read or replace the fault settings (JSON body, FaultSettings)
//   GET    /_sim/settings | PATCH /_sim/settings   instance properties (invalid query switch, write ACLs, limits)
//   PATCH  /_sim/records/{table}/{sys_id}     edit a record as a named human: {"user":"…","values":{…}}
//   GET    /_sim/hash/{table}?fields=a,b      count and SHA-256 of a table's records (ordered by sys_id)
//   POST   /_sim/reset                        back to the seeded state
//   POST   /_sim/tokens/expire                expire every OAuth access token now
import { z } from "zod";
import { FaultSettings } from "../faults/fault-settings.js";
import { RateLimiter } from "../limits/rate-limiter.js";
import { Semaphore } from "../limits/semaphore.js";
import type { DevInstance } from "./dev-instance.js";
import { glideDateTime } from "./instance-context.js";
import { jsonResponse, type SimResponse } from "./sim-request.js";
import { tableHash } from "./table-hash.js";

const HumanEdit = z.object({
  user: z.string().min(1),
  values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});

const SettingsPatch = z
  .object({
    invalidQueryReturnsNoRows: z.boolean(),
    prevOnFirstPage: z.boolean(),
    writeDenied: z.array(z.object({ table: z.string(), field: z.string() })),
    rateLimitPerHour: z.number().int().min(1).nullable(),
    maxConcurrent: z.number().int().min(1),
    accessTokenLifetimeS: z.number().int().min(1),
  })
  .partial();

function bad(message: string): SimResponse {
  return jsonResponse(400, { error: { message, detail: null }, status: "failure" });
}

function parseJson(body: string): unknown {
  try {
    return body.trim() === "" ? {} : JSON.parse(body);
  } catch {
    return undefined;
  }
}

function num(params: URLSearchParams, name: string): number | undefined {
  const v = params.get(name);
  return v !== null && /^\d+$/.test(v) ? Number(v) : undefined;
}

export async function handleAdmin(
  sim: DevInstance,
  method: string,
  rest: string,
  params: URLSearchParams,
  body: string,
): Promise<SimResponse> {
  const [head, ...tail] = rest.split("/");
  const key = `${method} ${head}`;
  switch (key) {
    case "GET info":
      // Wrapped in `result` like every other admin answer (and like POST /_sim/reset, which returns the same object).
      return jsonResponse(200, { result: sim.info() });
    case "GET ledger": {
      if (tail[0] === "requests") {
        return jsonResponse(200, {
          result: sim.ledger.requests({
            sinceId: num(params, "sinceId"),
            method: params.get("method") ?? undefined,
            pathPrefix: params.get("pathPrefix") ?? undefined,
            limit: num(params, "limit"),
          }),
        });
      }
      if (tail[0] === "writes") {
        return jsonResponse(200, {
          result: sim.ledger.writes({
            sinceId: num(params, "sinceId"),
            table: params.get("table") ?? undefined,
            sysId: params.get("sysId") ?? undefined,
            user: params.get("user") ?? undefined,
            limit: num(params, "limit"),
          }),
        });
      }
      if (tail[0] === "counts") return jsonResponse(200, { result: sim.ledger.counts() });
      return bad("Unknown ledger view: use requests, writes or counts");
    }
    case "DELETE ledger":
      sim.ledger.clear();
      return jsonResponse(200, { result: "cleared" });
    case "GET faults":
      return jsonResponse(200, { result: sim.faults.settings() });
    case "PUT faults": {
      const parsed = FaultSettings.safeParse(parseJson(body));
      if (!parsed.success) return bad(`Invalid fault settings: ${z.prettifyError(parsed.error)}`);
      sim.setFaults(parsed.data);
      return jsonResponse(200, { result: sim.faults.settings() });
    }
    case "GET settings":
      return jsonResponse(200, { result: sim.ctx.settings });
    case "PATCH settings": {
      const parsed = SettingsPatch.safeParse(parseJson(body));
      if (!parsed.success) return bad(`Invalid settings: ${z.prettifyError(parsed.error)}`);
      const { rateLimitPerHour, maxConcurrent, accessTokenLifetimeS, ...instance } = parsed.data;
      Object.assign(sim.ctx.settings, instance);
      if (rateLimitPerHour !== undefined) {
        sim.rateLimiter = new RateLimiter(
          rateLimitPerHour === null
            ? []
            : [{ requestsPerHour: rateLimitPerHour, appliesTo: { user: sim.credentials.username }, resource: "table" }],
        );
      }
      if (maxConcurrent !== undefined) sim.semaphore = new Semaphore({ maxConcurrent });
      if (accessTokenLifetimeS !== undefined) sim.auth.setLifetimes({ accessTokenLifetimeS });
      return jsonResponse(200, { result: sim.ctx.settings });
    }
    case "PATCH records": {
      const [table, sysId] = tail;
      if (!table || !sysId) return bad("Use /_sim/records/{table}/{sys_id}");
      if (!sim.ctx.schema.hasTable(table)) return bad(`Unknown table ${table}`);
      const parsed = HumanEdit.safeParse(parseJson(body));
      if (!parsed.success) return bad(`Invalid edit: ${z.prettifyError(parsed.error)}`);
      const values = Object.fromEntries(Object.entries(parsed.data.values).map(([k, v]) => [k, String(v)]));
      const result = sim.store.update(table, sysId, values, {
        user: parsed.data.user,
        now: glideDateTime(sim.ctx.now()),
      });
      if (!result) return jsonResponse(404, { error: { message: "No Record found", detail: null }, status: "failure" });
      sim.ledger.recordWrite({
        requestId: 0,
        op: "update",
        table,
        sysId,
        user: parsed.data.user,
        before: result.before,
        after: result.after,
        changedFields: result.changedFields,
      });
      return jsonResponse(200, { result: result.after });
    }
    case "GET hash": {
      const table = tail[0];
      if (!table || !sim.ctx.schema.hasTable(table)) return bad(`Unknown table ${table ?? ""}`);
      const fields = params.get("fields")?.split(",").filter(Boolean);
      return jsonResponse(200, { result: tableHash(sim.ctx, table, fields) });
    }
    case "POST reset":
      sim.reset();
      return jsonResponse(200, { result: sim.info() });
    case "POST tokens":
      if (tail[0] !== "expire") return bad("Use /_sim/tokens/expire");
      sim.auth.expireAllTokens();
      return jsonResponse(200, { result: "expired" });
    default:
      return jsonResponse(404, {
        error: { message: `No admin endpoint ${method} /_sim/${rest}`, detail: null },
        status: "failure",
      });
  }
}
