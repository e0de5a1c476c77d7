// Benchmark of the dev instance's record store at full size: bulk-loads 100,000 services × 24 months of synthetic
// usage rows (2.4M), then pages through them with the keyset patterns a connector uses, and prints rows/s and
// peak RSS. Run: npx tsx scripts/bench-sim-store.ts [--rows N] [--page N]
import { statSync } from "node:fs";
import type { CompiledQuery, LowerBound, OrderTerm } from "../src/simulator/query/types.js";
import type { FieldDef, FieldType, SchemaView, SimRecord } from "../src/simulator/schema/types.js";
import { RecordStore } from "../src/simulator/store/record-store.js";
import type { RowBoundQuery, RowLowerBound } from "../src/simulator/store/types.js";

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const raw = i >= 0 ? process.argv[i + 1] : undefined;
  return raw === undefined ? fallback : Number(raw);
}

const ROWS = argValue("--rows", 2_400_000);
const PAGE = argValue("--page", 1000);
const MONTHS = 24;
const TABLE = "u_digital_service_usage";

const field = (element: string, type: FieldType): FieldDef => ({ element, type, label: element });
const FIELDS: FieldDef[] = [
  field("sys_id", "GUID"),
  field("sys_class_name", "sys_class_name"),
  field("sys_created_on", "glide_date_time"),
  field("sys_created_by", "string"),
  field("sys_updated_on", "glide_date_time"),
  field("sys_updated_by", "string"),
  field("sys_mod_count", "integer"),
  field("u_service", "reference"),
  field("u_period", "glide_date"),
  field("u_visits", "integer"),
  field("u_page_views", "integer"),
  field("u_transactions", "integer"),
  field("u_data_gb", "decimal"),
  field("u_avg_session_min", "decimal"),
  field("u_mobile_share", "decimal"),
];
const schema: SchemaView = {
  hasTable: (t) => t === TABLE,
  field: (_t, e) => FIELDS.find((f) => f.element === e),
  fields: () => FIELDS,
  descendants: (t) => [t],
  ancestors: (t) => [t],
  displayField: () => "sys_id",
};

/** xorshift32: fast and deterministic, so sys_ids are spread like real GUIDs. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}
const hex8 = (n: number): string => n.toString(16).padStart(8, "0");

function* usageRows(count: number): Generator<SimRecord> {
  const next = rng(42);
  const services = Math.max(1, Math.ceil(count / MONTHS));
  const serviceIds = Array.from({ length: services }, () => hex8(next()) + hex8(next()) + hex8(next()) + hex8(next()));
  for (let i = 0; i < count; i++) {
    const month = Math.floor(i / services);
    const service = i % services;
    const period = `${2024 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, "0")}-01`;
    // One load per month, ~30 rows per second: sys_updated_on has many ties, as on a real instance.
    const second = Math.floor(service / 30);
    const stamp = `${period} ${String(Math.floor(second / 3600) % 24).padStart(2, "0")}:${String(
      Math.floor(second / 60) % 60,
    ).padStart(2, "0")}:${String(second % 60).padStart(2, "0")}`;
    const visits = next() % 100_000;
    yield {
      sys_id: hex8(next()) + hex8(next()) + hex8(next()) + hex8(i),
      sys_class_name: TABLE,
      sys_created_on: stamp,
      sys_created_by: "generator",
      sys_updated_on: stamp,
      sys_updated_by: "generator",
      sys_mod_count: "0",
      u_service: serviceIds[service] as string,
      u_period: period,
      u_visits: String(visits),
      u_page_views: String(visits * 3),
      u_transactions: String(Math.floor(visits / 7)),
      u_data_gb: (visits / 1000).toFixed(3),
      u_avg_session_min: "4.2",
      u_mobile_share: "0.55",
    };
  }
}

function query(
  matches: (r: SimRecord) => boolean,
  orderBy: OrderTerm[],
  bound?: LowerBound,
  rowBound?: RowLowerBound,
): RowBoundQuery {
  const base: CompiledQuery = {
    matches,
    orderBy,
    invalidFields: [],
    returnsNoRows: false,
    lowerBound: (f) => (bound !== undefined && bound.field === f ? bound : undefined),
  };
  return rowBound === undefined ? base : { ...base, lowerBoundRow: () => rowBound };
}

let peakHeapMb = 0;
function sampleHeap(): void {
  peakHeapMb = Math.max(peakHeapMb, process.memoryUsage().heapUsed / 2 ** 20);
}

/** Wall and CPU seconds: the machine may be shared, and CPU time (SQLite runs on this thread) is what we spend. */
function timed<T>(fn: () => T): { value: T; seconds: number; cpuSeconds: number } {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const value = fn();
  const used = process.cpuUsage(cpu);
  return {
    value,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    cpuSeconds: (used.user + used.system) / 1e6,
  };
}

const rate = (rows: number, t: { seconds: number; cpuSeconds: number }): string =>
  `${t.seconds.toFixed(1)} s = ${fmt(rows / t.seconds)} rows/s (${fmt(rows / t.cpuSeconds)} rows/CPU-s)`;

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");
const report = (label: string, detail: string): void => {
  console.log(`${label.padEnd(46)} ${detail}`);
};

const store = RecordStore.open({ schema });
try {
  const load = timed(() => store.bulkLoad(TABLE, usageRows(ROWS)));
  sampleHeap();
  report("bulkLoad (synthetic generator included)", `${fmt(load.value)} rows in ${rate(load.value, load)}`);
  // The generator alone, to tell the store's own cost from the cost of making 2.4M records.
  const generate = timed(() => {
    let n = 0;
    for (const record of usageRows(ROWS)) n += record.sys_id ? 1 : 0;
    return n;
  });
  report("  of which generating the records", rate(generate.value, generate));
  const storeOnly = { seconds: load.seconds - generate.seconds, cpuSeconds: load.cpuSeconds - generate.cpuSeconds };
  report("  bulkLoad, store only (difference)", rate(load.value, storeOnly));
  report("SQLite file", `${(statSync(store.path).size / 2 ** 20).toFixed(0)} MiB`);

  // Keyset on sys_id (full pull): `sys_id>S^ORDERBYsys_id`.
  const bySysId = timed(() => {
    let last = "";
    let rows = 0;
    let pages = 0;
    for (;;) {
      const cursor = last;
      const q = query(
        (r) => (r.sys_id as string) > cursor,
        [{ field: "sys_id", descending: false }],
        cursor === "" ? undefined : { field: "sys_id", value: cursor, inclusive: false },
      );
      const { records } = store.query(TABLE, { query: q, offset: 0, limit: PAGE, withTotal: false });
      pages++;
      if (records.length === 0) break;
      rows += records.length;
      last = records.at(-1)?.sys_id as string;
      if (pages % 200 === 0) sampleHeap();
    }
    return { rows, pages };
  });
  report(`keyset sys_id, ${PAGE}/page`, `${bySysId.value.pages} pages in ${rate(bySysId.value.rows, bySysId)}`);

  // Incremental keyset: `sys_updated_on>T^NQsys_updated_on=T^sys_id>S^ORDERBYsys_updated_on^ORDERBYsys_id`.
  for (const withRowBound of [true, false]) {
    const run = timed(() => {
      let cursor: [string, string] | undefined;
      let rows = 0;
      let pages = 0;
      for (;;) {
        const c = cursor;
        const q = query(
          (r) =>
            c === undefined ||
            (r.sys_updated_on as string) > c[0] ||
            (r.sys_updated_on === c[0] && (r.sys_id as string) > c[1]),
          [
            { field: "sys_updated_on", descending: false },
            { field: "sys_id", descending: false },
          ],
          c === undefined ? undefined : { field: "sys_updated_on", value: c[0], inclusive: true },
          c !== undefined && withRowBound ? { values: c, inclusive: false } : undefined,
        );
        const { records } = store.query(TABLE, { query: q, offset: 0, limit: PAGE, withTotal: false });
        pages++;
        if (records.length === 0) break;
        rows += records.length;
        const last = records.at(-1) as SimRecord;
        cursor = [last.sys_updated_on as string, last.sys_id as string];
        if (pages % 200 === 0) sampleHeap();
      }
      return { rows, pages };
    });
    report(
      `keyset (updated_on, sys_id), ${withRowBound ? "lowerBoundRow" : "lowerBound only"}`,
      `${run.value.pages} pages in ${rate(run.value.rows, run)}`,
    );
  }

  // Offset paging with X-Total-Count: the first page counts every match, the next reuses the cached count.
  const everything = query(() => true, []);
  const first = timed(() =>
    store.query(TABLE, { query: everything, offset: 0, limit: PAGE, withTotal: true, cacheKey: "" }),
  );
  const second = timed(() =>
    store.query(TABLE, { query: everything, offset: PAGE, limit: PAGE, withTotal: true, cacheKey: "" }),
  );
  report(
    "offset page 1 with X-Total-Count (counts all)",
    `${rate(first.value.total ?? 0, first)}, total ${fmt(first.value.total ?? 0)}`,
  );
  report("offset page 2, total from cache", `${(second.seconds * 1000).toFixed(1)} ms`);
  const deep = timed(() =>
    store.query(TABLE, { query: everything, offset: ROWS - PAGE, limit: PAGE, withTotal: false }),
  );
  report("offset page at the end (reads all before it)", rate(ROWS, deep));

  const truncate = timed(() => store.truncateAll());
  report("truncateAll", `${(truncate.seconds * 1000).toFixed(0)} ms`);
  sampleHeap();
} finally {
  store.close();
}
report(
  "peak RSS / peak heap used",
  `${fmt(process.resourceUsage().maxRSS / 1024)} MiB / ${fmt(peakHeapMb)} MiB (sampled)`,
);
