// Reading a staged first load in keyset slices side by side (docs/adr/0006): the probe that tells where the read
// ends, and the runner that reads the slices concurrently and stops them all at the first failure. What a slice is
// and how the range is split: plan-slices.ts. Mapping and committing pages: pull-stream.ts.
import { keyOf, type ListPageSource, lastKeyQuery } from "../servicenow/keyset-pages.js";

/**
 * The latest sys_updated_on the read can meet (at or before its signpost): one row, newest first, two columns.
 * A list request rather than the Aggregate API's max (servicenow-api.md §5.2): both are one request, but the list
 * reads one row of the sys_updated_on index where an aggregate may visit every row (the dev instance takes 6-8 s
 * for one over 2.2 million rows, during which it answers nothing else). Undefined when the row is hidden ({}) or
 * there is none: the read then goes on unsliced.
 */
export async function probeLastUpdatedOn(
  source: ListPageSource,
  input: { table: string; baseQuery: string; until: string | undefined },
): Promise<string | undefined> {
  const page = await source.listPage(input.table, {
    query: lastKeyQuery(input.baseQuery, input.until),
    fields: [],
    limit: 1,
    systemFields: ["sys_id", "sys_updated_on"],
  });
  return keyOf(page.records[0])?.updatedOn;
}

/**
 * Runs slice readers side by side, including readers started while others run. `done()` resolves once every reader
 * has finished, and rejects at the first failure without waiting for the others: `stopped` is then true, and a
 * reader checks it before each commit, so nothing is committed after the failure is reported (requests still in
 * flight finish or abort unread; the signal of an interrupted run aborts them).
 */
export class SliceRunner {
  #running = 0;
  #stopped = false;
  #resolve: () => void = () => undefined;
  #reject: (err: unknown) => void = () => undefined;
  readonly #done: Promise<void>;

  constructor() {
    this.#done = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Observed by whoever awaits done(); a failure with nobody awaiting yet is not an unhandled rejection.
    this.#done.catch(() => undefined);
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  start(reader: () => Promise<void>): void {
    this.#running += 1;
    reader().then(
      () => {
        this.#running -= 1;
        if (this.#running === 0 && !this.#stopped) this.#resolve();
      },
      (err: unknown) => this.fail(err),
    );
  }

  /** Stops every reader with this failure (a page commit that failed after its reader moved on). */
  fail(err: unknown): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#reject(err);
  }

  /** Call after starting at least one reader. */
  done(): Promise<void> {
    return this.#done;
  }
}
