import { pino, type Logger } from "pino";
import type { BerthEnv } from "./env.js";
import type { KnownSecrets } from "../adapters/secrets/known-secrets.js";

/** JSON lines on stdout; the same logger serves Probot and Berth so every line has one shape. */
export function createLogger(
  level: BerthEnv["logLevel"],
  known?: KnownSecrets,
  out: { write(line: string): unknown } = process.stdout,
): Logger {
  // Secret values are blacked out in the finished line, whatever field or error message carries them.
  const destination = { write: (line: string) => void out.write(known ? known.text(line) : line) };
  return pino(
    {
      name: "berth",
      level,
      // Keys, tokens and secrets never reach the log, whatever object is logged.
      redact: {
        paths: ["*.privateKey", "*.token", "*.password", "*.authorization", "headers.authorization", "*.secret"],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
