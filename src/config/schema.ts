import { z } from "zod";
import { nonNegativeInt, positiveInt, positiveNumber } from "./fields.js";
import { adaptiveSchema, jobsSchema, prioritiesSchema } from "./scheduling.js";
import { usersSchema } from "./users.js";

/**
 * The whole configuration, with every default in one place. Names are snake_case because they are
 * the same words operators see in tool results and errors. Unknown keys are errors (strictObject).
 */
export const limitsSchema = z
  .strictObject({
    max_concurrent_processes: positiveInt(10, "Global cap on commands running at once."),
    max_processes_per_session: positiveInt(5, "Cap on commands running at once for one MCP session."),
    max_processes_per_user: positiveInt(10, "Cap on commands running at once for one user (HTTP identity), all its sessions together."),
    process_queue_size: positiveInt(50, "Calls that may wait for a slot, all sessions together."),
    max_queued_per_session: positiveInt(20, "Calls one session may have waiting, so no session fills the queue."),
    max_queue_wait_seconds: positiveNumber(30, "A queued call gives up after this (concurrency_limited). Keep below the client's reply timeout (often 60 s)."),
    requests_per_minute: positiveNumber(60, "Per-session refill rate of the command token bucket."),
    burst_size: positiveInt(10, "Capacity of the command token bucket."),
    status_requests_per_minute: positiveNumber(600, "Per-session refill rate for the status tools, charged apart from commands."),
    status_burst_size: positiveInt(60, "Bucket capacity for the status tools."),
    execution_time_limit_seconds: positiveNumber(600, "Wall clock per command."),
    max_output_bytes: positiveInt(1_048_576, "Kept per stream; beyond it the middle is dropped (head and tail kept)."),
    memory_limit_mb: positiveInt(512, "Resident memory of a command's whole process tree."),
    cpu_time_limit_seconds: positiveNumber(300, "CPU time of a command's whole process tree, exited children included."),
    max_processes_per_command: positiveInt(256, "Live processes in one command's tree."),
  })
  .prefault({});

const defaultEnvAllowlist = ["PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR"];

export const execSchema = z
  .strictObject({
    shell: z.string().min(1, { error: "must be a non-empty path" }).default("/bin/sh").describe("Shell that runs each command as `shell -c command`."),
    env_allowlist: z.array(z.string().min(1)).default(defaultEnvAllowlist).describe("Server environment variables a command inherits; everything else is withheld."),
    kill_grace_seconds: positiveNumber(2, "Between SIGTERM and SIGKILL when a command is stopped."),
    max_command_bytes: positiveInt(65_536, "Longest accepted command string."),
    max_stdin_bytes: positiveInt(1_048_576, "Largest accepted `stdin` argument."),
    monitor_interval_ms: positiveInt(500, "How often one /proc scan measures every running command's tree (a limit is acted on within about this long)."),
    shutdown_grace_seconds: positiveNumber(5, "On SIGTERM/SIGINT, running commands get this long to finish; then SIGTERM, and SIGKILL kill_grace_seconds later."),
    cgroups: z
      .enum(["auto", "off"])
      .default("auto")
      .describe("auto: where a cgroup v1 pids hierarchy is writable, put each command in its own cgroup, so the kernel stops a fork bomb and membership cannot be shed; off: never."),
  })
  .prefault({});

export const logSchema = z
  .strictObject({
    level: z.enum(["error", "warn", "info", "debug"]).default("info").describe("Least severe level written."),
    file: z.string().min(1).optional().describe("Also append JSON lines to this file."),
  })
  .prefault({});

export const httpSchema = z
  .strictObject({
    host: z.string().min(1).default("127.0.0.1").describe("Address to bind. Anything but loopback needs `users` (or allow_unauthenticated)."),
    port: nonNegativeInt(8080, "TCP port; 0 picks a free one."),
    allowed_hosts: z.array(z.string().min(1)).optional().describe("Host header values accepted (DNS-rebinding protection). Default on loopback: localhost, 127.0.0.1, [::1]."),
    allowed_origins: z.array(z.string().min(1)).default([]).describe("Browser Origins allowed to call; any other Origin gets 403. Requests without Origin (non-browser clients) pass."),
    requests_per_minute: positiveNumber(600, "Transport-level refill rate per identity (user, or client address), before JSON-RPC is parsed."),
    burst_size: positiveInt(120, "Transport-level bucket capacity per identity."),
    session_idle_seconds: positiveNumber(1800, "A session unused this long is closed and its commands killed."),
    max_sessions: positiveInt(1000, "Open sessions, all identities together."),
    max_sessions_per_identity: positiveInt(20, "Open sessions per user, or per client address when no users are configured."),
    trust_proxy: z.boolean().default(false).describe("Take the client address from X-Forwarded-For (behind a reverse proxy you run)."),
    allow_unauthenticated: z.boolean().default(false).describe("Serve without `users` on a non-loopback address. Dangerous: anyone who reaches the port runs commands."),
  })
  .prefault({});

export const redisSchema = z
  .strictObject({
    url: z.string().regex(/^rediss?:\/\//, { error: "must be a redis:// or rediss:// URL" }).describe("Shared store for every limit; several instances on one Redis enforce the limits once."),
    key_prefix: z.string().min(1).default("cmdgate:").describe("Prefix of every key and channel; instances sharing limits use the same one."),
    on_unavailable: z.enum(["reject", "local"]).default("reject").describe("Redis unreachable: refuse calls with `unavailable` (reject), or fall back to this instance's own limits (local)."),
    lease_seconds: positiveNumber(15, "A slot held by an instance that stopped renewing it (crashed) is free again after this long."),
    command_timeout_ms: positiveInt(1000, "Longest wait for one Redis command before the store counts as unavailable."),
  })
  .optional();

export const configSchema = z
  .strictObject({
    $schema: z.string().optional().describe("Editor hint; ignored."),
    limits: limitsSchema,
    exec: execSchema,
    log: logSchema,
    http: httpSchema,
    users: usersSchema.optional(),
    priorities: prioritiesSchema,
    jobs: jobsSchema,
    adaptive: adaptiveSchema,
    redis: redisSchema,
  });

/** What a config file may contain (everything optional). */
export type ConfigInput = z.input<typeof configSchema>;
/** The validated configuration with every default filled in. */
export type Config = z.output<typeof configSchema>;
export type Limits = Config["limits"];
export type HttpConfig = Config["http"];
export type RedisConfig = NonNullable<Config["redis"]>;
