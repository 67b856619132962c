// Deploy configs for unit tests, parsed by the real parser (so the schema fills its defaults exactly as for a file
// on disk): a base like deploy-configs/shop.yml, deep-merged with what a test changes.
import { stringify } from "yaml";
import { parseDeployConfig } from "../../app/core/config/index.js";
import type { DeployConfig } from "../../app/core/config/types.js";

export const REPOSITORY = "acme/shop";
export const APP = "shop";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined };
type Overrides = { [key: string]: Json | undefined };

const BASE: Overrides = {
  repository: REPOSITORY,
  app: APP,
  template: "web-service.yml",
  ssh: {
    host: "127.0.0.1",
    port: 2222,
    user: "berth",
    privateKeyPath: "/keys/id",
    hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHRlc3Q=",
  },
  routing: { mode: "host-port", domain: "preview.localhost", previewPortBase: 20000 },
  preview: { healthTimeoutSeconds: 180, maxFailedTasks: 3 },
  services: {
    web: {
      image: "berth-test-web:1",
      public: true,
      port: 8080,
      healthPath: "/healthz",
      replicas: 1,
      resources: { limits: { cpus: 0.5, memory: "64M" } },
    },
  },
};

function merge(base: Overrides, over: Overrides): Overrides {
  const out: Overrides = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    const isObject = (v: unknown): v is Overrides => typeof v === "object" && v !== null && !Array.isArray(v);
    if (value === undefined) delete out[key];
    else out[key] = isObject(current) && isObject(value) ? merge(current, value) : value;
  }
  return out;
}

/** The config text a test would have written (for invalid-config tests and messages). */
export function configText(overrides: Overrides = {}): string {
  return stringify(merge(BASE, overrides));
}

/** A valid config: throws with the problems when the overrides make it invalid. */
export function buildConfig(overrides: Overrides = {}, file = "deploy-configs/shop.yml"): DeployConfig {
  const { config, problems } = parseDeployConfig(file, configText(overrides), {});
  if (!config || problems.length > 0)
    throw new Error(`test config is invalid:\n${problems.map((p) => `${p.path}: ${p.message}`).join("\n")}`);
  return config;
}
