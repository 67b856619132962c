// berth logs: a service's last log lines in one environment, through the manager like /logs on a PR.
import { CliFailure, EXIT, UsageError, stringValue, type CliCommand } from "./command.js";
import { configDirOption, sshEnvironmentNote } from "./common-options.js";
import { environmentArgument, loadConfig, repositoryArgument, withSwarm } from "./deploy-target.js";
import { assertSwarmName } from "../../core/swarm-names.js";
import { KnownSecrets } from "../../adapters/secrets/known-secrets.js";
import { secretPlan } from "./render-environment.js";

export const logsCommand: CliCommand = {
  name: "logs",
  summary: "print a service's last log lines in one environment",
  usage: "logs <owner/repo> <pr-N|staging|production> <service> [--tail N] [--config-dir DIR] [--json]",
  details: [
    "Secret values this environment can read (the config's secrets) are replaced by [redacted].",
    sshEnvironmentNote,
  ],
  options: {
    tail: { type: "string", value: "N", default: "50", description: "how many lines, 1 to 10000" },
    ...configDirOption,
  },
  positionals: { min: 3, max: 3 },
  async run(ctx) {
    const repository = repositoryArgument(ctx.positionals[0]);
    const tail = Number(stringValue(ctx, "tail"));
    if (!Number.isInteger(tail) || tail < 1 || tail > 10_000)
      throw new UsageError("--tail must be a number from 1 to 10000");
    const service = ctx.positionals[2]!;
    try {
      assertSwarmName(service, "service");
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const { config } = await loadConfig(ctx, repository);
    const environment = environmentArgument(config, ctx.positionals[1]);
    const known = new KnownSecrets();
    await secretPlan(config, environment, ctx.env, true, known);
    const lines = await withSwarm(config, async (swarm) => {
      const services = await swarm.stackServices(environment.stack);
      if (!services.some((s) => s.service === service)) {
        const names = services.map((s) => s.service).join(", ");
        throw new CliFailure(
          services.length === 0
            ? `${environment.stack} does not run on the Swarm`
            : `${environment.stack} has no service '${service}' (services: ${names})`,
        );
      }
      return swarm.serviceLogs(`${environment.stack}_${service}`, tail);
    });
    const shown = lines.map((l) => known.text(l));
    for (const l of shown) ctx.say(l);
    ctx.emit({ ok: true, repository, environment: environment.name, service, lines: shown });
    return EXIT.ok;
  },
};
