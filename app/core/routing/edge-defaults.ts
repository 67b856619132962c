// The edge settings a caddy-mode config gets for what it leaves out (the schema documents the same values).
import type { CaddyEdgeConfig } from "../config/types.js";

export const DEFAULT_EDGE: CaddyEdgeConfig = {
  service: "berth-edge",
  network: "berth-edge",
  image: "berth-edge:1",
  httpsPort: 443,
  httpPort: 80,
  tls: "internal",
};
