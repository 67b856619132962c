// Swarm secrets are immutable: a changed value needs a new secret. Naming each one after a hash of its content makes
// "create if missing" idempotent (same value, same name) and lets a deploy switch to a new value atomically; old
// names are removed once no deploy uses them. The hash is of the name and value together, truncated: it tells
// versions apart, it is not meant to hide the value (the value never leaves the bot and the manager anyway).
import { createHash } from "node:crypto";
import { SWARM_NAME } from "./swarm-names.js";
import { FinalError } from "../errors.js";

export const SECRET_NAME_MAX = 64;
export const SECRET_HASH_LENGTH = 10;

export function secretSwarmName(stack: string, name: string, value: string): string {
  const hash = createHash("sha256").update(name).update("\0").update(value).digest("hex").slice(0, SECRET_HASH_LENGTH);
  const full = `${stack}_${name}_${hash}`;
  if (full.length > SECRET_NAME_MAX)
    throw new FinalError(`secret name ${full} is ${full.length} characters; Swarm allows ${SECRET_NAME_MAX}`);
  // Same characters as other Swarm names (the stack and the config's name are validated already); 64 long at most.
  if (!SWARM_NAME.test(full)) throw new FinalError(`secret name ${JSON.stringify(full)} is not a valid Swarm name`);
  return full;
}

/** Length of the Swarm name a secret gets in the longest preview stack name the config allows. */
export function longestSecretNameLength(longestStack: string, name: string): number {
  return `${longestStack}_${name}_`.length + SECRET_HASH_LENGTH;
}
