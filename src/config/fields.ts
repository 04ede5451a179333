import { z } from "zod";

/** Field builders whose messages read well after a key path: "limits.x: must be a positive integer". */
export const positiveInt = (defaultValue: number, description: string) =>
  z
    .number({ error: "must be a positive integer" })
    .int({ error: "must be a positive integer" })
    .positive({ error: "must be a positive integer" })
    .default(defaultValue)
    .describe(description);

export const nonNegativeInt = (defaultValue: number, description: string) =>
  z
    .number({ error: "must be a non-negative integer" })
    .int({ error: "must be a non-negative integer" })
    .min(0, { error: "must be a non-negative integer" })
    .default(defaultValue)
    .describe(description);

export const positiveNumber = (defaultValue: number, description: string) =>
  z
    .number({ error: "must be a positive number" })
    .positive({ error: "must be a positive number" })
    .default(defaultValue)
    .describe(description);

export const fraction = (defaultValue: number, description: string) =>
  z
    .number({ error: "must be a number between 0 and 1" })
    .min(0, { error: "must be a number between 0 and 1" })
    .max(1, { error: "must be a number between 0 and 1" })
    .default(defaultValue)
    .describe(description);
