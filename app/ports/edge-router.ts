// The Caddy edge as jobs see it: routes added when an environment runs, removed when it is torn down, and all of
// them re-applied from what runs when the edge lost its config (a restart).
import type { EdgeRoute } from "../core/routing/edge-route.js";

export interface EdgeProbe {
  /** Address the bot connects to instead of resolving the host name (the edge's node). */
  connectTo: string;
  /** PEM root the edge's certificates chain to (internal CA); undefined: the system's roots. */
  ca?: string;
}

export interface EdgeRouter {
  /** Creates the edge's network and service when missing and waits until its admin API answers. */
  ensure(): Promise<void>;
  /** Adds or replaces the environment's route (and loads the whole config first if the edge lost it). */
  addRoute(route: EdgeRoute): Promise<void>;
  /** Removes the environment's route; a route that is not there is fine. */
  removeRoute(stack: string): Promise<void>;
  /** Loads the edge config built from every routed service that runs; returns the routes applied. */
  resync(): Promise<EdgeRoute[]>;
  /** Re-resolves pinned upstreams (routes with a circuit breaker) and updates those whose tasks changed. */
  refreshPinned(): Promise<number>;
  /** True when the edge runs Berth's config (false after a restart, until resync). */
  configured(): Promise<boolean>;
  /** The internal CA's root certificate (PEM), for probing through the edge; undefined in acme mode. */
  rootCertificate(): Promise<string | undefined>;
}
