/** `kubectl grove scale`: role-aware scaling with GPU impact and placement analysis. @module */

import { Command, InvalidArgumentError, Option } from "../../lib/deps.ts";
import { examples, outputOption, parseCount, parseDurationMs } from "../common.ts";
import type { CliContext } from "../context.ts";

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function parseBool(value: string): boolean {
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new InvalidArgumentError(`expected true or false, got "${value}"`);
}

/** The `scale` command. */
export function scaleCommand(ctx: CliContext) {
  return new Command("scale")
    .description(
      "scale a PodCliqueSet by role (--<role>=N), all workers in proportion (--replicas=N) or whole set replicas (--set-replicas=N), with a preview of GPUs and placement",
    )
    .usage("<pcs> [--<role>=N ...] [--replicas=N | --set-replicas=N] [flags]")
    .argument("[pcs]", "PodCliqueSet name")
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .option(
      "--replicas <n>",
      "total workers over all worker roles (roles whose pods use GPUs), in their current proportion (largest remainder)",
      parseCount,
    )
    .option("--role <role=N>", "replicas of one role (repeatable); same as --<role>=N", collect)
    .option(
      "--set-replicas <n>",
      "replicas of the whole PodCliqueSet (PCS /scale): each set replica is a full copy of every role",
      parseCount,
    )
    .addOption(
      new Option(
        "--drain-timeout <duration>",
        "on scale-down, first wait up to this long for running requests on the pods that go to reach zero",
      )
        .argParser(parseDurationMs),
    )
    .option("--dry-run", "print the preview and validate with the server's dry-run; change nothing")
    .option("-y, --yes", "do not ask for confirmation")
    .option("--force", "scale below minAvailable, or scale up with no room for the new pods")
    .addOption(
      new Option(
        "--wait [bool]",
        "follow the new pods until scheduled and ready (--wait=false: return at once)",
      )
        .argParser(parseBool).default(true),
    )
    .addOption(
      new Option("--timeout <duration>", "max wait for the new pods").argParser(parseDurationMs)
        .default(600_000, "10m"),
    )
    .addOption(
      new Option("--interval <duration>", "time between progress polls").argParser(parseDurationMs)
        .default(2000, "2s").hideHelp(),
    )
    .addOption(outputOption(["table", "json", "yaml"]))
    .addHelpText(
      "after",
      `
Roles are matched by roleName or clique name. A standalone clique is scaled
through the PodClique /scale of every set replica, and the PodCliqueSet
template is updated so set replicas created later match. A scaling group is
scaled through its PodCliqueScalingGroup /scale (its cliques only together).
--set-replicas scales the PodCliqueSet itself. Counts are pods per set replica
for a clique, group replicas for a scaling group.

Before acting it shows current -> target per role, the GPU impact and where
the new pods fit (first-fit decreasing over free GPUs, within the pack
constraint); below minAvailable or without room it refuses unless --force.
Exit codes: 0 done, 1 refused or failed, 2 bad input, 4 timeout waiting.
` +
        examples([
          "kubectl grove scale my-llm --replicas=16",
          "kubectl grove scale my-llm --prefill=4 --decode=8",
          "kubectl grove scale my-llm --role prefill=4 --dry-run",
          "kubectl grove scale my-llm --set-replicas=2",
          "kubectl grove scale my-llm --decode=4 --drain-timeout=60s --yes",
        ]),
    )
    .action(async (_pcs, opts, cmd) => {
      const { runScale } = await import("../run/scale.ts");
      await runScale(ctx, cmd.args, {
        replicas: opts.replicas,
        role: opts.role ?? [],
        setReplicas: opts.setReplicas,
        drainTimeoutMs: opts.drainTimeout,
        dryRun: opts.dryRun === true,
        yes: opts.yes === true,
        force: opts.force === true,
        wait: opts.wait !== false,
        timeoutMs: opts.timeout,
        intervalMs: opts.interval,
        output: opts.output,
      });
    });
}
