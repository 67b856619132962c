// The services table of the sticky comment and of /status: running/desired per service, and on which nodes the
// running tasks are when that is known — so a lost node shows as its tasks moving to the survivors.
import type { ServiceStatus } from "../../ports/swarm.js";
import { inline } from "./markdown.js";

function nodeList(nodes: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts].map(([n, c]) => (c > 1 ? `${inline(n)} ×${c}` : inline(n))).join(", ") || "–";
}

export function serviceTable(services: readonly ServiceStatus[]): string[] {
  const withNodes = services.some((s) => s.nodes !== undefined);
  return withNodes
    ? [
        "| service | running/desired | nodes |",
        "|---|---|---|",
        ...services.map((s) => `| ${inline(s.service)} | ${s.running}/${s.desired} | ${nodeList(s.nodes ?? [])} |`),
      ]
    : [
        "| service | running/desired |",
        "|---|---|",
        ...services.map((s) => `| ${inline(s.service)} | ${s.running}/${s.desired} |`),
      ];
}
