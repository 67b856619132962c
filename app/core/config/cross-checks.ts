// Rules that span fields and so cannot live in the JSON Schema. Run only on data the schema accepted.
import type { DeployConfig, ResourceSpec } from "./types.js";
import type { SchemaMessage } from "./schema-messages.js";
import { pointerFrom } from "./yaml-positions.js";
import { SWARM_NAME_MAX } from "../swarm-names.js";
import { KNOWN_VARIABLES, kvNameProblem, kvReferences, unknownVariables } from "../render/variables.js";
import { secretProblems } from "./secret-checks.js";
import { quotaConfigProblems } from "./quota-checks.js";
import { memoryBytes } from "./memory-size.js";
import { trafficProblems } from "../routing/traffic-checks.js";
import { intentionConfigProblems } from "./intention-checks.js";

/** The longest preview stack suffix we plan for: PR numbers up to 99999. */
export const LONGEST_PREVIEW_SUFFIX = "-pr-99999";

type Checked = Omit<DeployConfig, "file">;

/** `exists(pointer)` tells whether the user wrote that value (so we point at it rather than at a default). */
export function crossCheck(config: Checked, exists: (pointer: string) => boolean): SchemaMessage[] {
  const out: SchemaMessage[] = [];
  const services = Object.entries(config.services);
  const publics = services.filter(([, s]) => s.public).map(([name]) => name);

  if (publics.length === 0) {
    out.push({
      pointer: "/services",
      at: "key",
      message: "exactly one service must be public: add 'public: true' to the service that receives the URL",
    });
  } else if (publics.length > 1) {
    for (const name of publics) {
      out.push({
        pointer: pointerFrom(["services", name, "public"]),
        at: "value",
        message: `only one service may be public, but ${publics.join(", ")} are; keep 'public: true' on one`,
      });
    }
  }

  try {
    new RegExp(config.production.tagPattern);
  } catch (err) {
    out.push({
      pointer: "/production/tagPattern",
      at: "value",
      message: `not a valid regular expression (${(err as Error).message}); e.g. ^v[0-9]+\\.[0-9]+\\.[0-9]+$`,
    });
  }

  if (config.build.service !== undefined && !(config.build.service in config.services)) {
    out.push({
      pointer: "/build/service",
      at: "value",
      message: `no service '${config.build.service}' in services; name one of ${Object.keys(config.services).join(", ")}`,
    });
  }

  for (const [name, service] of services) {
    const at = (...rest: string[]) => pointerFrom(["services", name, ...rest]);
    if (service.public && service.port === undefined) {
      const why = {
        traefik: "Traefik routes to it",
        caddy: "the Caddy edge routes to it",
        "host-port": "host-port mode publishes it",
      }[config.routing.mode];
      out.push({
        pointer: at(),
        at: "key",
        message: `the public service needs 'port', the container port it listens on (${why})`,
      });
    }
    if (service.maxReplicas < service.replicas) {
      out.push({ pointer: at("maxReplicas"), at: "value", message: `must be ≥ replicas (${service.replicas})` });
    }
    const fullName = `${config.app}${LONGEST_PREVIEW_SUFFIX}_${name}`;
    if (fullName.length > SWARM_NAME_MAX) {
      out.push({
        pointer: at(),
        at: "key",
        message: `Swarm service name ${fullName} would be ${fullName.length} characters (limit ${SWARM_NAME_MAX}); shorten 'app' or this service's name`,
      });
    }
    const texts: [string[], string][] = [
      [["image"], service.image],
      ...Object.entries(service.env).map(([k, v]): [string[], string] => [["env", k], v]),
    ];
    for (const [path, text] of texts) {
      for (const name of unknownVariables(text)) {
        out.push({
          pointer: at(...path),
          at: "value",
          message: `unknown variable {{${name}}}; known: ${KNOWN_VARIABLES.map((v) => `{{${v}}}`).join(", ")}, {{kv.<name>}}`,
        });
      }
      for (const name of kvReferences(text)) {
        const problem = kvNameProblem(name);
        if (problem) out.push({ pointer: at(...path), at: "value", message: problem });
      }
    }
    out.push(...resourceProblems(service.resources.limits, service.resources.reservations, at, exists));
  }
  out.push(...secretProblems(config));
  out.push(...trafficProblems(config));
  out.push(...intentionConfigProblems(config));
  if (out.length === 0) out.push(...quotaConfigProblems(config));
  return out;
}

function resourceProblems(
  limits: ResourceSpec,
  reservations: ResourceSpec,
  at: (...rest: string[]) => string,
  exists: (pointer: string) => boolean,
): SchemaMessage[] {
  const out: SchemaMessage[] = [];
  const place = (field: "cpus" | "memory") => {
    const reservation = at("resources", "reservations", field);
    return exists(reservation) ? reservation : at("resources", "limits", field);
  };
  if (limits.cpus !== undefined && reservations.cpus !== undefined && reservations.cpus > limits.cpus) {
    out.push({
      pointer: place("cpus"),
      at: "value",
      message: `CPU reservation ${reservations.cpus} exceeds the limit ${limits.cpus}; lower the reservation or raise the limit`,
    });
  }
  const lim = memoryBytes(limits.memory);
  const res = memoryBytes(reservations.memory);
  if (lim !== undefined && res !== undefined && res > lim) {
    out.push({
      pointer: place("memory"),
      at: "value",
      message: `memory reservation ${reservations.memory} exceeds the limit ${limits.memory}; lower the reservation or raise the limit`,
    });
  }
  return out;
}
