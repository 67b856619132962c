// /scale counts on the real Redis: per repository (case-insensitive) and PR, removable per service, forgotten whole.
import { afterAll, describe, expect, it } from "vitest";
import { createReplicaStore } from "../../app/adapters/redis/replicas.js";
import { testRedis } from "../helpers/redis.js";

const r = testRedis();
const store = createReplicaStore(r.redis, r.prefix);
afterAll(() => r.cleanup());

describe("replica store", () => {
  it("keeps counts per repository and PR until forgotten", async () => {
    expect(await store.get("acme/cmdshop", 510)).toEqual({});
    await store.set("acme/cmdshop", 510, "web", { replicas: 3, baseline: 1 });
    await store.set("Acme/CmdShop", 510, "worker", { replicas: 2, baseline: 1 });
    await store.set("acme/cmdshop", 511, "web", { replicas: 4, baseline: 1 });
    expect(await store.get("acme/cmdshop", 510)).toEqual({
      web: { replicas: 3, baseline: 1 },
      worker: { replicas: 2, baseline: 1 },
    });
    await store.set("acme/cmdshop", 510, "worker", undefined);
    expect(await store.get("acme/cmdshop", 510)).toEqual({ web: { replicas: 3, baseline: 1 } });
    expect(await r.redis.ttl(`${r.prefix}:berth:replicas:acme/cmdshop#510`)).toBeGreaterThan(0);
    await store.forget("acme/cmdshop", 510);
    expect(await store.get("acme/cmdshop", 510)).toEqual({});
    expect(await store.get("acme/cmdshop", 511)).toEqual({ web: { replicas: 4, baseline: 1 } });
  });
});
