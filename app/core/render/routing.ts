// Where an environment answers. traefik mode: https://<stack>.<domain> through Traefik. host-port mode: the
// public service publishes its port on the node (preview N on previewPortBase + N; staging and production just
// below the base, so they never collide with a preview), and the URL is that host:port, since no router exists.
import type { DeployConfig } from "../config/types.js";
import type { EnvironmentRef } from "../environment-types.js";

export const HOST_PORT_OFFSETS = { staging: -1, production: -2 } as const;

export interface Route {
  /** Host part of the URL, also {{host}} */
  host: string;
  url: string;
  probeUrl: string;
  /** host-port mode: the port published on the node */
  publishedPort?: number;
  /** caddy mode: the address the bot connects to for probeUrl (the edge's node), keeping the host name for SNI. */
  probeConnectTo?: string;
}

export class RouteError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

export function publishedPortFor(base: number, environment: EnvironmentRef): number {
  if (environment.kind === "preview") return base + (environment.pr ?? Number.NaN);
  return base + HOST_PORT_OFFSETS[environment.kind];
}

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host; // IPv6 literal
}

export function routeFor(config: DeployConfig, environment: EnvironmentRef, healthPath: string): Route {
  const { routing } = config;
  if (routing.mode === "caddy") {
    const host = `${environment.stack}.${routing.domain}`;
    if (host.length > 253)
      throw new RouteError(
        `host name ${host} is longer than 253 characters; shorten routing.domain`,
        "/routing/domain",
      );
    const port = routing.scheme === "https" ? (routing.caddy?.httpsPort ?? 443) : (routing.caddy?.httpPort ?? 80);
    const standard = port === (routing.scheme === "https" ? 443 : 80);
    const url = `${routing.scheme}://${host}${standard ? "" : `:${port}`}`;
    return { host, url, probeUrl: url + healthPath, probeConnectTo: routing.probeHost };
  }
  if (routing.mode === "traefik") {
    const host = `${environment.stack}.${routing.domain}`;
    if (host.length > 253)
      throw new RouteError(
        `host name ${host} is longer than 253 characters; shorten routing.domain`,
        "/routing/domain",
      );
    const url = `${routing.scheme}://${host}`;
    return { host, url, probeUrl: url + healthPath };
  }
  const publishedPort = publishedPortFor(routing.previewPortBase, environment);
  if (!Number.isInteger(publishedPort) || publishedPort > 65535 || publishedPort < 1) {
    throw new RouteError(
      `${environment.name} would publish port ${publishedPort}, outside 1-65535 (routing.previewPortBase ${routing.previewPortBase}); lower previewPortBase or use traefik mode`,
      "/routing/previewPortBase",
    );
  }
  const url = `${routing.scheme}://${urlHost(routing.probeHost)}:${publishedPort}`;
  return { host: routing.probeHost, url, probeUrl: url + healthPath, publishedPort };
}
