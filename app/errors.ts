// Which failures a retry can fix. Jobs throw these; the queue turns FinalError into BullMQ's UnrecoverableError
// (no retry) and lets everything else back off and retry.
import type { ConfigProblem } from "./core/config/types.js";

/** A retry cannot help: invalid config, refused permission, a name Swarm would reject. */
export class FinalError extends Error {
  readonly retryable = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FinalError";
  }
}

export class ConfigError extends FinalError {
  constructor(
    message: string,
    readonly problems: ConfigProblem[] = [],
  ) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Worth retrying: SSH unreachable, Docker daemon error, GitHub 5xx or secondary rate limit. */
export class TransientError extends Error {
  readonly retryable = true;
  /** Honour GitHub's retry-after when it gave one. */
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "TransientError";
  }
}

/** SSH host key did not match the pinned one: never retried, never connected. */
export class HostKeyMismatchError extends FinalError {
  constructor(host: string, expected: string, got: string) {
    super(
      `SSH host key of ${host} does not match the pinned key (expected ${expected}, got ${got}). Refusing to connect; update ssh.hostKey in the deploy config if the host was rebuilt.`,
    );
    this.name = "HostKeyMismatchError";
  }
}

/** The SSH connection to a manager could not be made (refused, timed out, reset): another manager may answer. */
export class SshUnreachableError extends TransientError {
  constructor(
    readonly host: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, undefined, options);
    this.name = "SshUnreachableError";
  }
}
