import { pino, type Logger } from "pino";
import type { BerthEnv } from "./env.js";

/** JSON lines on stdout; the same logger serves Probot and Berth so every line has one shape. */
export function createLogger(level: BerthEnv["logLevel"]): Logger {
  return pino({
    name: "berth",
    level,
    // Keys, tokens and secrets never reach the log, whatever object is logged.
    redact: { paths: ["*.privateKey", "*.token", "*.password", "*.authorization", "headers.authorization", "*.secret"], censor: "[redacted]" },
  });
}
