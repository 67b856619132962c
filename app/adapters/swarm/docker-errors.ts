import { FinalError, TransientError } from "../../errors.js";
import type { ExecResult } from "../ssh/pool.js";

// Daemon or connection trouble may pass (a manager's dockerd restarting answers "Canceled … client connection is
// closing" and "database not open" while it stops, "does not have a leader" while Raft comes back); anything else Docker refuses (invalid compose, bad image reference) won't.
const TRANSIENT =
  /Cannot connect to the Docker daemon|connection refused|i\/o timeout|context deadline exceeded|EOF|update out of sequence|rpc error: code = (Unavailable|DeadlineExceeded|Canceled)|client connection is closing|database not open|does not have a leader|network .* not found|no such service/i;

export function dockerFailure(what: string, result: ExecResult): Error {
  const detail = (result.stderr || result.stdout).trim().split("\n").slice(-5).join("\n");
  const message = `${what} failed (exit ${result.code}): ${detail}`;
  return TRANSIENT.test(detail) ? new TransientError(message) : new FinalError(message);
}
