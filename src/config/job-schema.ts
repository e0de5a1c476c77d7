// A scheduled job of `empreinte daemon`: when it runs (node-cron expression in a time zone) and what it does.
import { validateDetailed } from "node-cron";
import { z } from "zod";
import { flag } from "./config-scalars.js";

export const JOB_STEPS = ["pull", "estimate", "push"] as const;
export const JobStep = z.enum(JOB_STEPS).describe("A stage of a run: pull, estimate or push.");
export type JobStep = z.infer<typeof JobStep>;

const CRON_HELP =
  'write 5 fields "minute hour day-of-month month day-of-week" (or 6 with seconds first), e.g. "30 2 * * *" for 02:30 every day';

export const cronExpression = z.string().superRefine((expression, ctx) => {
  const result = validateDetailed(expression);
  if (result.valid) return;
  const why = result.errors.map((e) => e.message).join("; ");
  ctx.addIssue({ code: "custom", message: `not a valid cron expression "${expression}" (${why}): ${CRON_HELP}` });
});

/** True when the running Node (its ICU data) knows the IANA zone; node-cron resolves zones the same way. */
export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const timeZone = z.string().superRefine((zone, ctx) => {
  if (!isKnownTimeZone(zone)) {
    ctx.addIssue({
      code: "custom",
      message: `unknown time zone "${zone}": write an IANA name such as Europe/Paris or UTC`,
    });
  }
});

export const JobConfig = z
  .strictObject({
    cron: cronExpression.describe(
      'When the job runs, as a cron expression read in `timeZone`, e.g. "30 2 * * *" = every day at 02:30.',
    ),
    timeZone: timeZone
      .default("Europe/Paris")
      .describe("IANA time zone the cron expression is read in (daylight saving handled)."),
    steps: z
      .array(JobStep)
      .min(1)
      .default([...JOB_STEPS])
      .superRefine((steps, ctx) => {
        if (new Set(steps).size !== steps.length) {
          ctx.addIssue({ code: "custom", message: "lists a step twice: each of pull, estimate, push at most once" });
        }
      })
      .describe("Stages the job runs, always in the order pull → estimate → push. Default: all three."),
    full: flag(z.boolean().default(false)).describe(
      "Make every run of this job a full pull that also reconciles deletions (like `sync --full`).",
    ),
  })
  .describe("A scheduled job run by `empreinte daemon`; it shares the lease with manual runs, so runs never overlap.");
export type JobConfig = z.infer<typeof JobConfig>;
