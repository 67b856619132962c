// berth plan's diff: a rendered compose file read as a stack, compared with what the Swarm runs.
import { describe, expect, it } from "vitest";
import { specFromCompose, type StackSpec } from "../../app/core/plan/stack-spec.js";
import { planLines, planStack } from "../../app/core/plan/stack-plan.js";

const compose = `
services:
  web:
    image: shop:2
    deploy: { replicas: 2, labels: { berth.sha: "${"b".repeat(40)}" } }
    networks: [berth, traefik]
    secrets: [{ source: db, target: db }]
  worker:
    image: shop-worker:2
    networks: { berth: {} }
  cron:
    image: cron:1
networks:
  berth: { driver: overlay }
  traefik: { external: true, name: traefik-public }
secrets:
  db: { external: true, name: shop-pr-1_db_0123456789 }
`;

describe("specFromCompose", () => {
  it("names networks and secrets as docker stack deploy does: <stack>_<key> unless the top level names them", () => {
    expect(specFromCompose("shop-pr-1", compose)).toEqual({
      stack: "shop-pr-1",
      services: [
        { service: "cron", image: "cron:1", replicas: 1, networks: ["shop-pr-1_default"], secrets: [] },
        {
          service: "web",
          image: "shop:2",
          replicas: 2,
          networks: ["shop-pr-1_berth", "traefik-public"],
          secrets: ["shop-pr-1_db_0123456789"],
          sha: "b".repeat(40),
        },
        { service: "worker", image: "shop-worker:2", replicas: 1, networks: ["shop-pr-1_berth"], secrets: [] },
      ],
    });
  });
});

describe("planStack", () => {
  const desired = specFromCompose("shop-pr-1", compose);

  it("a stack that does not run yet: created with every service", () => {
    const changes = planStack(desired, { stack: "shop-pr-1", services: [] });
    expect(changes.map((c) => c.kind)).toEqual(["create-stack", "add-service", "add-service", "add-service"]);
    expect(planLines(changes)[0]).toBe("+ stack shop-pr-1 (new: nothing of it runs now)");
  });

  it("the same spec running (image pinned by digest): no changes", () => {
    const current: StackSpec = {
      ...desired,
      services: desired.services.map((s) => ({ ...s, image: `${s.image}@sha256:${"c".repeat(64)}` })),
    };
    expect(planStack(desired, current)).toEqual([]);
  });

  it("names each difference: image, replicas, commit, networks, secrets, added and removed services", () => {
    const current: StackSpec = {
      stack: "shop-pr-1",
      services: [
        {
          service: "web",
          image: "shop:1",
          replicas: 1,
          networks: ["shop-pr-1_berth"],
          secrets: ["shop-pr-1_db_aaaaaaaaaa"],
          sha: "a".repeat(40),
        },
        { service: "worker", image: "shop-worker:2", replicas: 1, networks: ["shop-pr-1_berth"], secrets: [] },
        { service: "old", image: "old:1", replicas: 3, networks: [], secrets: [] },
      ],
    };
    const changes = planStack(desired, current);
    expect(planLines(changes)).toEqual([
      "+ service cron: cron:1, 1 replica",
      "~ service web: image shop:1 → shop:2",
      "~ service web: commit aaaaaaaaaaaa → bbbbbbbbbbbb",
      "~ service web: replicas 1 → 2",
      "~ service web: networks +traefik-public",
      "~ service web: secrets +shop-pr-1_db_0123456789 -shop-pr-1_db_aaaaaaaaaa",
      "- service old: old:1, 3 replicas",
    ]);
  });
});
