// Which traffic policies each router can honour. A policy the chosen router would silently ignore is refused when
// the config is read (file:line in the check run and in `berth validate`), never dropped at render time.
import type { DeployConfig, TrafficPolicy } from "../config/types.js";
import type { SchemaMessage } from "../config/schema-messages.js";
import { pointerFrom } from "../config/yaml-positions.js";

type Mode = DeployConfig["routing"]["mode"];

const WEIGHTED_WHY: Record<Mode, string> = {
  caddy: "Caddy 2.6 has no weighted selection policy (weighted_round_robin arrived in Caddy 2.7)",
  traefik: "Traefik defines weighted round robin services only in its file provider, not in Swarm labels",
  "host-port": "host-port mode has no router",
};

export function trafficProblems(config: Omit<DeployConfig, "file">): SchemaMessage[] {
  const out: SchemaMessage[] = [];
  const mode = config.routing.mode;
  if (mode === "caddy" && config.routing.scheme === "http")
    out.push({
      pointer: "/routing/scheme",
      at: "value",
      message: "the Caddy edge serves HTTPS only (plain HTTP is redirected); use scheme https or host-port mode",
    });
  for (const [name, service] of Object.entries(config.services)) {
    const policy: TrafficPolicy | undefined = service.traffic;
    if (!policy) continue;
    const at = (...rest: string[]) => pointerFrom(["services", name, "traffic", ...rest]);
    const refuse = (pointer: string, message: string) => out.push({ pointer, at: "key", message });
    if (mode === "host-port") {
      refuse(at(), "host-port mode has no router to apply a traffic policy; use routing mode caddy or traefik");
      continue;
    }
    if (!service.public) {
      refuse(at(), "only the public service is reached through the router; move 'traffic' to the public service");
      continue;
    }
    if (policy.loadBalancing === "weighted") refuse(at("loadBalancing"), `weighted: ${WEIGHTED_WHY[mode]}`);
    if (policy.stickyCookie !== undefined && policy.loadBalancing !== "sticky-cookie")
      refuse(at("stickyCookie"), "stickyCookie needs loadBalancing: sticky-cookie");
    if (mode === "caddy" && policy.rateLimit)
      refuse(
        at("rateLimit"),
        "Caddy 2.6 has no built-in rate limiter (it needs a plugin Debian's caddy lacks); drop rateLimit or use traefik",
      );
    if (mode === "traefik" && policy.timeouts)
      refuse(
        at("timeouts"),
        "Traefik sets dial and response timeouts on a serversTransport, which Swarm labels cannot define; drop timeouts or use caddy",
      );
  }
  return out;
}
