// The docker CLI on this machine (the local manager), for benches and tests that act by hand.
import { execFileSync } from "node:child_process";

/** stderr is kept in the thrown error, not printed: the callers that expect failures decide what they mean. */
export const docker = (...args: string[]) =>
  execFileSync("docker", args, { stdio: ["ignore", "pipe", "pipe"] })
    .toString()
    .trim();

export const stackLabel = (stack: string) => `label=com.docker.stack.namespace=${stack}`;
