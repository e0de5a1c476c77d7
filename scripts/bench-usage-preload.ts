// Preloaded into the connector's process by scripts/bench.ts (`node --import`): at exit, writes the process's own CPU
// time and peak RSS to $BENCH_USAGE_FILE, so the benchmark measures the connector alone, not the instance. With
// $BENCH_HEAP_FILE, it also samples the main thread's memory (V8 heap, external and ArrayBuffer memory) every
// 100 ms and writes the timeline there at exit, to tell which part of the RSS a stage's peak is made of.
import { writeFileSync } from "node:fs";

const file = process.env.BENCH_USAGE_FILE;
const heapFile = process.env.BENCH_HEAP_FILE;
const started = performance.now();
const heap: Array<{ tS: number; rssMiB: number; heapUsedMiB: number; heapTotalMiB: number; externalMiB: number }> = [];
if (heapFile) {
  const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  setInterval(() => {
    const m = process.memoryUsage();
    heap.push({
      tS: Math.round(performance.now() - started) / 1000,
      rssMiB: mib(m.rss),
      heapUsedMiB: mib(m.heapUsed),
      heapTotalMiB: mib(m.heapTotal),
      externalMiB: mib(m.external),
    });
  }, 100).unref();
}
if (file) {
  process.on("exit", () => {
    const u = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({
        userCpuMs: u.userCPUTime / 1000,
        systemCpuMs: u.systemCPUTime / 1000,
        maxRssMiB: u.maxRSS / 1024,
      }),
    );
    if (heapFile) writeFileSync(heapFile, JSON.stringify(heap));
  });
}
