// Table API: list/get/post/put/patch/delete on `/api/now[/v1|/v2]/table/{table}[/{sys_id}]`
// (shared/reference/servicenow-api.md §1). Status codes, envelopes and headers follow §1.1-§1.5.

import { applyAclShort } from "../faults/apply-acl-short.js";
import { compileQuery } from "../query/compile-query.js";
import { parseEncodedQuery } from "../query/parse-encoded-query.js";
import type { SimRecord } from "../schema/types.js";
import { checkNewColumn, registerNewColumn } from "./dictionary-columns.js";
import * as errors from "./error-envelopes.js";
import { glideDateTime, type InstanceContext } from "./instance-context.js";
import { linkHeader } from "./link-header.js";
import { parseTableParams, type TableParams } from "./parse-table-params.js";
import { queryContextFor, referenceDisplay } from "./query-context-for.js";
import { serializerFromPlan } from "./serialize-record.js";
import { serializerPlan } from "./serializer-plans.js";
import { jsonResponse, type SimRequest, type SimResponse, type WriteEvent } from "./sim-request.js";

export interface TableRoute {
  /** "v1", "v2" or "" (latest). */
  version: string;
  table: string;
  sysId: string | undefined;
}

function apiBase(req: SimRequest, version: string): string {
  return `${req.origin}/api/now${version ? `/${version}` : ""}`;
}

function serializerFor(ctx: InstanceContext, req: SimRequest, route: TableRoute, p: TableParams) {
  const plan = serializerPlan(ctx.schema, {
    table: route.table,
    displayValue: p.displayValue,
    excludeReferenceLink: p.excludeReferenceLink,
    fields: p.fields,
  });
  return serializerFromPlan(plan, {
    table: route.table,
    displayValue: p.displayValue,
    excludeReferenceLink: p.excludeReferenceLink,
    fields: p.fields,
    apiBaseUrl: apiBase(req, route.version),
    schema: ctx.schema,
    lookup: (t, id) => ctx.store.get(t, id),
    display: {
      timeZone: req.user.timeZone,
      referenceDisplay: (t, id) => referenceDisplay(ctx, t, id),
      tableLabel: (t) => ctx.schema.label(t),
    },
  });
}

/** Queries whose meaning moves with the clock (`javascript:gs.daysAgo(1)`, `RELATIVEGT@…`) cannot share a total. */
const CLOCK_DEPENDENT = /javascript:|RELATIVE[GL][TE]/;

function list(ctx: InstanceContext, req: SimRequest, route: TableRoute): SimResponse {
  const p = parseTableParams(req.params);
  const qctx = queryContextFor(ctx, route.table, req.user.timeZone);
  const compiled = compileQuery(parseEncodedQuery(p.query), qctx, {
    invalidQueryReturnsNoRows: ctx.settings.invalidQueryReturnsNoRows,
  });
  const page = compiled.returnsNoRows
    ? { records: [] as SimRecord[], total: 0 }
    : ctx.store.query(route.table, {
        query: compiled,
        offset: p.offset,
        limit: p.limit,
        withTotal: !p.noCount,
        // Offset pages of one query reuse its X-Total-Count until the data changes (the store drops it on write).
        ...(CLOCK_DEPENDENT.test(p.query) ? {} : { cacheKey: p.query }),
        // ORDERBY on a dot-walk (`ORDERBYowned_by.name`) sorts by the referenced record's value.
        sortValue: (record, field) => qctx.value(record, field),
      });
  const total = p.noCount ? undefined : (page.total ?? 0);
  const pageRows = page.records.length;
  const serialize = serializerFor(ctx, req, route, p);
  let rows: unknown[] = page.records.map(serialize);
  // §0 fact 5 / KB0727636: the limit is applied before ACL evaluation, so rows vanish from a page after paging.
  if (req.aclShort) rows = applyAclShort(rows, req.aclShort);
  if (route.version === "v1" && pageRows === 0) return jsonResponse(404, errors.noRecordFound());
  const headers: Record<string, string> = {};
  if (total !== undefined) headers["X-Total-Count"] = String(total);
  if (!p.suppressPaginationHeader) {
    const echoed = [...req.params].filter(([k]) => k !== "sysparm_offset" && k !== "sysparm_limit");
    const link = linkHeader({
      baseUrl: `${apiBase(req, route.version)}/table/${route.table}`,
      params: echoed,
      offset: p.offset,
      limit: p.limit,
      total,
      pageRows,
      prevOnFirstPage: ctx.settings.prevOnFirstPage,
    });
    if (link) headers.Link = link;
  }
  return jsonResponse(200, { result: rows }, { headers, listRows: rows, rowCount: rows.length });
}

function getOne(ctx: InstanceContext, req: SimRequest, route: TableRoute, sysId: string): SimResponse {
  const record = ctx.store.get(route.table, sysId);
  if (!record) return jsonResponse(404, errors.noRecordFound());
  const p = parseTableParams(req.params);
  return jsonResponse(200, { result: serializerFor(ctx, req, route, p)(record) }, { rowCount: 1 });
}

type BodyResult = { ok: true; values: SimRecord } | { ok: false; response: SimResponse };

/** Parses a write body; §1.1: "only the first record is processed, the rest are ignored". */
function readBody(req: SimRequest): BodyResult {
  const type = req.headers["content-type"] ?? "";
  if (!/^application\/json\b/i.test(type))
    return { ok: false, response: jsonResponse(400, errors.unsupportedContentType()) };
  let parsed: unknown;
  try {
    parsed = req.body.trim() === "" ? {} : JSON.parse(req.body);
  } catch {
    return { ok: false, response: jsonResponse(400, errors.invalidJsonBody()) };
  }
  if (Array.isArray(parsed)) parsed = parsed[0] ?? {};
  if (parsed === null || typeof parsed !== "object") {
    return { ok: false, response: jsonResponse(400, errors.invalidJsonBody()) };
  }
  return { ok: true, values: toStoredValues(parsed as Record<string, unknown>) };
}

/** Input values arrive as JSON of any type; the instance stores strings (numbers and booleans stringified). */
function toStoredValues(body: Record<string, unknown>): SimRecord {
  const out: SimRecord = {};
  for (const [k, v] of Object.entries(body)) {
    if (v === null || v === undefined) out[k] = "";
    else if (typeof v === "object") {
      const inner = (v as { value?: unknown }).value;
      out[k] = inner === undefined || inner === null ? "" : String(inner);
    } else out[k] = String(v);
  }
  return out;
}

/** Dictionary and table definitions: only admins may write them on a real instance. */
const ADMIN_ONLY_TABLES: ReadonlySet<string> = new Set(["sys_db_object", "sys_dictionary"]);

function canWrite(req: SimRequest, table: string): boolean {
  if (req.user.roles.includes("admin")) return true;
  if (ADMIN_ONLY_TABLES.has(table)) return false;
  return req.user.roles.includes("itil") || req.user.roles.includes("writer");
}

function deniedField(ctx: InstanceContext, table: string, values: SimRecord): boolean {
  const chain = ctx.schema.ancestors(table);
  return ctx.settings.writeDenied.some((d) => chain.includes(d.table) && d.field in values);
}

function writeResponse(
  ctx: InstanceContext,
  req: SimRequest,
  route: TableRoute,
  status: number,
  record: SimRecord,
  writes: WriteEvent[],
  extraHeaders: Record<string, string> = {},
): SimResponse {
  // §1.1: `X-no-response-body: true` suppresses the record echo.
  if ((req.headers["x-no-response-body"] ?? "").toLowerCase() === "true") {
    return { status, headers: extraHeaders, rowCount: 0, writes };
  }
  const p = parseTableParams(req.params);
  return jsonResponse(
    status,
    { result: serializerFor(ctx, req, route, p)(record) },
    { headers: extraHeaders, rowCount: 1, writes },
  );
}

function insert(ctx: InstanceContext, req: SimRequest, route: TableRoute): SimResponse {
  const body = readBody(req);
  if (!body.ok) return body.response;
  if (!canWrite(req, route.table)) return jsonResponse(403, errors.insertDenied());
  const values = body.values;
  if (route.table === "sys_dictionary") {
    const denied = checkNewColumn(ctx, req, values);
    if (denied) return denied;
  }
  if (deniedField(ctx, route.table, values)) return jsonResponse(403, errors.insertDenied());
  const after = ctx.store.insert(route.table, values, { user: req.user.name, now: glideDateTime(ctx.now()) });
  if (route.table === "sys_dictionary") registerNewColumn(ctx, after);
  const writes: WriteEvent[] = [
    {
      op: "insert",
      table: route.table,
      sysId: after.sys_id ?? "",
      user: req.user.name,
      before: null,
      after,
      changedFields: Object.keys(values),
    },
  ];
  const location = `${apiBase(req, route.version)}/table/${route.table}/${after.sys_id}`;
  return writeResponse(ctx, req, route, 201, after, writes, { Location: location });
}

function update(ctx: InstanceContext, req: SimRequest, route: TableRoute, sysId: string): SimResponse {
  const body = readBody(req);
  if (!body.ok) return body.response;
  const values = body.values;
  // A missing record is 404 before any 403. Whether the write is allowed does not depend on the record, so an
  // allowed write reads it once, in store.update (which answers undefined when it is missing).
  if (!canWrite(req, route.table) || deniedField(ctx, route.table, values)) {
    if (!ctx.store.get(route.table, sysId)) return jsonResponse(404, errors.noRecordFound());
    return jsonResponse(403, errors.updateDenied());
  }
  const result = ctx.store.update(route.table, sysId, values, { user: req.user.name, now: glideDateTime(ctx.now()) });
  if (!result) return jsonResponse(404, errors.noRecordFound());
  const writes: WriteEvent[] = [
    {
      op: "update",
      table: route.table,
      sysId,
      user: req.user.name,
      before: result.before,
      after: result.after,
      changedFields: result.changedFields,
      beforeJson: result.beforeJson,
      afterJson: result.afterJson,
    },
  ];
  return writeResponse(ctx, req, route, 200, result.after, writes);
}

function remove(ctx: InstanceContext, req: SimRequest, route: TableRoute, sysId: string): SimResponse {
  if (!ctx.store.get(route.table, sysId)) return jsonResponse(404, errors.noRecordFound());
  if (!canWrite(req, route.table)) return jsonResponse(403, errors.deleteDenied());
  const before = ctx.store.delete(route.table, sysId);
  if (!before) return jsonResponse(404, errors.noRecordFound());
  return {
    status: 204,
    headers: {},
    rowCount: 0,
    writes: [{ op: "delete", table: route.table, sysId, user: req.user.name, before, after: null, changedFields: [] }],
  };
}

export function handleTable(ctx: InstanceContext, req: SimRequest, route: TableRoute): SimResponse {
  if (!ctx.schema.hasTable(route.table)) return jsonResponse(400, errors.invalidTable(route.table));
  const { sysId } = route;
  switch (req.method) {
    case "GET":
    case "HEAD":
      return sysId === undefined ? list(ctx, req, route) : getOne(ctx, req, route, sysId);
    case "POST":
      return sysId === undefined ? insert(ctx, req, route) : jsonResponse(405, errors.methodNotAllowed());
    case "PUT":
    case "PATCH":
      return sysId === undefined ? jsonResponse(405, errors.methodNotAllowed()) : update(ctx, req, route, sysId);
    case "DELETE":
      return sysId === undefined ? jsonResponse(405, errors.methodNotAllowed()) : remove(ctx, req, route, sysId);
    default:
      return jsonResponse(405, errors.methodNotAllowed());
  }
}
