/**
 * Defaults that stop the usual hangs of a non-interactive run: pagers, credential prompts,
 * colour codes and installers asking questions. A call's own `env` may override them.
 */
export const nonInteractiveEnv: Readonly<Record<string, string>> = {
  GIT_TERMINAL_PROMPT: "0",
  PAGER: "cat",
  GIT_PAGER: "cat",
  NO_COLOR: "1",
  TERM: "dumb",
  DEBIAN_FRONTEND: "noninteractive",
};

/** Name of the variable that marks every process of a command, so escaped children can be found. */
export const MARKER_VARIABLE = "CMDGATE_JOB";

/**
 * The child's whole environment: the allowlisted part of the server's (which may hold the
 * assistant's secrets, so nothing else passes), the non-interactive defaults, the call's own
 * variables, and last the marker, which a call cannot override.
 */
export function commandEnv(
  serverEnv: NodeJS.ProcessEnv,
  allowlist: readonly string[],
  callEnv: Readonly<Record<string, string>> | undefined,
  marker: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of allowlist) {
    const value = serverEnv[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...nonInteractiveEnv, ...callEnv, [MARKER_VARIABLE]: marker };
}
