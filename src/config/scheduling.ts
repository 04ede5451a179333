import { z } from "zod";
import { nonNegativeInt, positiveInt, positiveNumber } from "./fields.js";

const regex = z.string().superRefine((source, ctx) => {
  try {
    new RegExp(source);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: `not a valid regular expression: ${(error as Error).message}` });
  }
});

/** A rule that classes commands: the first whose `match` finds the command wins. */
export const priorityRuleSchema = z.strictObject({
  match: regex.describe("Regular expression searched in the command text."),
  priority: z
    .number({ error: "must be an integer from 0 to 9" })
    .int({ error: "must be an integer from 0 to 9" })
    .min(0, { error: "must be an integer from 0 to 9" })
    .max(9, { error: "must be an integer from 0 to 9" })
    .describe("0 runs first; the default for unmatched commands is 5."),
  weight: positiveInt(1, "Slots a matching command occupies (a heavy class such as `npm install` may count as more)."),
});

export const prioritiesSchema = z.array(priorityRuleSchema).default([]).describe("Command classes, first match wins. Agents cannot choose their priority.");

export const jobsSchema = z
  .strictObject({
    result_ttl_seconds: positiveNumber(3600, "How long a finished background job's result is kept."),
    max_kept: positiveInt(50, "Finished jobs kept per session; the oldest is dropped first."),
    max_wait_seconds: positiveNumber(50, "Longest wait_seconds get_command_result honours (stay below the client's reply timeout)."),
  })
  .prefault({});

export const adaptiveSchema = z
  .strictObject({
    enabled: z.boolean().default(false).describe("Shrink the global concurrency while the machine is overloaded."),
    max_load_per_cpu: positiveNumber(2, "1-minute load average per CPU above which the machine counts as overloaded."),
    min_free_memory_mb: nonNegativeInt(256, "Available memory below which the machine counts as overloaded."),
    max_event_loop_lag_ms: positiveNumber(200, "Event loop delay (p99 over the last interval) above which the server counts as overloaded."),
    check_interval_ms: positiveInt(1000, "How often the load is checked."),
    recover_checks: positiveInt(3, "Consecutive healthy checks before capacity grows again (hysteresis)."),
    shed_priority: z.number().int().min(0).max(9).default(7).describe("While degraded, calls of this priority number or above are refused at once (reason degraded)."),
  })
  .prefault({});

export type PriorityRule = z.output<typeof priorityRuleSchema>;
export type JobsConfig = z.output<typeof jobsSchema>;
export type AdaptiveConfig = z.output<typeof adaptiveSchema>;
