import { describe, expect, it } from "vitest";
import { SEMAPHORE_REJECTED_BODY, Semaphore } from "../../src/simulator/limits/semaphore.js";

describe("Semaphore", () => {
  it("admits 4 at once by default, rejects the 5th, and admits again after a release", () => {
    const semaphore = new Semaphore();
    const releases = [1, 2, 3, 4].map(() => semaphore.tryAcquire());
    expect(releases.every((release) => release !== null)).toBe(true);
    expect(semaphore.tryAcquire()).toBeNull();
    expect(semaphore.rejected).toBe(1);
    releases[0]?.();
    expect(semaphore.inFlight).toBe(3);
    expect(semaphore.tryAcquire()).not.toBeNull();
    expect(semaphore.stats()).toEqual({ inFlight: 4, queued: 0, maxInFlightSeen: 4, acquired: 5, rejected: 1 });
  });

  it("ignores a second call of the same release", () => {
    const semaphore = new Semaphore({ maxConcurrent: 2 });
    const a = semaphore.tryAcquire();
    semaphore.tryAcquire();
    a?.();
    a?.();
    expect(semaphore.inFlight).toBe(1);
  });

  it("queues up to queueDepth waiters, serves them FIFO, and rejects beyond", async () => {
    const semaphore = new Semaphore({ maxConcurrent: 1, queueDepth: 2 });
    const first = await semaphore.acquire();
    const order: string[] = [];
    const second = semaphore.acquire().then((release) => {
      order.push("second");
      return release;
    });
    const third = semaphore.acquire().then((release) => {
      order.push("third");
      return release;
    });
    expect(await semaphore.acquire()).toBeNull();
    expect(semaphore.stats().queued).toBe(2);
    first?.();
    const secondRelease = await second;
    expect(order).toEqual(["second"]);
    secondRelease?.();
    (await third)?.();
    expect(order).toEqual(["second", "third"]);
    expect(semaphore.stats()).toMatchObject({ inFlight: 0, queued: 0, maxInFlightSeen: 1, rejected: 1, acquired: 3 });
  });

  it("drops a waiter whose request was aborted", async () => {
    const semaphore = new Semaphore({ maxConcurrent: 1, queueDepth: 1 });
    const held = semaphore.tryAcquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    controller.abort();
    expect(await waiting).toBeNull();
    held?.();
    expect(semaphore.stats()).toMatchObject({ inFlight: 0, queued: 0, rejected: 1 });
  });

  it("admits waiters at once when the pool grows", async () => {
    const semaphore = new Semaphore({ maxConcurrent: 1, queueDepth: 5 });
    semaphore.tryAcquire();
    const waiting = semaphore.acquire();
    semaphore.setLimits({ maxConcurrent: 2 });
    expect(await waiting).not.toBeNull();
    expect(semaphore.maxInFlightSeen).toBe(2);
    expect(() => semaphore.setLimits({ maxConcurrent: 0 })).toThrow(/maxConcurrent/);
  });

  it("exports the 429 body: standard envelope, null detail", () => {
    expect(JSON.stringify(SEMAPHORE_REJECTED_BODY)).toBe(
      '{"error":{"message":"Too Many Requests","detail":null},"status":"failure"}',
    );
  });
});
