// Template + config + environment + commit → the compose YAML `docker stack deploy` receives. Structural: the
// template is parsed, fields are set on the object, the object is serialised. Nothing from the config, the
// commit or the environment is ever spliced into YAML text, so no value can add a key, a service or a mount.
import { createHash } from "node:crypto";
import { stringify } from "yaml";
import type { ConfigProblem, DeployConfig } from "../config/types.js";
import type { EnvironmentRef } from "../environment-types.js";
import { ConfigError, FinalError } from "../../errors.js";
import { assertSwarmName } from "../swarm-names.js";
import { pointerFrom } from "../config/yaml-positions.js";
import { asObject, escapeDollars, keyValueMap, type Json } from "./compose-values.js";
import { readTemplate } from "./template-document.js";
import { routeFor, RouteError, type Route } from "./routing.js";
import {
  EDGE_NETWORK_KEY,
  RESERVED_PREFIX,
  renderService,
  STACK_NETWORK,
  TRAEFIK_NETWORK_KEY,
} from "./stack-service.js";
import { traefikPolicyLabels } from "../routing/traefik-policy.js";
import { DEFAULT_EDGE } from "../routing/edge-defaults.js";
import { edgeRouteFor } from "../routing/edge-for-environment.js";
import { routeLabels, type EdgeRoute } from "../routing/edge-route.js";
import { traefikLabels, validateTraefikLabels } from "./traefik-labels.js";
import { substituteVariables, type KvValues } from "./variables.js";
import { variablesFor } from "./environment-variables.js";
import { clampReplicas } from "./replicas.js";
import { checkQuotas } from "./quota-check.js";
import { refLabel } from "../policy/ref-label.js";
import { secretsSpec } from "./secrets-spec.js";
import type { Usage } from "../policy/quotas.js";
import { isCommitSha } from "../repository.js";
import { declaresIntentions, intentionNetworks, intentionProblems, PAIR_LABEL } from "./intentions.js";

export interface RenderInput {
  config: DeployConfig;
  templateFile: string;
  templateText: string;
  environment: EnvironmentRef;
  /** Full 40-character commit SHA. */
  sha: string;
  /** Replica counts persisted by /scale, per service; clamped to the service's maxReplicas. */
  replicas?: Record<string, number>;
  /** What the repository's other live environments use, for the repository quota (absent: not checked). */
  otherUsage?: Usage;
  /** Config secret name → Swarm secret name (content-hashed, created beforehand). Absent: the stack gets none. */
  secrets?: Record<string, string>;
  /** The PR's head branch, shown as the sanitised label berth.ref (never used to name anything). */
  ref?: string;
  /** {{kv.<name>}} values the job read from the registry's KV store (absent: a {{kv.…}} reference is an error). */
  kv?: KvValues;
}

export interface RenderedStack {
  stack: string;
  yaml: string;
  url: string;
  probeUrl: string;
  publicService: string;
  /** Every service of the stack (short names, template order). */
  services: string[];
  /** sha256 (hex) of `yaml`: same hash, same spec. */
  hash: string;
  /** host-port mode: the port the public service publishes on the node. */
  publishedPort?: number;
  /** caddy mode: the route the edge gets once the environment runs. */
  edgeRoute?: EdgeRoute;
  /** caddy mode: where the bot connects to probe probeUrl (the edge's node). */
  probeConnectTo?: string;
}

const DEFAULT_TRAEFIK_NETWORK = "traefik-public";

export function renderStack(input: RenderInput): RenderedStack {
  const { config, environment, sha } = input;
  if (!isCommitSha(sha))
    throw new FinalError(`commit SHA must be 40 lower-case hex characters, got ${JSON.stringify(sha.slice(0, 80))}`);
  const stack = assertSwarmName(environment.stack, "stack name");
  const publicService = Object.keys(config.services).find((name) => config.services[name]!.public);
  if (!publicService) throw new ConfigError(`${config.file} has no public service`);
  const pub = config.services[publicService]!;
  const configProblem = (path: string, message: string): ConfigError =>
    new ConfigError(`${config.file}: ${message}`, [{ file: config.file, line: 1, col: 1, path, message }]);

  let route: Route;
  try {
    route = routeFor(config, environment, pub.healthPath);
  } catch (err) {
    if (err instanceof RouteError) throw configProblem(err.path, err.message);
    throw err;
  }
  const { values, serviceValues, unavailable } = variablesFor(config, environment, route, sha);

  const template = readTemplate(input.templateText, {
    file: input.templateFile,
    stack,
    values,
    serviceValues,
    unavailable,
    ...(input.kv ? { kv: input.kv } : {}),
  });
  if (!template.compose) throw templateError(input.templateFile, template.problems);
  const compose = template.compose;
  const templateServices = asObject(compose.services);
  const problems: ConfigProblem[] = [];
  const at = (pointer: string, message: string, where: "key" | "value" = "key") =>
    problems.push({ file: input.templateFile, ...template.position(pointer, where), path: pointer, message });

  for (const name of Object.keys(config.services)) {
    if (!(name in templateServices)) {
      at(
        "/services",
        `service '${name}' is configured in ${config.file} but ${input.templateFile} has no such service; add it to the template or remove it from the config`,
      );
    }
  }

  const configValue = (name: string, text: string, what: readonly string[]): string => {
    const r = substituteVariables(text, { ...values, ...serviceValues(name) }, (v) => unavailable(v, name), input.kv);
    const path = pointerFrom(["services", name, ...what]);
    for (const message of r.problems)
      problems.push({ file: config.file, ...(config.valuesAt?.[path] ?? { line: 1, col: 1 }), path, message });
    return r.text;
  };
  const replicas = clampReplicas(config, input.replicas);
  checkQuotas(config, environment, replicas, input.otherUsage);
  const secrets = secretsSpec(config, input.secrets);
  const berthLabels = {
    "berth.repository": config.repository,
    "berth.environment": environment.name,
    "berth.app": config.app,
  };
  const traefikNetwork = config.routing.traefik.network ?? DEFAULT_TRAEFIK_NETWORK;
  const routed = config.routing.mode === "traefik";
  const edgeRoute =
    config.routing.mode === "caddy" ? edgeRouteFor(config, stack, publicService, route.host) : undefined;

  // Intentions: `*` covers the template's services too (config-time checks saw only the configured ones).
  const intentions = declaresIntentions(config.intentions) ? config.intentions : undefined;
  for (const p of intentions ? intentionProblems(intentions, Object.keys(templateServices)) : [])
    problems.push({
      file: config.file,
      line: 1,
      col: 1,
      path: pointerFrom(["intentions", String(p.index), p.field]),
      message: p.message,
    });
  const paired = intentions && intentionNetworks(intentions, Object.keys(templateServices), stack);

  const services: Json = {};
  for (const [name, tpl] of Object.entries(templateServices)) {
    const cfg = config.services[name];
    const isPublic = name === publicService;
    const traefik =
      routed && isPublic
        ? traefikLabels({
            name: stack,
            host: route.host,
            port: pub.port!,
            entrypoint: config.routing.traefik.entrypoint,
            tls: config.routing.scheme === "https",
            certResolver: config.routing.traefik.certResolver,
            network: traefikNetwork,
          })
        : undefined;
    if (traefik) Object.assign(traefik, traefikPolicyLabels(stack, pub.traffic));
    const { service, problems: found } = renderService({
      name,
      template: asObject(tpl),
      config: cfg,
      image: cfg ? configValue(name, cfg.image, ["image"]) : undefined,
      env: Object.fromEntries(Object.entries(cfg?.env ?? {}).map(([k, v]) => [k, configValue(name, v, ["env", k])])),
      replicas: replicas[name],
      sha,
      labels: {
        ...berthLabels,
        "berth.sha": sha,
        ...(input.ref === undefined ? {} : { "berth.ref": refLabel(input.ref) }),
        ...(edgeRoute && isPublic ? routeLabels(edgeRoute, (config.routing.caddy ?? DEFAULT_EDGE).service) : {}),
      },
      traefik,
      joinTraefik: traefik !== undefined,
      joinEdge: edgeRoute !== undefined && isPublic,
      ...(paired ? { intentionNetworks: paired.joins[name]! } : {}),
      publish:
        config.routing.mode === "host-port" && isPublic
          ? { target: pub.port!, published: route.publishedPort! }
          : undefined,
    });
    for (const message of found) at(pointerFrom(["services", name]), message);
    if (secrets.mounts[name]) service.secrets = secrets.mounts[name];
    if (traefik) {
      const invalid = validateTraefikLabels(traefik);
      if (invalid.length > 0) throw new FinalError(`rendered Traefik labels are invalid: ${invalid.join("; ")}`);
    }
    services[name] = service;
  }

  const networks = labelled(asObject(compose.networks), berthLabels, "networks", at);
  if (paired)
    for (const [key, members] of Object.entries(paired.networks))
      networks[key] = {
        driver: "overlay",
        attachable: false,
        labels: { ...berthLabels, [PAIR_LABEL]: members.join(",") },
      };
  else
    networks[STACK_NETWORK] = {
      driver: "overlay",
      attachable: config.preview.attachableNetwork === true && environment.kind === "preview",
      labels: berthLabels,
    };
  if (routed) networks[TRAEFIK_NETWORK_KEY] = { external: true, name: traefikNetwork };
  if (edgeRoute) networks[EDGE_NETWORK_KEY] = { external: true, name: (config.routing.caddy ?? DEFAULT_EDGE).network };
  const volumes = labelled(asObject(compose.volumes), berthLabels, "volumes", at);
  if (problems.length > 0) throw templateError(input.templateFile, problems);

  const { services: _services, networks: _networks, volumes: _volumes, ...rest } = compose;
  const document = escapeDollars({
    ...rest,
    services,
    networks,
    ...(Object.keys(volumes).length > 0 ? { volumes } : {}),
    ...(Object.keys(secrets.top).length > 0 ? { secrets: { ...asObject(rest.secrets), ...secrets.top } } : {}),
  });
  const yaml = stringify(document, { lineWidth: 0, aliasDuplicateObjects: false });
  return {
    stack,
    yaml,
    url: route.url,
    probeUrl: route.probeUrl,
    publicService,
    services: Object.keys(services),
    hash: createHash("sha256").update(yaml).digest("hex"),
    ...(route.publishedPort === undefined ? {} : { publishedPort: route.publishedPort }),
    ...(edgeRoute ? { edgeRoute } : {}),
    ...(route.probeConnectTo === undefined ? {} : { probeConnectTo: route.probeConnectTo }),
  };
}

// Networks and volumes are created once and never updated by later deploys, so they get no commit label.
function labelled(
  entries: Json,
  labels: Record<string, string>,
  kind: string,
  at: (pointer: string, message: string) => void,
): Json {
  const out: Json = {};
  for (const [name, value] of Object.entries(entries)) {
    if (kind === "networks" && name.startsWith(RESERVED_PREFIX))
      at(pointerFrom([kind, name]), `network names starting with '${RESERVED_PREFIX}' are reserved for Berth`);
    const spec = asObject(value);
    const own = Object.fromEntries(Object.entries(keyValueMap(spec.labels)).map(([k, v]) => [k, v ?? ""]));
    out[name] = spec.external ? spec : { ...spec, labels: { ...own, ...labels } };
  }
  return out;
}

function templateError(file: string, problems: ConfigProblem[]): ConfigError {
  return new ConfigError(
    `${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"} rendering the stack`,
    problems,
  );
}
