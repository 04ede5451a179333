import { z } from "zod";

const optionalPositive = (description: string) =>
  z.number({ error: "must be a positive number" }).positive({ error: "must be a positive number" }).optional().describe(description);
const optionalPositiveInt = (description: string) =>
  z.number({ error: "must be a positive integer" }).int({ error: "must be a positive integer" }).positive({ error: "must be a positive integer" }).optional().describe(description);

/**
 * An HTTP identity. Its token is stored only as a SHA-256 hex digest (`cmdgate hash-token`). Rate and
 * concurrency values form a pool shared by all the user's sessions; quota values replace the
 * configured per-command limits for this user (a tier).
 */
export const userSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, { error: "must be 1-64 letters, digits, or _ . @ -" }),
  token_sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: "must be 64 lowercase hex digits (sha256 of the token)" }),
  requests_per_minute: optionalPositive("Refill rate of the user's bucket, all sessions together (default limits.requests_per_minute)."),
  burst_size: optionalPositiveInt("Capacity of the user's bucket (default limits.burst_size)."),
  max_processes: optionalPositiveInt("Commands running at once for the user (default limits.max_processes_per_user)."),
  memory_limit_mb: optionalPositiveInt("Replaces limits.memory_limit_mb for this user."),
  cpu_time_limit_seconds: optionalPositive("Replaces limits.cpu_time_limit_seconds for this user."),
  execution_time_limit_seconds: optionalPositive("Replaces limits.execution_time_limit_seconds for this user."),
  max_processes_per_command: optionalPositiveInt("Replaces limits.max_processes_per_command for this user."),
});

export type UserConfig = z.output<typeof userSchema>;

export const usersSchema = z
  .array(userSchema)
  .min(1, { error: "must list at least one user (omit the key to run without identities)" })
  .superRefine((users, ctx) => {
    const seen = new Set<string>();
    users.forEach((user, index) => {
      for (const [field, value] of [["name", user.name], ["token_sha256", user.token_sha256]] as const) {
        const key = `${field}:${value}`;
        if (seen.has(key)) ctx.addIssue({ code: "custom", path: [index, field], message: `duplicate ${field}` });
        seen.add(key);
      }
    });
  })
  .describe("HTTP identities. When set, every HTTP request needs `Authorization: Bearer <token>`.");
