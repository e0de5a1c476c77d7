import nock from "nock";
import axios from "axios";
import { Agent } from "node:https";
import { it, expect } from "vitest";
it("probe", async () => {
  nock.disableNetConnect();
  for (const keepAlive of [false, true]) {
    const c = axios.create({ httpsAgent: new Agent({ keepAlive }), validateStatus: () => true, responseType: "text" });
    nock("https://x.example").get("/a").replyWithError({ code: "ECONNRESET" });
    nock("https://x.example").get("/a").reply(200, "ok");
    const t = Date.now();
    const r1 = await c.get("https://x.example/a").catch((e) => e.code);
    console.log(keepAlive, "first", r1, Date.now() - t);
    const p = c.get("https://x.example/a").then((r) => r.data, (e) => e.code);
    const r2 = await Promise.race([p, new Promise((res) => setTimeout(() => res("HANG"), 1000))]);
    console.log(keepAlive, "second", r2, Date.now() - t);
    nock.cleanAll();
  }
});
