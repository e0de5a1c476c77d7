import nock from "nock";
import { describe, expect, it } from "vitest";
import { ConnectorError } from "../../src/lib/connector-error.js";
import {
  compareKeys,
  keyOf,
  keysetPages,
  type ListPageSource,
  lastKeyQuery,
} from "../../src/servicenow/keyset-pages.js";
import { ServiceNowClient } from "../../src/servicenow/table-client.js";
import type { ListParamsInput } from "../../src/servicenow/table-params.js";
import { useStrictNock } from "../helpers/strict-nock.js";
import { FakeClock } from "../http/fake-clock.js";

useStrictNock();

const id = (n: number) => n.toString(16).padStart(32, "0");
const row = (n: number, updatedOn = "2026-02-01 10:00:00") => ({
  sys_id: id(n),
  sys_updated_on: updatedOn,
  name: `S${n}`,
});
const ORDER = "^ORDERBYsys_updated_on^ORDERBYsys_id";
/** The signpost of later pages: the instance's clock at the first response (the scripted source's serverDate). */
const SIGNPOST = "sys_updated_on<=2026-03-01 10:00:00^";
const nextQuery = (updatedOn: string, sysId: string, base = "", lower = "", signpost = SIGNPOST) => {
  const g = `${base}${signpost}${lower}`;
  return `${g}sys_updated_on>${updatedOn}^NQ${g}sys_updated_on=${updatedOn}^sys_id>${sysId}${ORDER}`;
};

/** A source that plays pages in order and records every request. */
function scripted(pages: unknown[][], totalCounts: Array<number | undefined> = []) {
  const requests: ListParamsInput[] = [];
  const source: ListPageSource = {
    async listPage(table, params) {
      expect(table).toBe("cmdb_ci_service");
      requests.push(params);
      const records = pages[requests.length - 1];
      if (records === undefined) throw new Error(`unexpected request ${requests.length}`);
      const totalCount = params.count === true ? totalCounts[requests.length - 1] : undefined;
      return {
        records,
        serverDate: "2026-03-01 10:00:00",
        rateLimit: undefined,
        ...(totalCount === undefined ? {} : { totalCount }),
      };
    },
  };
  return { source, requests };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const input = { table: "cmdb_ci_service", fields: ["name"], pageSize: 3, start: undefined };

describe("keysetPages", () => {
  it("stops only on an empty page: a short page mid-stream continues (ACL filtering, §0 fact 20)", async () => {
    const { source, requests } = scripted([[row(1), row(2), row(3)], [row(4)], [row(5), row(6)], []]);
    const pages = await collect(keysetPages(source, input));
    expect(pages.map((p) => p.records.length)).toEqual([3, 1, 2]);
    expect(requests).toHaveLength(4);
    expect(requests.map((r) => r.query)).toEqual([
      `ORDERBYsys_updated_on^ORDERBYsys_id`,
      nextQuery("2026-02-01 10:00:00", id(3)),
      nextQuery("2026-02-01 10:00:00", id(4)),
      nextQuery("2026-02-01 10:00:00", id(6)),
    ]);
    expect(requests[0]).toMatchObject({ fields: ["name"], limit: 3 });
    expect(pages.map((p) => p.lastKey.sysId)).toEqual([id(3), id(4), id(6)]);
    expect(pages[0]?.serverDate).toBe("2026-03-01 10:00:00");
  });

  it("resumes after a committed cursor, under a lower bound, with the base filter in each group", async () => {
    const start = { updatedOn: "2026-02-01 09:00:00", sysId: id(9) };
    const { source, requests } = scripted([[row(10)], []]);
    await collect(
      keysetPages(source, { ...input, start, baseQuery: "active=true", lowerBound: "2026-02-01 08:55:00" }),
    );
    expect(requests[0]?.query).toBe(
      // The first request of a read has no signpost yet: it comes from that request's response.
      nextQuery("2026-02-01 09:00:00", id(9), "active=true^", "sys_updated_on>=2026-02-01 08:55:00^", ""),
    );
  });

  it("passes {} rows through and takes the cursor from the last row that has a key", async () => {
    const { source, requests } = scripted([[row(1), {}, row(2, "2026-02-01 10:00:05"), {}, ""], []]);
    const [page] = await collect(keysetPages(source, input));
    expect(page?.records).toHaveLength(5);
    expect(page?.lastKey).toEqual({ updatedOn: "2026-02-01 10:00:05", sysId: id(2) });
    expect(requests[1]?.query).toBe(nextQuery("2026-02-01 10:00:05", id(2)));
  });

  it("holds back trailing {} rows, which the next page serves again, so each is passed through once", async () => {
    const { source, requests } = scripted([[row(1), row(2), {}], [{}, row(4)], []]);
    const pages = await collect(keysetPages(source, input));
    expect(pages.map((p) => p.records)).toEqual([
      [row(1), row(2)],
      [{}, row(4)],
    ]);
    expect(requests[1]?.query).toBe(nextQuery("2026-02-01 10:00:00", id(2)));
  });

  it("ends on a short page of only {} rows (the rest of the table is hidden), keeping the cursor", async () => {
    const { source, requests } = scripted([
      [row(1), row(2), row(3)],
      [{}, {}],
    ]);
    const pages = await collect(keysetPages(source, input));
    expect(pages.map((p) => p.records.length)).toEqual([3, 2]);
    expect(pages[1]?.lastKey).toEqual(pages[0]?.lastKey);
    expect(requests).toHaveLength(2);
  });

  it("yields nothing when the first page is short and entirely hidden", async () => {
    const { source, requests } = scripted([[{}, {}]]);
    expect(await collect(keysetPages(source, input))).toEqual([]);
    expect(requests).toHaveLength(1);
  });

  it("stops with a data error when a full page has no usable key at all", async () => {
    const { source } = scripted([[{}, {}, {}]]);
    await expect(collect(keysetPages(source, input))).rejects.toMatchObject({ kind: "data" });
  });

  it("stops with a data error when the cursor does not advance (the instance ignored the keyset terms)", async () => {
    const { source, requests } = scripted([
      [row(1), row(2)],
      [row(1), row(2)],
    ]);
    const err = await collect(keysetPages(source, input)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).kind).toBe("data");
    expect((err as ConnectorError).message).toMatch(/cursor did not advance/);
    expect(requests).toHaveLength(2);
  });

  it("does not prefetch: the next request leaves only when the consumer asks for the next page", async () => {
    const { source, requests } = scripted([[row(1)], [row(2)], []]);
    const pages = keysetPages(source, input);
    const first = await pages.next();
    expect(first.done).toBe(false);
    await new Promise((r) => setTimeout(r, 10));
    expect(requests).toHaveLength(1);
    await pages.next();
    expect(requests).toHaveLength(2);
    expect((await pages.next()).done).toBe(true);
    expect(requests).toHaveLength(3);
  });

  it("with countFirstPage, stops after a first page that holds every match (count <= limit): one request", async () => {
    const { source, requests } = scripted([[row(1), {}]], [3]); // 3 matched before ACL filtering, 1 hidden
    const pages = await collect(keysetPages(source, { ...input, countFirstPage: true }));
    expect(pages).toHaveLength(1);
    expect(pages[0]?.records).toEqual([row(1), {}]); // the last page keeps its trailing {} rows
    expect(requests).toHaveLength(1);
    expect(requests[0]?.count).toBe(true);
  });

  it("with countFirstPage, goes on to the empty page when the count exceeds the limit, counting only once", async () => {
    const { source, requests } = scripted([[row(1), row(2), row(3)], [row(4)], []], [4]);
    const pages = await collect(keysetPages(source, { ...input, countFirstPage: true }));
    expect(pages.map((p) => p.records.length)).toEqual([3, 1]);
    expect(requests.map((r) => r.count === true)).toEqual([true, false, false]);
  });

  it("without a count in the answer, falls back to the empty page", async () => {
    const { source, requests } = scripted([[row(1)], []], [undefined]);
    await collect(keysetPages(source, { ...input, countFirstPage: true }));
    expect(requests).toHaveLength(2);
  });

  it("orders keys like the query does", () => {
    expect(
      compareKeys(
        { updatedOn: "2026-01-01 00:00:00", sysId: id(9) },
        { updatedOn: "2026-01-01 00:00:01", sysId: id(1) },
      ),
    ).toBe(-1);
    expect(
      compareKeys(
        { updatedOn: "2026-01-01 00:00:00", sysId: id(2) },
        { updatedOn: "2026-01-01 00:00:00", sysId: id(1) },
      ),
    ).toBe(1);
    expect(keyOf({ sys_id: "x", sys_updated_on: "2026-01-01 00:00:00" })).toBeUndefined();
    expect(keyOf(null)).toBeUndefined();
  });
});

describe("keysetPages with prefetch (docs/adr/0006)", () => {
  /** A source whose answers the test releases one by one, to see what is asked for and when. */
  function gated(pages: unknown[][]) {
    const requests: ListParamsInput[] = [];
    const answers: Array<(fail?: Error) => void> = [];
    const source: ListPageSource = {
      listPage(_table, params) {
        requests.push(params);
        const records = pages[requests.length - 1] ?? [];
        return new Promise((resolve, reject) => {
          answers.push((fail) =>
            fail ? reject(fail) : resolve({ records, serverDate: "2026-03-01 10:00:00", rateLimit: undefined }),
          );
        });
      },
    };
    const release = async (n: number, fail?: Error) => {
      while (answers.length <= n) await new Promise((r) => setTimeout(r, 1));
      answers[n]?.(fail);
    };
    return { source, requests, release };
  }

  it("asks for page k+1 as soon as page k arrives, before the consumer has committed it", async () => {
    const { source, requests, release } = gated([[row(1), row(2), row(3)], [row(4)], []]);
    const pages = keysetPages(source, { ...input, prefetch: true });
    const first = pages.next();
    await release(0);
    expect((await first).value?.lastKey.sysId).toBe(id(3));
    // Page 1 is in the consumer's hands, uncommitted; page 2 is already asked for, after page 1's last key.
    expect(requests).toHaveLength(2);
    expect(requests[1]?.query).toBe(nextQuery("2026-02-01 10:00:00", id(3)));
    const second = pages.next();
    await release(1);
    expect((await second).value?.records).toEqual([row(4)]);
    const third = pages.next();
    await release(2);
    expect((await third).done).toBe(true);
    expect(requests).toHaveLength(3); // still ceil(rows/page)+1: the empty page ends the read, nothing after it
  });

  it("a failed next page surfaces only when the consumer asks for it, after page k was handed over", async () => {
    const { source, release } = gated([[row(1), row(2), row(3)], [row(4)]]);
    const pages = keysetPages(source, { ...input, prefetch: true });
    const first = pages.next();
    await release(0);
    expect((await first).done).toBe(false);
    await release(1, new ConnectorError("unavailable", "instance down"));
    await new Promise((r) => setTimeout(r, 5));
    await expect(pages.next()).rejects.toMatchObject({ kind: "unavailable" });
  });

  it("a consumer that stops early leaves the prefetched request to fail unobserved, without an unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const { source, release } = gated([[row(1), row(2), row(3)], [row(4)]]);
      const pages = keysetPages(source, { ...input, prefetch: true });
      const first = pages.next();
      await release(0);
      await first;
      await pages.return(undefined); // the commit of page 1 failed: the reader stops
      await release(1, new Error("connection lost"));
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});

describe("keysetPages as a slice of a larger read (endBefore)", () => {
  const t = (s: number) => `2026-02-01 10:00:${String(s).padStart(2, "0")}`;

  it("ends at the first row dated at or after the end: rows sharing the boundary's second go to the next slice", async () => {
    const { source, requests } = scripted([
      [row(1, t(1)), row(2, t(2)), row(3, t(3))],
      [row(4, t(4)), row(5, t(5)), row(6, t(5))],
    ]);
    const pages = await collect(keysetPages(source, { ...input, endBefore: () => t(5) }));
    expect(pages.map((p) => p.records)).toEqual([[row(1, t(1)), row(2, t(2)), row(3, t(3))], [row(4, t(4))]]);
    expect(pages[1]?.lastKey).toEqual({ updatedOn: t(4), sysId: id(4) });
    // No empty page: the row past the end proves the slice holds nothing more.
    expect(requests).toHaveLength(2);

    // The next slice starts at the boundary, ties included.
    const next = scripted([[row(5, t(5)), row(6, t(5))], []]);
    const rest = await collect(keysetPages(next.source, { ...input, lowerBound: t(5) }));
    expect(rest.flatMap((p) => p.records)).toEqual([row(5, t(5)), row(6, t(5))]);
    expect(next.requests[0]?.query).toBe(`sys_updated_on>=${t(5)}${ORDER}`);
  });

  it("yields nothing when the slice's first row is already past its end", async () => {
    const { source, requests } = scripted([[row(1, t(9)), row(2, t(9))]]);
    expect(await collect(keysetPages(source, { ...input, endBefore: () => t(5) }))).toEqual([]);
    expect(requests).toHaveLength(1);
  });

  it("keeps the {} rows before the boundary row (they are counted, never lost) and reads the end once per page", async () => {
    let asked = 0;
    const endBefore = () => {
      asked += 1;
      return t(5);
    };
    const { source } = scripted([
      [row(1, t(1)), row(2, t(2)), {}],
      [{}, row(4, t(4)), {}],
      [{}, row(7, t(7)), row(8, t(8))],
    ]);
    const pages = await collect(keysetPages(source, { ...input, endBefore }));
    // Trailing {} rows wait for the next page as usual; the one before the boundary row comes with the last page.
    expect(pages.map((p) => p.records)).toEqual([[row(1, t(1)), row(2, t(2))], [{}, row(4, t(4))], [{}]]);
    expect(pages[2]?.lastKey).toEqual({ updatedOn: t(4), sysId: id(4) });
    expect(asked).toBe(3);
  });

  it("uses a signpost it is given from the first request on (the slices of one read share it)", async () => {
    const { source, requests } = scripted([[row(1)], []]);
    await collect(keysetPages(source, { ...input, until: "2026-02-20 00:00:00", lowerBound: t(0) }));
    expect(requests[0]?.query).toBe(`sys_updated_on<=2026-02-20 00:00:00^sys_updated_on>=${t(0)}${ORDER}`);
    expect(requests[1]?.query).toContain("sys_updated_on<=2026-02-20 00:00:00^");
  });

  it("finds the read's last key with one newest-first row, under the base filter and the signpost", () => {
    expect(lastKeyQuery("active=true", "2026-02-20 00:00:00")).toBe(
      "active=true^sys_updated_on<=2026-02-20 00:00:00^ORDERBYDESCsys_updated_on^ORDERBYDESCsys_id",
    );
    expect(lastKeyQuery("", undefined)).toBe("ORDERBYDESCsys_updated_on^ORDERBYDESCsys_id");
    expect(() => lastKeyQuery("", "2026-02-20T00:00:00Z")).toThrow(/signpost/);
  });
});

describe("keysetPages over the Table API (nock)", () => {
  const INSTANCE = "https://acme.service-now.com";
  it("sends exactly the §6.1 queries, page after page, until the empty page", async () => {
    const client = new ServiceNowClient({
      instanceUrl: INSTANCE,
      auth: { type: "basic", username: "svc", password: "pw" },
      clock: new FakeClock(),
    });
    const base = { sysparm_fields: "sys_id,sys_updated_on,sys_mod_count,name", sysparm_limit: "2" };
    const expectQuery = (sysparm_query: string) => (q: Record<string, unknown>) =>
      q.sysparm_query === sysparm_query &&
      q.sysparm_fields === base.sysparm_fields &&
      q.sysparm_limit === base.sysparm_limit;
    const t = "2026-02-01 10:00:00";
    const scope = nock(INSTANCE)
      .get("/api/now/table/cmdb_ci_service")
      .query(expectQuery(`sys_updated_on>=2026-01-31 00:00:00${ORDER}`))
      .reply(200, { result: [row(1, t), row(2, t)] })
      .get("/api/now/table/cmdb_ci_service")
      .query(expectQuery(nextQuery(t, id(2), "", "sys_updated_on>=2026-01-31 00:00:00^", "")))
      .reply(200, { result: [row(3, t)] })
      .get("/api/now/table/cmdb_ci_service")
      .query(expectQuery(nextQuery(t, id(3), "", "sys_updated_on>=2026-01-31 00:00:00^", "")))
      .reply(200, { result: [] });
    const pages = await collect(keysetPages(client, { ...input, pageSize: 2, lowerBound: "2026-01-31 00:00:00" }));
    expect(pages.flatMap((p) => p.records)).toHaveLength(3);
    expect(scope.isDone()).toBe(true);
  });
});
