// Staging and production mount their config's secrets as previews do (they used to deploy without them): the secret
// is created on the Swarm under a content-hashed name before the stack, the stack refers to it, older versions go.
import { describe, expect, it } from "vitest";
import { fakeWorld } from "../../helpers/fakes/index.js";
import { buildConfig, REPOSITORY } from "../../helpers/config-builder.js";
import { ctx, environmentJob } from "../../helpers/job-builders.js";
import { deployEnvironment } from "../../../app/jobs/deploy-environment.js";

const withSecret = { secrets: { db: { env: "DB_PASSWORD" } }, services: { web: { secrets: ["db"] } } };

describe("deployEnvironment: secrets", () => {
  it("staging creates the secret, mounts it and removes its older versions", async () => {
    const w = fakeWorld();
    w.configs.set(buildConfig(withSecret));
    w.secrets.values.DB_PASSWORD = "correct-horse-battery-staple";
    await w.swarm.ensureSecret("shop-staging_db_old", "old-value-old-value", { "berth.stack": "shop-staging" });
    w.swarm.calls.length = 0;
    const result = await deployEnvironment(environmentJob(), ctx(), w.deps);
    expect(result.outcome).toBe("deployed");

    const [created] = w.swarm.writes().filter((c) => c.op === "ensureSecret");
    expect(created!.arg).toMatch(/^shop-staging_db_[0-9a-f]+$/);
    const ops = w.swarm.writes().map((c) => c.op);
    expect(ops.indexOf("ensureSecret")).toBeLessThan(ops.indexOf("deployStack"));
    expect(w.swarm.secrets.get(created!.arg!)).toEqual({
      value: "correct-horse-battery-staple",
      labels: { "berth.repository": REPOSITORY, "berth.environment": "staging", "berth.stack": "shop-staging" },
    });
    expect(w.swarm.lastCompose("shop-staging").secrets).toEqual({ db: { external: true, name: created!.arg } });
    expect(w.swarm.secrets.has("shop-staging_db_old")).toBe(false);
  });

  it("a secret the bot does not have fails the staging deploy before the Swarm", async () => {
    const w = fakeWorld();
    w.configs.set(buildConfig(withSecret));
    const result = await deployEnvironment(environmentJob(), ctx(), w.deps);
    expect(result.outcome).toBe("failed");
    expect(w.swarm.writes().filter((c) => c.op === "deployStack")).toEqual([]);
  });
});
