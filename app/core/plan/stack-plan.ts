// The diff `berth plan` prints: what deploying the desired stack would change against what runs now. Pure, so every
// case is a unit test; the CLI only fetches both sides.
import type { ServiceSpec, StackSpec } from "./stack-spec.js";

export type PlanChange =
  | { kind: "create-stack"; stack: string }
  | { kind: "add-service"; service: string; image: string; replicas: number }
  | { kind: "remove-service"; service: string; image: string; replicas: number }
  | { kind: "image"; service: string; from: string; to: string }
  | { kind: "replicas"; service: string; from: number; to: number }
  | { kind: "commit"; service: string; from: string; to: string }
  | { kind: "networks"; service: string; added: string[]; removed: string[] }
  | { kind: "secrets"; service: string; added: string[]; removed: string[] };

const without = (a: readonly string[], b: readonly string[]) => a.filter((x) => !b.includes(x));

/** A digest Swarm pinned at deploy time is not a change of the reference the config asks for. */
const sameImage = (a: string, b: string) =>
  a.replace(/@sha256:[0-9a-f]{64}$/, "") === b.replace(/@sha256:[0-9a-f]{64}$/, "");

export function planStack(desired: StackSpec, current: StackSpec): PlanChange[] {
  const changes: PlanChange[] = [];
  if (current.services.length === 0) changes.push({ kind: "create-stack", stack: desired.stack });
  const now = new Map(current.services.map((s) => [s.service, s]));
  const wanted = new Map(desired.services.map((s) => [s.service, s]));
  for (const d of desired.services) {
    const c = now.get(d.service);
    if (!c) {
      changes.push({ kind: "add-service", service: d.service, image: d.image, replicas: d.replicas });
      continue;
    }
    changes.push(...serviceChanges(d, c));
  }
  // docker stack deploy --prune removes services the file no longer has.
  for (const c of current.services) {
    if (!wanted.has(c.service))
      changes.push({ kind: "remove-service", service: c.service, image: c.image, replicas: c.replicas });
  }
  return changes;
}

function serviceChanges(d: ServiceSpec, c: ServiceSpec): PlanChange[] {
  const out: PlanChange[] = [];
  if (!sameImage(d.image, c.image)) out.push({ kind: "image", service: d.service, from: c.image, to: d.image });
  if (d.sha !== undefined && d.sha !== c.sha)
    out.push({ kind: "commit", service: d.service, from: c.sha ?? "(none)", to: d.sha });
  if (d.replicas !== c.replicas) out.push({ kind: "replicas", service: d.service, from: c.replicas, to: d.replicas });
  const netAdded = without(d.networks, c.networks);
  const netRemoved = without(c.networks, d.networks);
  if (netAdded.length || netRemoved.length)
    out.push({ kind: "networks", service: d.service, added: netAdded, removed: netRemoved });
  const secAdded = without(d.secrets, c.secrets);
  const secRemoved = without(c.secrets, d.secrets);
  if (secAdded.length || secRemoved.length)
    out.push({ kind: "secrets", service: d.service, added: secAdded, removed: secRemoved });
  return out;
}

/** One line per change, terraform-style markers: + adds, - removes, ~ changes. */
export function planLines(changes: readonly PlanChange[]): string[] {
  return changes.map((c) => {
    switch (c.kind) {
      case "create-stack":
        return `+ stack ${c.stack} (new: nothing of it runs now)`;
      case "add-service":
        return `+ service ${c.service}: ${c.image}, ${c.replicas} replica${c.replicas === 1 ? "" : "s"}`;
      case "remove-service":
        return `- service ${c.service}: ${c.image}, ${c.replicas} replica${c.replicas === 1 ? "" : "s"}`;
      case "image":
        return `~ service ${c.service}: image ${c.from} → ${c.to}`;
      case "commit":
        return `~ service ${c.service}: commit ${c.from.slice(0, 12)} → ${c.to.slice(0, 12)}`;
      case "replicas":
        return `~ service ${c.service}: replicas ${c.from} → ${c.to}`;
      case "networks":
        return `~ service ${c.service}: networks${c.added.map((n) => ` +${n}`).join("")}${c.removed.map((n) => ` -${n}`).join("")}`;
      case "secrets":
        return `~ service ${c.service}: secrets${c.added.map((n) => ` +${n}`).join("")}${c.removed.map((n) => ` -${n}`).join("")}`;
    }
  });
}
