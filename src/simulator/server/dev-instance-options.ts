// Options of the embedded dev instance, validated with zod because the CLI and the admin endpoint feed them.
import { z } from "zod";

export const DevInstanceOptions = z.object({
  host: z.string().default("127.0.0.1").describe("Interface to listen on; loopback by default"),
  port: z.number().int().min(0).max(65535).default(0).describe("0 picks a free port"),
  seed: z.number().int().default(1),
  services: z.number().int().min(0).default(1600),
  months: z.number().int().min(1).max(120).default(24),
  anchorMonth: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "anchor month must look like 2026-11")
    .optional()
    .describe("The month the data ends before; defaults to the current UTC month"),
  username: z.string().min(1).default("empreinte.integration"),
  password: z.string().min(1).optional().describe("Generated when absent"),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  userTimeZone: z.string().default("Europe/Paris").describe("Time zone of display values"),
  accessTokenLifetimeS: z.number().int().min(1).default(1800),
  rateLimitPerHour: z.number().int().min(1).optional().describe("A per-user hourly rule on the integration user"),
  maxConcurrent: z.number().int().min(1).default(4).describe("Integration semaphore: beyond it, 429"),
  omitColumns: z.array(z.string()).default([]).describe("Owned columns to leave undefined (to exercise setup)"),
  storePath: z.string().optional().describe("SQLite file for the records; a temp file by default"),
  extraUsers: z
    .array(
      z.object({
        username: z.string().min(1),
        password: z.string().min(1),
        roles: z.array(z.string()).default([]),
      }),
    )
    .default([])
    .describe("More Basic-auth users, e.g. a non-admin one to exercise 403s (roles: admin, itil, writer)"),
});
export type DevInstanceOptions = z.input<typeof DevInstanceOptions>;
export type ResolvedDevInstanceOptions = z.output<typeof DevInstanceOptions>;
