// The fault matrix's write figures, computed from the dev instance's ledger alone (reference/
// style-reliability-ecosystem.md B6, last paragraph): what the instance applied, not what the connector says.
// Pure functions of ledger entries, unit-tested in ledger-figures.test.ts.
import type { LedgerRequest, LedgerWrite } from "../../src/simulator/store/ledger.js";

export interface WriteFigures {
  /** Updates the instance applied for the connector on the table (no-op PATCHes included). */
  applied: number;
  /** Of those, the ones that changed at least one value. */
  valueChanging: number;
  /**
   * Idempotent repeats: an update that changed nothing, on a record the connector had already written with a change
   * (a replayed PATCH whose values were there already). Harmless, counted.
   */
  duplicateWrites: number;
  /**
   * A record changed by the connector more than once: must be 0 while the values it wants do not change (a replay
   * that carried different values, e.g. a new computed-on stamp, would be one).
   */
  nonIdempotentDuplicates: number;
  /** Their sys_ids (first 20). */
  nonIdempotentSysIds: string[];
}

export interface WriteFilter {
  /** The connector's integration user. */
  user: string;
  table: string;
}

function connectorUpdates(writes: readonly LedgerWrite[], f: WriteFilter): LedgerWrite[] {
  return writes.filter((w) => w.op === "update" && w.user === f.user && w.table === f.table);
}

export function writeFigures(writes: readonly LedgerWrite[], f: WriteFilter): WriteFigures {
  const changedBefore = new Set<string>();
  const out: WriteFigures = {
    applied: 0,
    valueChanging: 0,
    duplicateWrites: 0,
    nonIdempotentDuplicates: 0,
    nonIdempotentSysIds: [],
  };
  for (const w of connectorUpdates(writes, f)) {
    out.applied++;
    const changed = w.changedFields.length > 0;
    if (changed) out.valueChanging++;
    if (changedBefore.has(w.sysId)) {
      if (changed) {
        out.nonIdempotentDuplicates++;
        if (out.nonIdempotentSysIds.length < 20) out.nonIdempotentSysIds.push(w.sysId);
      } else out.duplicateWrites++;
    }
    if (changed) changedBefore.add(w.sysId);
  }
  return out;
}

export interface HumanEditFigures {
  /** (record, field) pairs a human changed. */
  edits: number;
  /** Of those, the ones a later connector write changed again. */
  overwritten: number;
  overwrittenPairs: string[];
}

/** Human edits (writes by `human`, limited to `fields` when given) that a later connector write changed again. */
export function humanEditFigures(
  writes: readonly LedgerWrite[],
  human: string,
  f: WriteFilter,
  fields?: ReadonlySet<string>,
): HumanEditFigures {
  const edits = new Map<string, number>(); // "sysId field" → ledger write id of the human's last edit
  const out: HumanEditFigures = { edits: 0, overwritten: 0, overwrittenPairs: [] };
  const overwritten = new Set<string>();
  for (const w of writes) {
    if (w.table !== f.table || w.op !== "update") continue;
    if (w.user === human) {
      for (const field of w.changedFields) {
        if (fields && !fields.has(field)) continue;
        const pair = `${w.sysId} ${field}`;
        edits.set(pair, w.id);
        overwritten.delete(pair);
      }
    } else if (w.user === f.user) {
      for (const field of w.changedFields) {
        const pair = `${w.sysId} ${field}`;
        if (edits.has(pair)) overwritten.add(pair);
      }
    }
  }
  out.edits = edits.size;
  out.overwritten = overwritten.size;
  out.overwrittenPairs = [...overwritten].slice(0, 20);
  return out;
}

interface KeyBound {
  /** Lowest key the group can return, as "updatedOn|sysId"; "" when unbounded. */
  low: string;
  /** True when the key itself is returned (`>=`), false for `>`. */
  inclusive: boolean;
  /** Highest sys_updated_on (signpost), inclusive. */
  until: string | undefined;
}

/** After every hex sys_id: the bound of `sys_updated_on>X`. */
const AFTER_ANY_SYS_ID = "~";

/** The keyset bounds of one ^NQ group of a list query (keyset-pages.ts: `>`, `=`+`sys_id>`, `>=`, `<=`). */
function groupBound(group: string): KeyBound {
  let low = "";
  let inclusive = true;
  let until: string | undefined;
  const terms = group.split("^");
  const eq = terms.find((t) => t.startsWith("sys_updated_on="))?.slice("sys_updated_on=".length);
  const idAfter = terms.find((t) => t.startsWith("sys_id>"))?.slice("sys_id>".length);
  const raise = (candidate: string, incl: boolean) => {
    if (candidate > low || (candidate === low && !incl)) {
      low = candidate;
      inclusive = incl;
    }
  };
  for (const t of terms) {
    if (t.startsWith("sys_updated_on>=")) raise(`${t.slice("sys_updated_on>=".length)}|`, true);
    else if (t.startsWith("sys_updated_on>")) raise(`${t.slice("sys_updated_on>".length)}|${AFTER_ANY_SYS_ID}`, false);
    else if (t.startsWith("sys_updated_on<=")) until = t.slice("sys_updated_on<=".length);
  }
  if (eq !== undefined && idAfter !== undefined) raise(`${eq}|${idAfter}`, false);
  return { low, inclusive, until };
}

function groupMatches(b: KeyBound, updatedOn: string, sysId: string): boolean {
  const key = `${updatedOn}|${sysId}`;
  if (b.until !== undefined && updatedOn > b.until) return false;
  return b.inclusive ? key >= b.low : key > b.low;
}

/** The lowest key ("updatedOn|sysId") a keyset list query can return; "" for a read from the beginning. */
export function keysetLowKey(query: string): string {
  return (
    query
      .split("^NQ")
      .map((g) => groupBound(g).low)
      .sort()[0] ?? ""
  );
}

interface Read {
  id: number;
  atMs: number;
  /** sys_ids named by a `sys_idIN` query (a direct read), else undefined. */
  sysIds?: ReadonlySet<string>;
  groups?: KeyBound[];
  /** Lowest key over the groups (the page's place in a keyset read). */
  low?: string;
}

function tablePath(table: string): RegExp {
  return new RegExp(`^/api/now(?:/v\\d)?/table/${table}$`);
}

function readsOf(requests: readonly LedgerRequest[], table: string): Read[] {
  const path = tablePath(table);
  const reads: Read[] = [];
  for (const r of requests) {
    if (r.method !== "GET" || r.status !== 200 || !path.test(r.path) || (r.rows ?? 0) === 0) continue;
    const query = new URLSearchParams(r.query).get("sysparm_query") ?? "";
    if (query.includes("ORDERBYDESC")) continue; // the probe of a sliced read: one row, newest first
    const atMs = Date.parse(r.at);
    const inTerm = query.split("^").find((t) => t.startsWith("sys_idIN"));
    if (inTerm !== undefined) {
      reads.push({ id: r.id, atMs, sysIds: new Set(inTerm.slice("sys_idIN".length).split(",")) });
      continue;
    }
    reads.push({ id: r.id, atMs, groups: query.split("^NQ").map(groupBound), low: keysetLowKey(query) });
  }
  return reads;
}

/**
 * The residual race window of each connector write (fault matrix row 12b): the time between the connector's last
 * read of the record and its PATCH landing, from the ledger's timestamps. A human edit landing in that window is
 * not seen by the pre-PATCH comparison. The read is the latest list request before the PATCH that returned the
 * record: a `sys_idIN` read naming it, or the keyset page whose lower bound is the highest below the record's key
 * (its sys_updated_on when read: the `before` of the first write to it after the connector's previous one).
 */
export function raceWindowsMs(
  requests: readonly LedgerRequest[],
  writes: readonly LedgerWrite[],
  f: WriteFilter,
): number[] {
  const byId = new Map(requests.map((r) => [r.id, r]));
  const reads = readsOf(requests, f.table);
  const firstWriteAfter = new Map<string, LedgerWrite>(); // sysId → first write since the connector's last one
  const windows: number[] = [];
  for (const w of writes) {
    if (w.table !== f.table || w.op !== "update") continue;
    if (!firstWriteAfter.has(w.sysId)) firstWriteAfter.set(w.sysId, w);
    if (w.user !== f.user) continue;
    const readState = firstWriteAfter.get(w.sysId)?.before;
    firstWriteAfter.delete(w.sysId);
    const patch = byId.get(w.requestId);
    if (!patch || !readState) continue;
    const updatedOn = readState.sys_updated_on ?? "";
    let direct: Read | undefined;
    let page: Read | undefined;
    for (const read of reads) {
      if (read.id >= patch.id) break;
      if (read.sysIds) {
        if (read.sysIds.has(w.sysId)) direct = read;
      } else if (read.groups?.some((g) => groupMatches(g, updatedOn, w.sysId))) {
        // The next page of a keyset read (or a later run's read) starts higher; the same bound again: a later try.
        if (page === undefined || (read.low ?? "") >= (page.low ?? "")) page = read;
      }
    }
    const best = direct === undefined ? page : page === undefined || direct.id > page.id ? direct : page;
    if (best) windows.push(Date.parse(patch.at) - best.atMs);
  }
  return windows;
}

/** Nearest-rank percentile (p in 0..100); null for no values. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? null;
}
