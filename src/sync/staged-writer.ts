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
}

export class StagedWriter {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, Waiting>();
  #nextId = 1;
  #broken: Error | undefined;
  readonly #busyMs = { commit: 0, merge: 0 };

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

  /** Time the thread spent committing pages and merging so far, in ms (for benchmarks). */
  get busyMs(): { commit: number; merge: number } {
    return { ...this.#busyMs };
  }

  commit(page: StagedPage): Promise<PageCommitResult> {
    return this.#send((id) => ({ id, op: "commit", page })) as Promise<PageCommitResult>;
  }

  merge(stream: StreamName, fencingToken: number, end: MergeEnd = {}): Promise<MergeResult> {
    return this.#send((id) => ({ id, op: "merge", stream, fencingToken, end })) as Promise<MergeResult>;
  }

  /** Waits for what was asked, closes the thread's connection and ends the thread. */
  async close(): Promise<void> {
    if (this.#broken) return;
    const exited = new Promise<void>((resolve) => this.#worker.once("exit", () => resolve()));
    await this.#send((id) => ({ id, op: "close" })).catch(() => undefined);
    await exited;
  }

  #send(request: (id: number) => StagedWriterRequest): Promise<unknown> {
    if (this.#broken) return Promise.reject(this.#broken);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#worker.postMessage(request(id));
    });
  }

  #breakDown(err: Error): void {
    this.#broken ??= err;
    for (const waiting of this.#waiting.values()) waiting.reject(this.#broken);
    this.#waiting.clear();
  }
}
