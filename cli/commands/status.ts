/** `kubectl grove status`: PodCliqueSet overview with clique progress, gangs and PlacementScore. @module */

import { Command, Option } from "../../lib/deps.ts";
import { examples, outputOption } from "../common.ts";
import type { CliContext } from "../context.ts";

/** The `status` command. */
export function statusCommand(ctx: CliContext) {
  return new Command("status")
    .description(
      "show a PodCliqueSet: set replicas, update progress, each clique's ready pods against minAvailable, PodGang phases and placement scores",
    )
    .argument("[podcliqueset]", "the PodCliqueSet (omit it, or pass --all, for every one)")
    .option("--all", "every PodCliqueSet of the namespace (with -A: of every namespace)")
    .option("-w, --watch", "keep watching and print the status again after every change")
    .addOption(outputOption(["table", "wide", "json", "yaml"]))
    .addOption(new Option("--no-headers", "do not print table headers"))
    .addHelpText(
      "after",
      examples([
        "kubectl grove status my-llm -n inference",
        "kubectl grove status --all -A",
        "kubectl grove status my-llm --watch",
        "kubectl grove status my-llm -o wide",
        "kubectl grove status my-llm -o json | jq '.podCliqueSets[0].cliques[] | select(.belowMinAvailable)'",
        "kubectl grove --context east --context west status --all -A   # CONTEXT column",
      ]) +
        "\nA line starting with '!' needs attention: a clique below minAvailable (BELOW MIN),\n" +
        "with the countdown to gang termination once Grove reports MinAvailableBreached.\n",
    )
    .action(async (name: string | undefined, opts) => {
      const { fleetRequested } = await import("../run/fleet.ts");
      if (fleetRequested(ctx)) {
        const { runFleetStatus } = await import("../run/fleet_reads.ts");
        return await runFleetStatus(ctx, name, {
          output: opts.output,
          watch: opts.watch === true,
          noHeaders: opts.headers === false,
        });
      }
      const { runStatus } = await import("../run/status.ts");
      await runStatus(ctx, name, {
        output: opts.output as "table" | "wide" | "json" | "yaml",
        all: opts.all === true,
        watch: opts.watch === true,
        noHeaders: opts.headers === false,
      });
    });
}
