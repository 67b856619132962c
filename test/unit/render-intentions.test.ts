// Intentions as networks: which pairs are allowed (Consul's precedence, default deny), the config's file:line errors,
// and the stack Berth renders for them — every service on exactly the networks of its allowed pairs, none on the
// shared stack network, the public service still on the edge; nothing changes when no intention is declared.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseDeployConfig } from "../../app/core/config/index.js";
import type { DeployConfig, Intention } from "../../app/core/config/types.js";
import { previewEnvironment } from "../../app/core/environment.js";
import { renderStack } from "../../app/core/render/index.js";
import { allowedPairs, decide, intentionNetworks, intentionProblems } from "../../app/core/render/intentions.js";
import { ConfigError } from "../../app/errors.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const allow = (source: string, destination: string): Intention => ({ source, destination, action: "allow" });
const deny = (source: string, destination: string): Intention => ({ source, destination, action: "deny" });

// Three services: web (public) calls api, api calls db; web must not reach db.
const TEMPLATE = `version: "3.8"
services:
  web:
    image: x
  api:
    image: x
  db:
    image: x
`;
const BASE = [
  "repository: acme/shop",
  "app: shop",
  "template: three.yml",
  "ssh: { host: manager.example.com, user: deploy, privateKeyPath: /k, hostKey: 'SHA256:abc' }",
  "routing: { mode: caddy, domain: edge.test }",
  "services:",
  "  web: { image: w, port: 8080, public: true }",
  "  api: { image: a, port: 8080 }",
  "  db: { image: d, port: 5432 }",
];
const withIntentions = (lines: string[], extra: string[] = []) =>
  [...BASE, ...extra, ...(lines.length ? ["intentions:", ...lines] : [])].join("\n") + "\n";
const problemsOf = (text: string) =>
  parseDeployConfig("deploy-configs/shop.yml", text, {}).problems.map((p) => `${p.line}:${p.col} ${p.message}`);
function configOf(text: string): DeployConfig {
  const { config, problems } = parseDeployConfig("deploy-configs/shop.yml", text, {});
  expect(problems).toEqual([]);
  return config!;
}
const render = (config: DeployConfig, template = TEMPLATE) =>
  renderStack({
    config,
    templateFile: "three.yml",
    templateText: template,
    environment: previewEnvironment("shop", 7),
    sha: SHA,
  });
type Compose = { services: Record<string, { networks: Record<string, unknown> }>; networks: Record<string, any> };
const composeOf = (yaml: string) => parse(yaml) as Compose;
const networksOf = (c: Compose, service: string) => Object.keys(c.services[service]!.networks).sort();

describe("deciding a pair", () => {
  const rules = [allow("*", "api"), deny("web", "api"), allow("web", "*"), deny("*", "*")];
  it("takes the most specific intention: exact pair, then exact destination, then exact source, then '*' → '*'", () => {
    expect(decide(rules, "web", "api")).toEqual({ action: "deny", by: 1 });
    expect(decide(rules, "db", "api")).toEqual({ action: "allow", by: 0 });
    expect(decide(rules, "web", "db")).toEqual({ action: "allow", by: 2 });
    expect(decide(rules, "db", "web")).toEqual({ action: "deny", by: 3 });
  });

  it("denies a pair no intention matches", () => {
    expect(decide([allow("web", "api")], "api", "db")).toEqual({ action: "deny" });
  });

  it("allows a pair when either direction is allowed (networks have no direction)", () => {
    expect(allowedPairs([allow("web", "api"), allow("api", "db")], ["web", "api", "db"])).toEqual([
      ["api", "db"],
      ["api", "web"],
    ]);
    expect(allowedPairs([allow("*", "*"), deny("web", "db"), deny("db", "web")], ["web", "api", "db"])).toEqual([
      ["api", "db"],
      ["api", "web"],
    ]);
  });
});

describe("intentions in the deploy config", () => {
  it("accepts allows and denies between configured services and '*'", () => {
    const config = configOf(
      withIntentions([
        "  - { source: web, destination: api, action: allow, description: the site calls the API }",
        "  - { source: api, destination: db, action: allow }",
        "  - { source: '*', destination: '*', action: deny }",
      ]),
    );
    expect(config.intentions).toHaveLength(3);
  });

  it("names an unknown service at its line, with a guess", () => {
    expect(
      problemsOf(
        withIntentions([
          "  - { source: web, destination: api, action: allow }",
          "  - { source: apl, destination: database, action: allow }",
        ]),
      ),
    ).toEqual([
      "12:15 no service 'apl' in services (did you mean 'api'?); name one of web, api, db or '*'",
      "12:33 no service 'database' in services; name one of web, api, db or '*'",
    ]);
  });

  it("refuses a service paired with itself and a repeated pair", () => {
    expect(
      problemsOf(
        withIntentions([
          "  - { source: web, destination: web, action: allow }",
          "  - { source: web, destination: api, action: allow }",
          "  - { source: web, destination: api, action: deny }",
        ]),
      ),
    ).toEqual([
      "11:33 source and destination are both 'web': a service always reaches its own tasks; intentions are between two services",
      "13:15 a second intention for web → api (the first is intentions[1]); keep one",
    ]);
  });

  it("refuses a deny that the reverse pair's network would let through, but not the '*' → '*' default", () => {
    expect(
      problemsOf(
        withIntentions([
          "  - { source: web, destination: api, action: allow }",
          "  - { source: api, destination: web, action: deny }",
        ]),
      ),
    ).toEqual([
      "12:46 Swarm networks have no direction: intentions[0] (web → api: allow) puts web and api on one network, so api can connect to web too and this deny cannot be honoured; remove it, or deny web → api as well",
    ]);
    expect(
      problemsOf(
        withIntentions([
          "  - { source: web, destination: api, action: allow }",
          "  - { source: '*', destination: '*', action: deny }",
        ]),
      ),
    ).toEqual([]);
  });

  it("refuses an attachable stack network together with intentions", () => {
    const text = withIntentions(
      ["  - { source: web, destination: api, action: allow }"],
      ["preview: { attachableNetwork: true }"],
    );
    expect(problemsOf(text)).toEqual([
      expect.stringMatching(/^10:\d+ with intentions no service joins the shared stack network/),
    ]);
  });

  it("lets the schema refuse an unknown action and a missing destination", () => {
    const problems = problemsOf(withIntentions(["  - { source: web, destination: api, action: permit }"]));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^11:46 must be one of allow, deny$/);
    expect(problemsOf(withIntentions(["  - { source: web, action: allow }"]))[0]).toMatch(/^11:5 .*destination/);
  });
});

describe("rendering intentions as networks", () => {
  const intentions = [
    "  - { source: web, destination: api, action: allow }",
    "  - { source: api, destination: db, action: allow }",
  ];

  it("puts each allowed pair on a network of its own and no service on the shared stack network", () => {
    const compose = composeOf(render(configOf(withIntentions(intentions))).yaml);
    expect(networksOf(compose, "web")).toEqual(["berth_edge", "berth_pair_api_web"]);
    expect(networksOf(compose, "api")).toEqual(["berth_pair_api_db", "berth_pair_api_web"]);
    expect(networksOf(compose, "db")).toEqual(["berth_pair_api_db"]);
    expect(Object.keys(compose.networks).sort()).toEqual(["berth_edge", "berth_pair_api_db", "berth_pair_api_web"]);
    expect(compose.networks.berth_pair_api_db).toEqual({
      driver: "overlay",
      attachable: false,
      labels: {
        "berth.repository": "acme/shop",
        "berth.environment": "pr-7",
        "berth.app": "shop",
        "berth.intention.pair": "api,db",
      },
    });
  });

  it("gives a service without an allowed pair a network of its own (never compose's shared default)", () => {
    const compose = composeOf(
      render(configOf(withIntentions(["  - { source: web, destination: api, action: allow }"]))).yaml,
    );
    expect(networksOf(compose, "db")).toEqual(["berth_solo_db"]);
    expect(compose.networks.berth_solo_db.labels["berth.intention.pair"]).toBe("db");
  });

  it("renders the shared stack network exactly as before when no intention is declared (or the list is empty)", () => {
    for (const text of [withIntentions([]), `${withIntentions([])}intentions: []\n`]) {
      const compose = composeOf(render(configOf(text)).yaml);
      expect(networksOf(compose, "web")).toEqual(["berth", "berth_edge"]);
      expect(networksOf(compose, "db")).toEqual(["berth"]);
      expect(Object.keys(compose.networks).sort()).toEqual(["berth", "berth_edge"]);
    }
  });

  it("covers template-only services with '*' and refuses a template network that would bypass the intentions", () => {
    const sidecar = `${TEMPLATE}  cache:\n    image: c\n`;
    const config = configOf(withIntentions(["  - { source: '*', destination: api, action: allow }"]));
    const compose = composeOf(render(config, sidecar).yaml);
    expect(networksOf(compose, "cache")).toEqual(["berth_pair_api_cache"]);
    expect(networksOf(compose, "db")).toEqual(["berth_pair_api_db"]);
    expect(networksOf(compose, "web")).toEqual(["berth_edge", "berth_pair_api_web"]);

    const withNetwork = TEMPLATE.replace("  db:\n    image: x\n", "  db:\n    image: x\n    networks: [back]\n").concat(
      "networks:\n  back: {}\n",
    );
    let error: unknown;
    try {
      render(config, withNetwork);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.message)).toEqual([
      "network 'back': with intentions in the deploy config Berth decides which networks services share; remove it from this service",
    ]);
  });

  it("hashes a network name that would pass Swarm's 63 characters, or that two pairs would share", () => {
    const long = intentionNetworks([allow("a", "b")], ["a", "b"], "x".repeat(50));
    expect(Object.keys(long.networks)).toEqual([expect.stringMatching(/^berth_pair_[0-9a-f]{12}$/)]);
    const alike = intentionNetworks([allow("a_b", "c"), allow("a", "b_c")], ["a", "a_b", "b_c", "c"], "s");
    expect(Object.keys(alike.networks)).toHaveLength(2);
    expect(alike.joins.c).toHaveLength(1);
    expect(alike.joins.a).toHaveLength(1);
    expect(alike.joins.c).not.toEqual(alike.joins.a);
  });

  it("reports template-only services in a render-time contradiction", () => {
    const problems = intentionProblems([allow("*", "web"), deny("web", "cache")], ["web", "cache"]);
    expect(problems).toEqual([expect.objectContaining({ index: 1, field: "action" })]);
  });
});
