import type { PriorityRule } from "../config/scheduling.js";

export interface CommandClass {
  priority: number;
  weight: number;
}

export const DEFAULT_CLASS: CommandClass = { priority: 5, weight: 1 };

export interface CompiledRule extends CommandClass {
  pattern: RegExp;
}

export const compileRules = (rules: readonly PriorityRule[]): CompiledRule[] =>
  rules.map((rule) => ({ pattern: new RegExp(rule.match), priority: rule.priority, weight: rule.weight }));

/** The operator's class for a command: the first rule that matches, else the default. */
export function classify(command: string, rules: readonly CompiledRule[]): CommandClass {
  const rule = rules.find((candidate) => candidate.pattern.test(command));
  return rule ? { priority: rule.priority, weight: rule.weight } : DEFAULT_CLASS;
}
