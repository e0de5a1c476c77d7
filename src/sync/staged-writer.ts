// Appends the pages of a staged first load, and merges them, on a thread of its own (docs/adr/0006): on two vCPUs
// shared with the instance, SQLite's half of the load (about half the connector's CPU) then runs while the main
// thread asks for, parses and maps the next pages, instead of after them. The thread has its own connection to the
// same file (WAL: the main thread's reads go on meanwhile) and does one thing at a time, in the order asked, so pages
// still commit in order, each in one transaction (DESIGN.md §4 invariant 1). After a failure it commits nothing
// more: every later request fails with the same error, so a page can never land after one that did not.
//
// Only the compiled CLI has the worker file (like the estimate stage's worker); from the TypeScript sources (tsx,
// tests), with an in-memory database, `start` returns undefined and the pull commits on the main thread.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { StreamName } from "../domain/cursor.js";
import { ConnectorError, type ErrorKind } from "../lib/connector-error.js";
import type { MergeEnd, MergeResult, PageCommitResult, StagedPage } from "../store/cache-repository.js";

/** The compiled worker, next to this module in dist/; absent when running from TypeScript sources. */
const WORKER_FILE = fileURLToPath(new URL("./staged-writer-worker.js", import.meta.url));

export interface StagedWriterData {
  dbPath: string;
}

export type StagedWriterRequest =
  | { id: number; op: "commit"; page: StagedPage }
  | { id: number; op: "merge"; stream: StreamName; fencingToken: number; end: MergeEnd }
  | { id: number; op: "close" };

export type StagedWriterReply =
  | {
      id: number;
      ok: true;
      op: StagedWriterRequest["op"];
      result: PageCommitResult | MergeResult | undefined;
      busyMs: number;
    }
  | { id: number; ok: false; kind: ErrorKind; message: string };

interface Waiting {
  resolve(result: unknown): void;
  reject(err: unknown): void;
  /** What the request's rows weigh in the thread's queue (approximateBytes), 0 for a merge. */
  bytes: number;
}

/**
 * About what a page's encoded rows weigh while they wait for the thread (copied into its message queue): a string
 * counts its length, anything else 8 bytes. A catalogue page (~1.2 kB a record) weighs ~3 usage pages.
 */
export function approximateBytes(values: readonly unknown[]): number {
  let bytes = 0;
  for (const v of values) bytes += typeof v === "string" ? v.length : 8;
  return bytes;
}

export class StagedWriter {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, Waiting>();
  #nextId = 1;
  #broken: Error | undefined;
  readonly #busyMs = { commit: 0, merge: 0 };
  /** Streams using the thread (see share); it ends when the last one closes. */
  #users = 1;
  #pendingBytes = 0;
  /** Callers of `room` waiting for a request to settle. */
  #roomWaiters: Array<() => void> = [];

  /** A writer for the database file at `dbPath`, or undefined when it cannot run here (see above). */
  static start(dbPath: string, workerFile: string = WORKER_FILE): StagedWriter | undefined {
    if (dbPath === "" || dbPath === ":memory:" || dbPath.startsWith("file::memory:") || !existsSync(workerFile)) {
      return undefined;
    }
    const data: StagedWriterData = { dbPath };
    return new StagedWriter(new Worker(workerFile, { workerData: data }));
  }

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on("message", (reply: StagedWriterReply) => {
      const waiting = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      this.#pendingBytes -= waiting?.bytes ?? 0;
      this.#wakeRoomWaiters();
      if (reply.ok) {
        if (reply.op === "commit" || reply.op === "merge") this.#busyMs[reply.op] += reply.busyMs;
        waiting?.resolve(reply.result);
      } else {
        waiting?.reject(new ConnectorError(reply.kind, reply.message));
      }
    });
    worker.on("error", (err) => this.#breakDown(err));
    worker.on("exit", (code) => {
      this.#breakDown(new ConnectorError("internal", `the cache writer thread stopped (exit code ${code})`));
    });
  }

  /** Requests sent and not answered yet. */
  get pending(): number {
    return this.#waiting.size;
  }

  /** What the rows of the unanswered requests weigh (approximateBytes). */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  /**
   * Resolves once fewer than `pages` requests wait and their rows weigh less than `bytes`, whoever sent them: the
   * streams sharing the thread share its queue, so a stream may wait on another's pages. At once when the thread has
   * failed (the next request then fails with its error).
   */
  async room(pages: number, bytes: number): Promise<void> {
    while (!this.#broken && (this.#waiting.size >= pages || this.#pendingBytes >= bytes)) {
      await new Promise<void>((resolve) => this.#roomWaiters.push(resolve));
    }
  }

  /** Time the thread spent committing pages and merging so far, in ms (for benchmarks). */
  get busyMs(): { commit: number; merge: number } {
    return { ...this.#busyMs };
  }

  commit(page: StagedPage): Promise<PageCommitResult> {
    return this.#send((id) => ({ id, op: "commit", page }), approximateBytes(page.values)) as Promise<PageCommitResult>;
  }

  merge(stream: StreamName, fencingToken: number, end: MergeEnd = {}): Promise<MergeResult> {
    return this.#send((id) => ({ id, op: "merge", stream, fencingToken, end })) as Promise<MergeResult>;
  }

  /**
   * The same thread for one more stream (both streams of a first load are read side by side, run-pull.ts: one
   * writer thread keeps SQLite's writes in one queue instead of two connections waiting on each other's lock);
   * undefined once the thread has been closed, when a new one must be started.
   */
  share(): StagedWriter | undefined {
    if (this.#users === 0) return undefined;
    this.#users += 1;
    return this;
  }

  /**
   * Ends this stream's use of the thread. The last user waits for what was asked, closes the thread's connection and
   * ends the thread; another user's requests are its own to wait for (a stream drains before it closes).
   */
  async close(): Promise<void> {
    if (this.#users === 0) return;
    this.#users -= 1;
    if (this.#users > 0 || this.#broken) return;
    const exited = new Promise<void>((resolve) => this.#worker.once("exit", () => resolve()));
    await this.#send((id) => ({ id, op: "close" })).catch(() => undefined);
    await exited;
  }

  #send(request: (id: number) => StagedWriterRequest, bytes = 0): Promise<unknown> {
    if (this.#broken) return Promise.reject(this.#broken);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject, bytes });
      this.#pendingBytes += bytes;
      this.#worker.postMessage(request(id));
    });
  }

  #wakeRoomWaiters(): void {
    for (const wake of this.#roomWaiters.splice(0)) wake();
  }

  #breakDown(err: Error): void {
    this.#broken ??= err;
    for (const waiting of this.#waiting.values()) waiting.reject(this.#broken);
    this.#waiting.clear();
    this.#pendingBytes = 0;
    this.#wakeRoomWaiters();
  }
}
