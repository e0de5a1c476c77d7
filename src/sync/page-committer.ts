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

/** Pages the writer may hold unanswered: enough to go on reading through one intermediate merge. */
export const WRITER_QUEUE_PAGES = 32;

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
    ready: async () => {
      while (writer.pending >= WRITER_QUEUE_PAGES) await Promise.race(inFlight);
    },
    merge: (end) => track(writer.merge(spec.stream, fencingToken, end)),
    drain: async () => {
      while (inFlight.size > 0) await Promise.all(inFlight);
    },
    close: () => writer.close(),
  };
}
