// Template mistakes and hostile values: every problem names the file and line:col; no value changes structure.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { parseDeployConfig } from "../../app/core/config/index.js";
import type { DeployConfig } from "../../app/core/config/types.js";
import { previewEnvironment, productionEnvironment } from "../../app/core/environment.js";
import type { EnvironmentRef } from "../../app/core/environment-types.js";
import { renderStack } from "../../app/core/render/index.js";
import { ConfigError, FinalError } from "../../app/errors.js";

const MINIMAL = readFileSync(new URL("../fixtures/configs/minimal.yml", import.meta.url), "utf8");
const SHA = "89abcdef0123456789abcdef0123456789abcdef";
const TEMPLATE = `services:
  web:
    image: placeholder
    environment:
      - FROM_TEMPLATE=1
`;

function config(edit: (t: string) => string = (t) => t, env: Record<string, string> = {}): DeployConfig {
  const { config, problems } = parseDeployConfig("deploy-configs/shop.yml", edit(MINIMAL), env);
  expect(problems).toEqual([]);
  return config!;
}
function render(
  templateText: string,
  cfg = config(),
  environment: EnvironmentRef = previewEnvironment("shop", 4),
  sha = SHA,
) {
  return renderStack({ config: cfg, templateFile: "templates/t.yml", templateText, environment, sha });
}
function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError)
      return err.problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.path} ${p.message}`);
    throw err;
  }
  throw new Error("expected a ConfigError");
}

describe("template problems", () => {
  it("a configured service missing from the template names both files", () => {
    expect(problems(() => render("services:\n  api:\n    image: a:1\n")).slice(0, 1)).toEqual([
      "templates/t.yml:1:1 /services service 'web' is configured in deploy-configs/shop.yml but templates/t.yml has no such service; add it to the template or remove it from the config",
    ]);
  });

  it("unknown and undefined variables are reported at their scalar", () => {
    const text =
      "services:\n  web:\n    image: x\n    command: ['{{nope}}', '{{pr}}']\n    hostname: '{{port}}-{{health_path}}'\nx-note: '{{service}}'\n";
    expect(problems(() => render(text, config(), productionEnvironment("shop")))).toEqual([
      "templates/t.yml:4:15 /services/web/command/0 unknown template variable {{nope}}; known: {{sha}}, {{short_sha}}, {{pr}}, {{environment}}, {{stack}}, {{app}}, {{host}}, {{url}}, {{repository}}, {{service}}, {{port}}, {{health_path}}",
      "templates/t.yml:4:27 /services/web/command/1 {{pr}} exists only in preview environments, not in production",
      "templates/t.yml:6:9 /x-note {{service}} is defined only inside a service",
    ]);
  });

  it("{{port}} of a service the config gives no port", () => {
    const text = "services:\n  web:\n    image: x\n  side:\n    image: 'side:1'\n    command: ['{{port}}']\n";
    expect(problems(() => render(text))).toEqual([
      "templates/t.yml:6:15 /services/side/command/0 {{port}} needs services.side.port in deploy-configs/shop.yml",
    ]);
  });

  it("YAML errors, a missing services map, bad service names", () => {
    expect(problems(() => render("services: [\n"))[0]).toMatch(/^templates\/t\.yml:2:1 {2}YAML syntax: /);
    expect(problems(() => render("version: '3.8'\n"))).toEqual([
      "templates/t.yml:1:1 /services a stack template needs a top-level 'services' mapping with at least one service",
    ]);
    expect(problems(() => render(TEMPLATE + "  bad.name:\n    image: x\n"))).toEqual([
      "templates/t.yml:6:3 /services/bad.name service name 'bad.name' is not usable in Swarm: letters, digits, '-' and '_', starting and ending with a letter or digit",
    ]);
    const long = "s".repeat(60);
    expect(problems(() => render(TEMPLATE + `  ${long}:\n    image: x\n`))).toEqual([
      `templates/t.yml:6:3 /services/${long} service name '${long}' is not usable in Swarm: shop-pr-4_${long} exceeds 63 characters`,
    ]);
  });

  it("refuses environment entries without a value, reserved names and template Traefik labels", () => {
    const text = `services:
  web:
    image: x
    environment: [FROM_MANAGER]
    networks: [berth_custom]
    deploy:
      labels: [traefik.http.routers.x.rule=Host(\`evil.example\`), berth.sha=0]
  side:
    image: y
networks:
  berth_custom: {}
`;
    expect(problems(() => render(text))).toEqual([
      "templates/t.yml:2:3 /services/web environment entry 'FROM_MANAGER' has no value; write NAME=value (Berth never passes the manager's environment through)",
      "templates/t.yml:2:3 /services/web network 'berth_custom': names starting with 'berth' are reserved for Berth",
      "templates/t.yml:2:3 /services/web label 'traefik.http.routers.x.rule': Traefik labels are rendered by Berth from the config's routing; remove it from the template",
      "templates/t.yml:2:3 /services/web label 'berth.sha': labels starting with 'berth.' are set by Berth; remove it from the template",
      "templates/t.yml:11:3 /networks/berth_custom network names starting with 'berth' are reserved for Berth",
    ]);
  });

  it("a service without any image", () => {
    expect(problems(() => render(TEMPLATE + "  side:\n    command: [run]\n"))).toEqual([
      "templates/t.yml:6:3 /services/side service 'side' has no image: set one in the template or configure the service in the deploy config",
    ]);
  });

  it("refuses a SHA that is not 40 lower-case hex characters, and stack names Swarm would refuse", () => {
    for (const sha of ["", "0123456", SHA.toUpperCase(), `${SHA}\nservices: {}`, "g".repeat(40)]) {
      expect(() => render(TEMPLATE, config(), previewEnvironment("shop", 4), sha)).toThrow(FinalError);
    }
    expect(() => render(TEMPLATE, config(), { kind: "preview", name: "pr-1", stack: "shop pr 1", pr: 1 })).toThrow(
      /not a valid Swarm name/,
    );
  });
});

describe("values cannot change the stack's structure", () => {
  const hostile = "x\"\n  evil:\n    image: attacker/miner\n    privileged: true\n}} {{sha}} ${HOME} $$USER 'quoted'";

  it("an env value with newlines, quotes, }} and $ stays one value", () => {
    const cfg = config();
    cfg.services.web!.env = { HOSTILE: hostile, ALSO: "- list\n- items" };
    const rendered = render(TEMPLATE, cfg);
    const compose = parse(rendered.yaml) as { services: Record<string, { environment: Record<string, string> }> };
    expect(Object.keys(compose.services)).toEqual(["web"]);
    expect(Object.keys(compose)).toEqual(["services", "networks"]);
    const env = compose.services.web!.environment;
    expect(Object.keys(env)).toEqual(["FROM_TEMPLATE", "HOSTILE", "ALSO", "BERTH_SHA"]);
    // {{sha}} from the config is substituted once; every $ is doubled so docker stack deploy reads it literally.
    const expected = hostile.replace("{{sha}}", SHA).replace(/\$/g, "$$$$");
    expect(env.HOSTILE).toBe(expected);
    expect(env.ALSO).toBe("- list\n- items");
  });

  it("an image reference with newlines stays one value", () => {
    const cfg = config();
    cfg.services.web!.image = "img:1\nservices:\n  evil: {image: x}";
    const compose = parse(render(TEMPLATE, cfg).yaml) as { services: Record<string, { image: string }> };
    expect(Object.keys(compose.services)).toEqual(["web"]);
    expect(compose.services.web!.image).toBe("img:1\nservices:\n  evil: {image: x}");
  });

  it("substituted values are not read as variables again", () => {
    const cfg = config();
    cfg.services.web!.env = { A: "{{url}}" };
    const rendered = render("services:\n  web:\n    image: x\n    labels: ['{{repository}}']\n", {
      ...cfg,
      repository: "acme/{{sha}}",
    } as DeployConfig);
    const compose = parse(rendered.yaml) as {
      services: { web: { labels: string[]; environment: Record<string, string> } };
    };
    expect(compose.services.web.labels).toEqual(["acme/{{sha}}"]);
    expect(compose.services.web.environment.A).toBe("https://shop-pr-4.preview.example.com");
  });

  it("template strings with $ are escaped for docker too", () => {
    const rendered = render("services:\n  web:\n    image: x\n    command: ['sh', '-c', 'echo $PATH ${HOME}']\n");
    expect(rendered.yaml).toContain("echo $$PATH $${HOME}");
  });
});
