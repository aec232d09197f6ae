/** `kubectl grove health`: gang health, issues and termination countdowns; exit code 3 when not healthy. @module */

import { Command, Option } from "../../lib/deps.ts";
import { examples, outputOption } from "../common.ts";
import type { CliContext } from "../context.ts";

/** The `health` command. */
export function healthCommand(ctx: CliContext) {
  return new Command("health")
    .description(
      "check every PodGang of a PodCliqueSet: phase, placement score, each clique's ready pods against minAvailable, pending and crash-looping pods, and the countdown to gang termination",
    )
    .argument("[podcliqueset]", "the PodCliqueSet to check")
    .option("--all", "every PodCliqueSet of the namespace (with -A: of every namespace)")
    .option("-w, --watch", "keep checking: countdowns tick every second, API changes refresh")
    .addOption(
      new Option(
        "--events <which>",
        "events shown as issues: warning (Warning events only) or all (Normal ones too, after the Warnings)",
      ).choices(["warning", "all"]).default("warning"),
    )
    .addOption(outputOption(["table", "json", "yaml"]))
    .addHelpText(
      "after",
      examples([
        "kubectl grove health my-llm -n inference",
        "kubectl grove health --all -A",
        "kubectl grove health my-llm --watch",
        "kubectl grove health --all -o json | jq '.summary'",
        "kubectl grove health my-llm || page-oncall   # exit code 3 when a gang is not healthy",
        "kubectl grove --context east --context west health --all -A   # CONTEXT column",
        "",
        "Exit codes: 0 every gang Healthy; 3 a gang is Degraded or UNHEALTHY (check failed);",
        "1 error (e.g. PodCliqueSet not found); 2 usage; 5 with several contexts, one could not be read.",
        "A clique whose MinAvailableBreached condition is True since T is terminated at",
        "T + terminationDelay (PodCliqueSet spec.template.terminationDelay, default 4h).",
      ]),
    )
    .action(async (name: string | undefined, opts) => {
      const { fleetRequested } = await import("../run/fleet.ts");
      if (fleetRequested(ctx)) {
        const { runFleetHealth } = await import("../run/fleet_reads.ts");
        return await runFleetHealth(ctx, name, {
          output: opts.output,
          all: opts.all === true,
          watch: opts.watch === true,
        });
      }
      const { runHealth } = await import("../run/health.ts");
      await runHealth(ctx, name, {
        output: opts.output as "table" | "json" | "yaml",
        all: opts.all === true,
        watch: opts.watch === true,
        events: opts.events as "warning" | "all",
      });
    });
}
