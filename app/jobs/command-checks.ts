// Everything a command needs to know before it runs, checked up front so a comment either runs whole or not at
// all: the services of the rendered stack, the replica limits, the PR being open, the commit a rollback names.
import { previewName } from "../core/environment.js";
import type { Command } from "../core/commands/grammar.js";
import type { DeployConfig } from "../core/config/types.js";
import type { PullRequestInfo, CommandGitHub } from "../ports/pull-requests.js";
import type { RepoRef } from "../ports/github-reporter.js";
import type { JobDeps } from "./deps.js";
import { previewEnvironment } from "../core/environment.js";
import { kvValuesFor } from "./kv-values.js";
import { renderStack } from "../core/render/index.js";
import { effectiveReplicas, scaleProblem, serviceProblem, tailProblem } from "../core/commands/limits.js";
import { configProblemsFrom } from "./config-problems.js";
import { formatProblems } from "../core/config/index.js";

/** A command ready to run, with what the checks resolved (the SHA a rollback goes back to). */
export interface CheckedCommand {
  line: string;
  command: Command;
  rollbackSha?: string;
}

const DEPLOYS_PREVIEW = new Set(["scale", "redeploy", "approve", "rollback"]);

export async function checkCommands(args: {
  commands: { line: string; command: Command }[];
  config: DeployConfig;
  pr: PullRequestInfo;
  repository: string;
  repo: RepoRef;
  gh: CommandGitHub;
  deps: JobDeps;
}): Promise<{ checked: CheckedCommand[]; problems: { line: string; message: string }[] }> {
  const { config, pr } = args;
  const problems: { line: string; message: string }[] = [];
  const checked: CheckedCommand[] = [];
  let services: string[] | undefined;
  const renderedServices = async (): Promise<string[]> => {
    if (services) return services;
    const template = await args.deps.configs.template(config.template);
    const environment = previewEnvironment(config.app, pr.number);
    const kv = await kvValuesFor(args.deps, config, environment);
    try {
      const rendered = renderStack({
        config,
        templateFile: template.file,
        templateText: template.text,
        environment,
        sha: pr.headSha,
        ...(kv ? { kv } : {}),
      });
      return (services = rendered.services);
    } catch (err) {
      throw new CheckFailed(
        `the stack does not render from ${config.file}:\n${formatProblems(configProblemsFrom(err, config.file))}`,
      );
    }
  };

  for (const { line, command } of args.commands) {
    const refuse = (message: string) => problems.push({ line, message });
    try {
      const isPreviewDeploy =
        DEPLOYS_PREVIEW.has(command.name) && !(command.name === "rollback" && command.environment);
      if (pr.state !== "open" && (isPreviewDeploy || command.name === "deploy")) {
        refuse("this pull request is closed; reopen it to deploy its preview");
        continue;
      }
      if (isPreviewDeploy && !config.preview.enabled) {
        refuse(`previews are disabled for this repository (preview.enabled in ${config.file})`);
        continue;
      }
      switch (command.name) {
        case "scale": {
          const current = {
            ...Object.fromEntries(Object.entries(config.services).map(([n, s]) => [n, s.replicas])),
            ...effectiveReplicas(config, (await args.deps.replicas?.get(args.repository, pr.number)) ?? {}),
          };
          const problem = scaleProblem(config, await renderedServices(), current, command.service, command.replicas);
          if (problem) refuse(problem);
          else checked.push({ line, command });
          break;
        }
        case "logs": {
          const problem =
            serviceProblem(command.service, await renderedServices()) ??
            (command.tail ? tailProblem(config, command.tail) : undefined);
          if (problem) refuse(problem);
          else checked.push({ line, command });
          break;
        }
        case "rollback": {
          if (command.environment) {
            checked.push({ line, command });
            break;
          }
          const shas = await args.gh.deployedShas(args.repo, previewName(pr.number));
          const target = command.sha ? shas.find((s) => s.startsWith(command.sha!)) : shas.find((s) => s !== shas[0]);
          if (!target)
            refuse(
              command.sha
                ? `${command.sha} was never deployed to this preview; /rollback takes a commit of an earlier deploy`
                : "this preview has no earlier deploy to go back to",
            );
          else checked.push({ line, command, rollbackSha: target });
          break;
        }
        default:
          checked.push({ line, command });
      }
    } catch (err) {
      if (!(err instanceof CheckFailed)) throw err;
      refuse(err.message);
    }
  }
  return { checked, problems };
}

class CheckFailed extends Error {}
