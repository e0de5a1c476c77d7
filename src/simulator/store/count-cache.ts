// Totals of recent queries, valid for one data version. X-Total-Count needs every match counted; a client
// paging with offsets repeats the same query string per page, so each page after the first reuses the count
// until any write changes the data version.
import type { CompiledQuery } from "../query/types.js";

const MAX_KEYED_ENTRIES = 512;

export class CountCache {
  private version = -1;
  private readonly byKey = new Map<string, number>();
  private byQuery = new WeakMap<CompiledQuery, Map<string, number>>();

  get(version: number, table: string, query: CompiledQuery, cacheKey: string | undefined): number | undefined {
    this.sync(version);
    if (cacheKey !== undefined) return this.byKey.get(`${table}\u0000${cacheKey}`);
    return this.byQuery.get(query)?.get(table);
  }

  set(version: number, table: string, query: CompiledQuery, cacheKey: string | undefined, total: number): void {
    this.sync(version);
    if (cacheKey !== undefined) {
      if (this.byKey.size >= MAX_KEYED_ENTRIES) {
        // Evict the oldest entry (Map keeps insertion order).
        const oldest = this.byKey.keys().next().value;
        if (oldest !== undefined) this.byKey.delete(oldest);
      }
      this.byKey.set(`${table}\u0000${cacheKey}`, total);
      return;
    }
    let perTable = this.byQuery.get(query);
    if (perTable === undefined) {
      perTable = new Map();
      this.byQuery.set(query, perTable);
    }
    perTable.set(table, total);
  }

  private sync(version: number): void {
    if (version === this.version) return;
    this.version = version;
    this.byKey.clear();
    this.byQuery = new WeakMap();
  }
}
