// The chaos tests' process signal (fault settings killOnWrite / killOnPage): the instance signals a process at an
// exact moment of its nth write or page, before or after applying it, or after answering (reference/
// style-reliability-ecosystem.md B6 rows 8, 9, 9b). The victims here are idle child processes.
import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { FaultInjector } from "../../src/simulator/faults/fault-injector.js";
import type { FaultSettingsInput } from "../../src/simulator/faults/fault-settings.js";
import { jsonBody, readJson, useDevInstance } from "../helpers/dev-instance.js";

const sim = useDevInstance();

interface LedgerRequest {
  id: number;
  method: string;
  status: number;
  fault: string | null;
}

const victims: ChildProcess[] = [];
afterEach(async () => {
  for (const v of victims.splice(0)) if (v.exitCode === null && v.signalCode === null) v.kill("SIGKILL");
  await sim.raw("/_sim/faults", jsonBody("PUT", {}));
});

/** An idle node process and a promise of the signal that ended it. */
function victim(): { pid: number; ended: Promise<NodeJS.Signals | null> } {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  victims.push(child);
  const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
  return { pid: child.pid as number, ended };
}

async function setFaults(settings: FaultSettingsInput): Promise<void> {
  const res = await sim.raw("/_sim/faults", jsonBody("PUT", settings));
  expect(res.status, await res.text()).toBe(200);
}

async function serviceIds(n: number): Promise<string[]> {
  const page = await sim.json<{ result: { sys_id: string }[] }>(
    `/api/now/table/cmdb_ci_service?sysparm_fields=sys_id&sysparm_limit=${n}&sysparm_query=ORDERBYsys_id`,
  );
  return page.body.result.map((r) => r.sys_id);
}

function patch(sysId: string, value: string): Promise<Response> {
  return sim.api(`/api/now/table/cmdb_ci_service/${sysId}`, jsonBody("PATCH", { u_carbon_grade: value }));
}

async function gradeOf(sysId: string): Promise<string> {
  const r = await sim.json<{ result: { u_carbon_grade: string } }>(
    `/api/now/table/cmdb_ci_service/${sysId}?sysparm_fields=u_carbon_grade`,
  );
  return r.body.result.u_carbon_grade;
}

/** The last PATCH the instance recorded. */
async function lastRequest(): Promise<LedgerRequest> {
  const reply = await readJson<{ result: LedgerRequest[] }>(
    await sim.raw("/_sim/ledger/requests?method=PATCH&pathPrefix=/api/now/table/cmdb_ci_service/"),
  );
  return reply.body.result.at(-1) as LedgerRequest;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("killOnWrite", () => {
  it("before-apply: SIGKILL on the 2nd write, which is never applied and gets no answer", async () => {
    const [a, b] = await serviceIds(2);
    const v = victim();
    await setFaults({ killOnWrite: { pid: v.pid, nth: 2, phase: "before-apply" } });
    expect((await patch(a as string, "B")).status).toBe(200);
    expect(alive(v.pid)).toBe(true);
    await expect(patch(b as string, "C")).rejects.toThrow();
    expect(await v.ended).toBe("SIGKILL");
    expect(await gradeOf(b as string)).toBe("");
    expect((await lastRequest()).fault).toBe("SIGKILL-before-apply");
  });

  it("after-apply: the write is applied and in the ledger, the client gets no answer", async () => {
    const [, , c] = await serviceIds(3);
    const v = victim();
    await setFaults({ killOnWrite: { pid: v.pid, phase: "after-apply" } });
    await expect(patch(c as string, "D")).rejects.toThrow();
    expect(await v.ended).toBe("SIGKILL");
    expect(await gradeOf(c as string)).toBe("D");
    const last = await lastRequest();
    expect(last).toMatchObject({ method: "PATCH", status: 200, fault: "SIGKILL-after-apply" });
    const writes = await readJson<{ result: { requestId: number; changedFields: string[] }[] }>(
      await sim.raw(`/_sim/ledger/writes?sysId=${c}`),
    );
    expect(writes.body.result.at(-1)).toMatchObject({ requestId: last.id, changedFields: ["u_carbon_grade"] });
  });

  it("after-response: the answer is sent, then the process is killed; fires once per settings change", async () => {
    const [, , , d, e] = await serviceIds(5);
    const v = victim();
    await setFaults({ killOnWrite: { pid: v.pid, phase: "after-response" } });
    const res = await patch(d as string, "E");
    expect(res.status).toBe(200);
    expect(await v.ended).toBe("SIGKILL");
    expect((await lastRequest()).fault).toBe("SIGKILL-after-response");
    // The next write is not the first any more: served untouched.
    expect((await patch(e as string, "F")).status).toBe(200);
    expect((await lastRequest()).fault).toBeNull();
  });

  it("SIGTERM is delivered at that moment and the write is served as usual", async () => {
    const [, , , , , f] = await serviceIds(6);
    const v = victim();
    await setFaults({ killOnWrite: { pid: v.pid, phase: "before-apply", signal: "SIGTERM" } });
    expect((await patch(f as string, "G")).status).toBe(200);
    expect(await v.ended).toBe("SIGTERM");
    expect(await gradeOf(f as string)).toBe("G");
    expect((await lastRequest()).fault).toBe("SIGTERM-before-apply");
  });
});

describe("killOnPage", () => {
  it("SIGKILL when the 3rd list page arrives, before serving it; single-record GETs do not count", async () => {
    const [a] = await serviceIds(1);
    const v = victim();
    await setFaults({ killOnPage: { pid: v.pid, nth: 3 } });
    await serviceIds(1);
    await gradeOf(a as string);
    await serviceIds(1);
    expect(alive(v.pid)).toBe(true);
    await expect(serviceIds(1)).rejects.toThrow();
    expect(await v.ended).toBe("SIGKILL");
  });

  it("is refused for pid 1 and never signals the instance's own process", async () => {
    const res = await sim.raw("/_sim/faults", jsonBody("PUT", { killOnPage: { pid: 1 } }));
    expect(res.status).toBe(400);
    await setFaults({ killOnPage: { pid: process.pid, phase: "before-apply" } });
    expect((await serviceIds(1)).length).toBe(1);
  });
});

describe("FaultInjector.signalFor", () => {
  it("counts writes and pages apart, fires on the nth only, and restarts counting when the settings change", () => {
    const f = new FaultInjector({ killOnWrite: { pid: 4242, nth: 2 }, killOnPage: { pid: 4343, nth: 1 } });
    expect(f.signalFor("write")).toBeUndefined();
    expect(f.signalFor("page")).toEqual({ pid: 4343, nth: 1, phase: "before-apply", signal: "SIGKILL" });
    expect(f.signalFor("write")).toMatchObject({ pid: 4242, nth: 2 });
    expect(f.signalFor("write")).toBeUndefined();
    f.merge({ latencyMs: 0 });
    expect(f.signalFor("write")).toBeUndefined();
    expect(f.signalFor("write")).toMatchObject({ pid: 4242 });
  });
});
