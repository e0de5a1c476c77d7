// One node-cron task per configured job, read in the job's time zone. `noOverlap` skips a tick while the job's
// previous run is still going (node-cron v4, reference/style-reliability-ecosystem.md B4); it is in-process only, so
// runs of other jobs and manual runs are kept apart by the lease instead (§4 invariant 5).
import { type Logger as CronLogger, type ScheduledTask, schedule } from "node-cron";
import type { JobConfig } from "../config/job-schema.js";
import type { Logger } from "../observability/logger.js";

export interface ScheduleHooks {
  log: Logger;
  /** A tick came while the job's previous run was still going: node-cron skipped it. */
  onOverlap?(name: string): void;
}

export interface ScheduledJobs {
  readonly names: readonly string[];
  /** The next tick of each job, for the start-up log. */
  nextRuns(): Record<string, string | null>;
  /** No further tick starts; a run in progress carries on (abort it through its signal). */
  stop(): void;
}

/** node-cron's own warnings (missed ticks after a blocked event loop) go to our log, not to the console. */
function cronLogger(log: Logger): CronLogger {
  const text = (m: string | Error) => (m instanceof Error ? m.message : m);
  return {
    info: (m) => log.info(`node-cron: ${m}`),
    // Its overlap warning duplicates ours, which names the job and feeds the metric.
    warn: (m) => (/overlap/.test(m) ? log.debug(`node-cron: ${m}`) : log.warn(`node-cron: ${m}`)),
    error: (m, err) => log.error({ err: err?.message }, `node-cron: ${text(m)}`),
    debug: (m) => log.debug(`node-cron: ${text(m)}`),
  };
}

export function scheduleJobs(
  jobs: Readonly<Record<string, JobConfig>>,
  run: (name: string, job: JobConfig) => Promise<unknown>,
  hooks: ScheduleHooks,
): ScheduledJobs {
  const { log } = hooks;
  const tasks = new Map<string, ScheduledTask>();
  for (const [name, job] of Object.entries(jobs)) {
    const task = schedule(
      job.cron,
      async () => {
        try {
          await run(name, job);
        } catch (err) {
          // run() reports its own failures; this is the last guard, so that nothing escapes into node-cron.
          log.error(
            { job: name, err: err instanceof Error ? err.message : String(err) },
            `job ${name}: internal error`,
          );
        }
      },
      { name: `empreinte job ${name}`, timezone: job.timeZone, noOverlap: true, logger: cronLogger(log) },
    );
    task.on("execution:overlap", () => {
      log.warn({ job: name, reason: "overlap" }, `job ${name}: skipped this tick, its previous run is still going`);
      hooks.onOverlap?.(name);
    });
    tasks.set(name, task);
  }
  return {
    names: [...tasks.keys()],
    nextRuns: () =>
      Object.fromEntries([...tasks].map(([name, t]) => [name, t.getNextRun()?.toISOString() ?? null] as const)),
    stop() {
      for (const task of tasks.values()) {
        void Promise.resolve(task.destroy()).catch(() => undefined);
      }
    },
  };
}
