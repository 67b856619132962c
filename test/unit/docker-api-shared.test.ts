// One Docker API reader per SSH connection: Swarm adapters for the same manager share it (each reader keeps channels
// open, and a connection has few slots); a target with fallback managers keeps its own.
import { describe, expect, it } from "vitest";
import { Duplex } from "node:stream";
import { dockerApiFor } from "../../app/adapters/swarm/docker-api.js";
import type { SshTarget } from "../../app/core/config/types.js";

const target: SshTarget = {
  host: "10.0.0.5",
  port: 22,
  user: "deploy",
  privateKeyPath: "/k",
  hostKey: "ssh-ed25519 AAAA",
};
const pool = () => ({
  stream: async () =>
    new Duplex({
      read() {},
      write(_c, _e, cb) {
        cb();
      },
    }),
});

describe("Docker API reader per SSH connection", () => {
  it("is shared by adapters of the same manager, whatever else their configs pin", () => {
    const p = pool();
    const a = dockerApiFor(target, p);
    expect(dockerApiFor({ ...target, hostKey: "ssh-ed25519 BBBB" }, p)).toBe(a);
    expect(dockerApiFor({ ...target, user: "other" }, p)).not.toBe(a);
    expect(dockerApiFor({ ...target, port: 2222 }, p)).not.toBe(a);
    expect(dockerApiFor(target, pool())).not.toBe(a); // another pool, another set of connections
  });

  it("a target with fallback managers has a reader of its own", () => {
    const p = pool();
    const single = dockerApiFor(target, p);
    const withFallback = dockerApiFor({ ...target, hosts: [{ host: "10.0.0.6", port: 22 }] }, p);
    expect(withFallback).not.toBe(single);
  });
});
