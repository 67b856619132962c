// The schema file is the contract editors read; these tests hold it to that: strict draft-07, help text on every
// field, no open objects, and the shipped configs pass it.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { parseDeployConfig } from "../../app/core/config/index.js";

const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");
const schema = JSON.parse(read("deploy-configs/berth-config.schema.json")) as Record<string, unknown>;

type Node = Record<string, unknown>;
function eachPropertySchema(node: Node, path: string, visit: (path: string, node: Node) => void): void {
  const props = node.properties as Record<string, Node> | undefined;
  for (const [key, child] of Object.entries(props ?? {})) {
    visit(`${path}/${key}`, child);
    eachPropertySchema(child, `${path}/${key}`, visit);
  }
  for (const [key, child] of Object.entries((node.definitions as Record<string, Node> | undefined) ?? {})) {
    eachPropertySchema(child, `${path}#${key}`, visit);
  }
}

describe("berth-config.schema.json", () => {
  it("compiles under ajv strict mode with only the editors' patternErrorMessage added", () => {
    const ajv = new Ajv({ strict: true });
    ajv.addKeyword({ keyword: "patternErrorMessage", schemaType: "string" });
    expect(() => ajv.compile(schema)).not.toThrow();
    expect(schema.$id).toMatch(/^https:\/\//);
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
  });

  it("gives every field a title and a description, except plain map values", () => {
    const missing: string[] = [];
    eachPropertySchema(schema, "", (path, node) => {
      const target =
        typeof node.$ref === "string"
          ? (schema.definitions as Record<string, Node>)[node.$ref.split("/").pop()!]!
          : node;
      if (typeof target.title !== "string" || typeof target.description !== "string") missing.push(path);
    });
    expect(missing).toEqual([]);
  });

  it("closes every object with a fixed set of keys", () => {
    const open: string[] = [];
    const walk = (node: Node, path: string) => {
      if (node.type === "object" && node.properties && node.additionalProperties !== false) open.push(path);
      for (const [k, v] of Object.entries(node)) if (v && typeof v === "object") walk(v as Node, `${path}/${k}`);
    };
    walk(schema, "");
    expect(open).toEqual([]);
  });

  it("deploy-configs/shop.yml points editors at the schema and passes it", () => {
    const text = read("deploy-configs/shop.yml");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=./berth-config.schema.json");
    const env = {
      BERTH_SSH_HOST: "127.0.0.1",
      BERTH_SSH_PORT: "2222",
      BERTH_SSH_USER: "berth",
      BERTH_SSH_KEY_PATH: "/var/lib/berth-dev/id_ed25519",
      BERTH_SSH_HOST_KEY: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHRlc3Q=",
    };
    const { config, problems } = parseDeployConfig("deploy-configs/shop.yml", text, env);
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      repository: "acme/shop",
      app: "shop",
      template: "web-service.yml",
      ssh: { host: "127.0.0.1", port: 2222, user: "berth" },
      routing: {
        mode: "host-port",
        scheme: "http",
        domain: "preview.localhost",
        previewPortBase: 20000,
        probeHost: "127.0.0.1",
      },
      services: { web: { image: "berth-test-web:1", port: 8080, healthPath: "/healthz", public: true } },
    });
    expect(
      parseDeployConfig("s.yml", text, { ...env, BERTH_TEST_IMAGE: "registry.local/web:2" }).config?.services.web
        ?.image,
    ).toBe("registry.local/web:2");
  });

  it("the Traefik example passes it too", () => {
    const text = read("deploy-configs/examples/traefik.example.yml");
    const { problems, config } = parseDeployConfig("traefik.example.yml", text, {
      BLOG_MANAGER_HOST_KEY: "SHA256:abc=",
    });
    expect(problems).toEqual([]);
    expect(config?.routing).toMatchObject({ mode: "traefik", scheme: "https", traefik: { certResolver: "wildcard" } });
  });
});
