// How a page of pending writes is cut into Batch API requests. Pure.
//
// The platform runs a batch's items one after another (servicenow-api.md §5.1), so a batch lasts about as long as
// its number of items, and a push of k batches over c lanes lasts ceil(k / c) batches' time when they are equal.
// Cutting 1,528 writes into 31 batches of 50 leaves three lanes on their 8th batch while the fourth is idle; 32
// batches of 47-48 finish together, a batch's time sooner, for one request more. So the count is rounded up to a
// multiple of the lanes when that costs at most one request in twenty (as slicing a read does, plan-slices.ts), and
// the writes are spread evenly (sizes differ by at most one). Otherwise the fewest batches stay: 5 batches made 8
// would take 60 % more requests of the instance's quota for a small run.

/** `items` cut into batches of at most `size`, balanced over `lanes` requests in flight. */
export function splitBatches<T>(items: readonly T[], size: number, lanes: number): T[][] {
  if (items.length === 0) return [];
  const fewest = Math.ceil(items.length / Math.max(1, size));
  const balanced = lanes > 1 ? Math.ceil(fewest / lanes) * lanes : fewest;
  const extra = balanced - fewest;
  // Never an empty batch (a batch size of 1 or 2 can round up past the number of writes).
  const count = extra * 20 <= fewest ? Math.min(balanced, items.length) : fewest;
  const batches: T[][] = [];
  const base = Math.floor(items.length / count);
  const larger = items.length % count; // the first `larger` batches take one item more
  let at = 0;
  for (let i = 0; i < count; i++) {
    const n = base + (i < larger ? 1 : 0);
    batches.push(items.slice(at, at + n));
    at += n;
  }
  return batches;
}
