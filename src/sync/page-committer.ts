// Where a stream's pages are committed: on the main thread (the cache's own connection), or, for a staged first load
// when the compiled CLI can start one, on the staged writer's thread (staged-writer.ts, docs/adr/0006). Either way
// pages commit in the order given, each in one transaction with its quarantine rows and its position; the caller
// stops giving pages after a failure.
import type {
  CacheRepository,
  MergeEnd,
  MergeResult,
  PageCommit,
  PageCommitResult,
  ServiceRow,
  UsageRow,
} from "../store/cache-repository.js";
import { encodeStagedRows } from "../store/cache-repository.js";
import type { StreamSpec } from "./pull-stream.js";
import type { StagedWriter } from "./staged-writer.js";

export interface PageCommitter<R> {
  /** Commits a page after the ones given before it; resolves with its result. */
  commit(page: PageCommit<R>): Promise<PageCommitResult>;
  /** Resolves once there is room for another page (the writer's queue is bounded; at once on the main thread). */
  ready(): Promise<void>;
  /** Merges what is staged (see CacheRepository.mergeStaged), after the pages given before. */
  merge(end: MergeEnd): Promise<MergeResult>;
  /** Waits until every page given so far is committed or failed. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Pages the writer may hold unanswered, all streams together (they may share the thread, run-pull.ts), and the most
 * their rows may weigh (approximateBytes: a usage page ~0.4 MB, a catalogue page ~1.2 MB). bench-pull at 100,000
 * services (docs/performance.md): one table after the other, 32 pages: 58.1 s, 241 MiB; both tables side by side, 32
 * pages and 16 MiB: 51.6 s, 266 MiB; 64 pages: 50.3-53.1 s but 282-290 MiB, too close to the 300 MB budget.
 */
export const WRITER_QUEUE_PAGES = 32;
export const WRITER_QUEUE_BYTES = 16 * 1024 * 1024;

/** Commits on the calling thread: `commit` has done its work (or failed) when it returns. */
export function directCommitter<T, R>(
  spec: StreamSpec<T, R>,
  cache: CacheRepository,
  fencingToken: number,
): PageCommitter<R> {
  return {
    commit: (page) => {
      try {
        return Promise.resolve(spec.commit(cache, page));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    ready: () => Promise.resolve(),
    merge: (end) => {
      try {
        return Promise.resolve(cache.mergeStaged(spec.stream, fencingToken, end));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    drain: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

/** Commits staged pages on the writer's thread: encoded here (rows to column values), appended there. */
export function writerCommitter<T, R>(
  spec: StreamSpec<T, R>,
  writer: StagedWriter,
  fencingToken: number,
): PageCommitter<R> {
  const inFlight = new Set<Promise<unknown>>();
  const track = <X>(promise: Promise<X>): Promise<X> => {
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    inFlight.add(settled);
    void settled.then(() => inFlight.delete(settled));
    return promise;
  };
  // The stream's row type is ServiceRow or UsageRow (stream-specs.ts): the spec's name says which.
  const encode = (records: readonly R[]): unknown[] =>
    spec.stream === "services"
      ? encodeStagedRows("services", records as unknown as readonly ServiceRow[])
      : encodeStagedRows("usage", records as unknown as readonly UsageRow[]);
  return {
    commit: (page) =>
      track(
        writer.commit({
          stream: spec.stream,
          values: encode(page.records),
          quarantined: page.quarantined,
          ...(page.resolvedSysIds !== undefined ? { resolvedSysIds: page.resolvedSysIds } : {}),
          cursor: page.cursor,
          ...(page.slicePlan !== undefined ? { slicePlan: page.slicePlan } : {}),
          fencingToken: page.fencingToken,
          nowMs: page.nowMs,
        }),
      ),
    // The queue is the thread's, shared with the other stream when both are read side by side: wait for room in it,
    // not for this stream's own requests (which may all be answered while the other stream's fill the queue).
    ready: () => writer.room(WRITER_QUEUE_PAGES, WRITER_QUEUE_BYTES),
    merge: (end) => track(writer.merge(spec.stream, fencingToken, end)),
    drain: async () => {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
    close: () => writer.close(),
  };
}
