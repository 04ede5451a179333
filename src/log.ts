import winston from "winston";

export type Logger = winston.Logger;

export interface LogOptions {
  level: string;
  file?: string;
}

const levels = ["error", "warn", "info", "http", "verbose", "debug", "silly"];

/**
 * JSON lines to stderr for every level: on stdio, stdout carries JSON-RPC only, and winston's
 * default Console writes info to stdout.
 */
export function createLogger(options: LogOptions): Logger {
  const transports: winston.transport[] = [new winston.transports.Console({ stderrLevels: levels })];
  if (options.file) transports.push(new winston.transports.File({ filename: options.file }));
  return winston.createLogger({
    level: options.level,
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports,
  });
}

/** A logger that drops everything, for tests and embedding. */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ stderrLevels: levels })] });
}
