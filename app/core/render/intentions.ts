// Seed 004's intentions ("may api connect to database?") on a Swarm without a mesh: services reach each other only
// over overlay networks they share, so an allowed pair gets a network of its own and a denied pair shares none —
// neither the other's name (DNS answers per network) nor its address (off-link) is reachable. Pure: the config's
// cross-check and the stack renderer both call it, with the services each of them knows.
import { createHash } from "node:crypto";
import type { Intention } from "../config/types.js";
import { didYouMean } from "../config/did-you-mean.js";

export const ANY_SERVICE = "*";
/** Network keys Berth adds for intentions (the reserved `berth` prefix keeps templates from declaring them). */
export const PAIR_NETWORK_PREFIX = "berth_pair_";
export const SOLO_NETWORK_PREFIX = "berth_solo_";
/** On each pair network: the two services it joins, "a,b" (sorted). */
export const PAIR_LABEL = "berth.intention.pair";
const SWARM_NAME_MAX = 63;

export interface IntentionProblem {
  /** Index in the config's intentions list. */
  index: number;
  field: "source" | "destination" | "action";
  message: string;
}

export interface Decision {
  action: "allow" | "deny";
  /** The intention that decided; undefined when none matched (denied by default). */
  by?: number;
}

export const declaresIntentions = (intentions: readonly Intention[] | undefined): intentions is Intention[] =>
  intentions !== undefined && intentions.length > 0;

/** Consul's precedence: an exact destination outranks an exact source; both exact outrank everything. */
function precedence(intention: Intention): number {
  return (intention.destination === ANY_SERVICE ? 0 : 2) + (intention.source === ANY_SERVICE ? 0 : 1);
}

const matches = (pattern: string, name: string) => pattern === ANY_SERVICE || pattern === name;

/** The most specific intention matching source → destination; none matching = denied. */
export function decide(intentions: readonly Intention[], source: string, destination: string): Decision {
  let best: { index: number; rank: number } | undefined;
  intentions.forEach((intention, index) => {
    if (!matches(intention.source, source) || !matches(intention.destination, destination)) return;
    const rank = precedence(intention);
    if (!best || rank > best.rank) best = { index, rank };
  });
  return best ? { action: intentions[best.index]!.action, by: best.index } : { action: "deny" };
}

/** What Swarm cannot honour or what names nothing: unknown services, duplicates, self-pairs, one-way denies. */
export function intentionProblems(intentions: readonly Intention[], services: readonly string[]): IntentionProblem[] {
  const out: IntentionProblem[] = [];
  const known = new Set(services);
  const seen = new Map<string, number>();
  intentions.forEach((intention, index) => {
    for (const field of ["source", "destination"] as const) {
      const name = intention[field];
      if (name === ANY_SERVICE || known.has(name)) continue;
      const guess = didYouMean(name, services);
      out.push({
        index,
        field,
        message: `no service '${name}' in services${guess ? ` (did you mean '${guess}'?)` : ""}; name one of ${[...services].join(", ")} or '*'`,
      });
    }
    if (intention.source === intention.destination && intention.source !== ANY_SERVICE)
      out.push({
        index,
        field: "destination",
        message: `source and destination are both '${intention.source}': a service always reaches its own tasks; intentions are between two services`,
      });
    const key = `${intention.source}\n${intention.destination}`;
    const first = seen.get(key);
    if (first !== undefined)
      out.push({
        index,
        field: "source",
        message: `a second intention for ${intention.source} → ${intention.destination} (the first is intentions[${first}]); keep one`,
      });
    else seen.set(key, index);
  });
  if (out.length > 0) return out;
  // Networks have no direction: allowing a → b lets b connect to a as well. An intention that denies b → a would be
  // silently broken, so it is refused; a deny that only a default ('*' → '*' or none) produces is the documented trade.
  const refused = new Set<number>();
  for (const [a, b] of pairsOf(services)) {
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const there = decide(intentions, from, to);
      const back = decide(intentions, to, from);
      if (there.action !== "allow" || back.action !== "deny" || back.by === undefined || refused.has(back.by)) continue;
      if (precedence(intentions[back.by]!) === 0) continue; // '*' → '*': the default, not a claim about this pair
      refused.add(back.by);
      const allowing = intentions[there.by!]!;
      out.push({
        index: back.by,
        field: "action",
        message: `Swarm networks have no direction: intentions[${there.by}] (${allowing.source} → ${allowing.destination}: allow) puts ${from} and ${to} on one network, so ${to} can connect to ${from} too and this deny cannot be honoured; remove it, or deny ${from} → ${to} as well`,
      });
    }
  }
  return out;
}

/** Unordered pairs of distinct services, each once, in a stable order. */
function pairsOf(services: readonly string[]): [string, string][] {
  const sorted = [...new Set(services)].sort();
  const out: [string, string][] = [];
  for (let i = 0; i < sorted.length; i++)
    for (let j = i + 1; j < sorted.length; j++) out.push([sorted[i]!, sorted[j]!]);
  return out;
}

/** Pairs that may talk (either direction allowed), sorted. */
export function allowedPairs(intentions: readonly Intention[], services: readonly string[]): [string, string][] {
  return pairsOf(services).filter(
    ([a, b]) => decide(intentions, a, b).action === "allow" || decide(intentions, b, a).action === "allow",
  );
}

export interface IntentionNetworks {
  /** Service → the network keys it joins instead of the stack network (every service gets at least one). */
  joins: Record<string, string[]>;
  /** Network key → the services on it, for the top-level network definitions. */
  networks: Record<string, string[]>;
}

/**
 * The networks that carry exactly the allowed pairs. A service with no allowed pair gets a network of its own, since
 * `docker stack deploy` puts a service without networks on the stack's `default` network, shared with every other.
 * `longestStack` bounds `<stack>_<key>` to Swarm's 63 characters: a longer key becomes a hash of the pair.
 */
export function intentionNetworks(
  intentions: readonly Intention[],
  services: readonly string[],
  longestStack: string,
): IntentionNetworks {
  const joins: Record<string, string[]> = Object.fromEntries(services.map((s) => [s, []]));
  const networks: Record<string, string[]> = {};
  const add = (key: string, members: string[]) => {
    // Names with '_' could make two pairs read alike (a_b + c, a + b_c): the second one is hashed.
    const unique = key in networks || longestStack.length + 1 + key.length > SWARM_NAME_MAX ? hashed(key) : key;
    networks[unique] = members;
    for (const m of members) joins[m]!.push(unique);
  };
  for (const [a, b] of allowedPairs(intentions, services)) add(`${PAIR_NETWORK_PREFIX}${a}_${b}`, [a, b]);
  for (const s of services) if (joins[s]!.length === 0) add(`${SOLO_NETWORK_PREFIX}${s}`, [s]);
  return { joins, networks };
}

function hashed(key: string): string {
  const prefix = key.startsWith(SOLO_NETWORK_PREFIX) ? SOLO_NETWORK_PREFIX : PAIR_NETWORK_PREFIX;
  return `${prefix}${createHash("sha256").update(key).digest("hex").slice(0, 12)}`;
}
