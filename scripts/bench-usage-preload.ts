// Preloaded into the connector's process by scripts/bench.ts (`node --import`): at exit, writes the process's own CPU
// time and peak RSS to $BENCH_USAGE_FILE, so the benchmark measures the connector alone, not the instance.
import { writeFileSync } from "node:fs";

const file = process.env.BENCH_USAGE_FILE;
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
  });
}
