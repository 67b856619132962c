import { defineConfig } from "vitest/config";

// Unit tests are pure and fast; integration and e2e tests drive the real Redis, sshd and Swarm that
// scripts/infra/up.sh starts (npm test runs it first), so they get generous timeouts.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Two cores: Swarm tests compete for container starts; keep file parallelism modest.
    maxWorkers: 2,
    globalSetup: ["test/helpers/global-setup.ts"],
  },
});
