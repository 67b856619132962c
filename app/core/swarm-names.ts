// Swarm's naming rule for stacks, services, networks and volumes. A name that fails here would fail at
// `docker stack deploy` on the manager; refusing it early gives a clear message and keeps odd text out of commands.
import { FinalError } from "../errors.js";

/** Swarm's own rule is /^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$/. Same language, written without nested
 *  quantifiers so a long hostile name cannot make the regex backtrack exponentially. */
export const SWARM_NAME = /^[A-Za-z0-9](?:[-_A-Za-z0-9]*[A-Za-z0-9])?$/;

/** Service names (`<stack>_<service>`) and other Swarm object names may be at most this long. */
export const SWARM_NAME_MAX = 63;

export function isSwarmName(name: string): boolean {
  return name.length <= SWARM_NAME_MAX && SWARM_NAME.test(name);
}

/** Returns the name when valid; throws FinalError (no retry can fix a name) otherwise. */
export function assertSwarmName(name: string, what = "name"): string {
  if (name.length > SWARM_NAME_MAX) {
    throw new FinalError(
      `${what} ${JSON.stringify(name.slice(0, 80))} is ${name.length} characters; Swarm allows at most ${SWARM_NAME_MAX}`,
    );
  }
  if (!SWARM_NAME.test(name)) {
    throw new FinalError(
      `${what} ${JSON.stringify(name)} is not a valid Swarm name: letters, digits, '-' and '_', starting and ending with a letter or digit`,
    );
  }
  return name;
}

/** The Swarm name of a stack's service, `<stack>_<service>`, checked as a whole. */
export function serviceFullName(stack: string, service: string): string {
  assertSwarmName(stack, "stack name");
  assertSwarmName(service, "service name");
  return assertSwarmName(`${stack}_${service}`, "service name");
}
