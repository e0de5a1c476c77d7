// Worker thread of the staged writer (staged-writer.ts): its own connection to the cache, one request at a time, in
// the order sent. After a failure it runs nothing more and answers every later request with that failure.
import { parentPort, workerData } from "node:worker_threads";
import { isConnectorError } from "../lib/connector-error.js";
import { CacheRepository } from "../store/cache-repository.js";
import { openDatabase } from "../store/open-database.js";
import type { StagedWriterData, StagedWriterReply, StagedWriterRequest } from "./staged-writer.js";

const data = workerData as StagedWriterData;
// NORMAL, not FULL: no fsync per page. A power cut may roll back the last pages this connection committed, with the
// positions committed alongside them (WAL stays consistent), and they are read again; nothing written here is a fact
// only the cache knows (the lease, the outbox and the values written stay on the main connection, FULL: ADR 0004).
// On a disk shared with other work, the per-page fsync was most of a commit's time (docs/performance.md).
const db = openDatabase({ path: data.dbPath, synchronous: "normal" });
const cache = new CacheRepository(db);
let failure: Omit<Extract<StagedWriterReply, { ok: false }>, "id"> | undefined;

parentPort?.on("message", (request: StagedWriterRequest) => {
  if (request.op === "close") {
    db.close();
    parentPort?.postMessage({
      id: request.id,
      ok: true,
      op: request.op,
      result: undefined,
      busyMs: 0,
    } satisfies StagedWriterReply);
    parentPort?.close();
    return;
  }
  if (failure) {
    parentPort?.postMessage({ id: request.id, ...failure } satisfies StagedWriterReply);
    return;
  }
  const started = performance.now();
  try {
    const result =
      request.op === "commit"
        ? cache.commitStagedPage(request.page)
        : cache.mergeStaged(request.stream, request.fencingToken, request.end);
    const busyMs = performance.now() - started;
    parentPort?.postMessage({ id: request.id, ok: true, op: request.op, result, busyMs } satisfies StagedWriterReply);
  } catch (err) {
    failure = isConnectorError(err)
      ? { ok: false, kind: err.kind, message: err.message }
      : { ok: false, kind: "internal", message: err instanceof Error ? err.message : String(err) };
    parentPort?.postMessage({ id: request.id, ...failure } satisfies StagedWriterReply);
  }
});
