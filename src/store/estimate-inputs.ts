// Whether the cache's estimation inputs (live services and usage months) changed since the last estimate. The store
// sets the flag in the same transaction as any change of a live row (a page that wrote rows, a staged merge, a
// tombstone), so no write path can forget it; the estimate stage clears it once its estimates are stored. A run
// that finds it clear, with the same estimation context, can keep the stored estimates (src/sync/reuse-estimates.ts).
// Absent (a new cache, or one made before this flag) reads as changed.
export const ESTIMATE_INPUTS_CHANGED_KEY = "estimateInputsChanged";
