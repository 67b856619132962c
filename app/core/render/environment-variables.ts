// The values of {{variables}} for one environment, and what to say when one is not defined where it is used.
import type { DeployConfig } from "../config/types.js";
import type { EnvironmentRef } from "../environment-types.js";
import type { Route } from "./routing.js";
import type { VariableValues } from "./variables.js";

export function variablesFor(config: DeployConfig, environment: EnvironmentRef, route: Route, sha: string) {
  const values: VariableValues = {
    sha,
    short_sha: sha.slice(0, 7),
    pr: environment.pr === undefined ? undefined : String(environment.pr),
    environment: environment.name,
    stack: environment.stack,
    app: config.app,
    host: route.host,
    url: route.url,
    repository: config.repository,
  };
  const serviceValues = (name: string): VariableValues => {
    const s = config.services[name];
    return { service: name, port: s?.port === undefined ? undefined : String(s.port), health_path: s?.healthPath };
  };
  const unavailable = (name: string, service: string | undefined): string => {
    if (name === "pr") return `{{pr}} exists only in preview environments, not in ${environment.name}`;
    if (!service) return `{{${name}}} is defined only inside a service`;
    return `{{${name}}} needs services.${service}.${name === "port" ? "port" : "healthPath"} in ${config.file}`;
  };
  return { values, serviceValues, unavailable };
}
