/** `kubectl grove topology`: placement against the cluster topology, free GPUs and fragmentation. @module */

import { Command, InvalidArgumentError, Option } from "../../lib/deps.ts";
import { examples, outputOption } from "../common.ts";
import type { CliContext } from "../context.ts";

function parseScore(v: string): number {
  const n = Number(v);
  if (!/^\d*\.?\d+$/.test(v.trim()) || !(n >= 0 && n <= 1)) {
    throw new InvalidArgumentError(`expected a score between 0 and 1, got "${v}"`);
  }
  return n;
}

/** The `topology` command. */
export function topologyCommand(ctx: CliContext) {
  return new Command("topology")
    .description(
      "show where a PodCliqueSet's pods landed in the cluster topology (zone -> rack -> host), GPU use per node, gang placement scores and pack constraints, with recommendations; --cluster for free GPUs and fragmentation",
    )
    .argument("[podcliqueset]", "the PodCliqueSet (omit it for every one in the namespace)")
    .option(
      "--cluster",
      "whole cluster: free GPUs per domain, pods of 1/2/4/8 GPUs that still fit, fragmentation",
    )
    .option("-w, --watch", "redraw on pod, node and gang changes")
    .addOption(
      new Option("--low-score <score>", "flag gangs whose placement score is below this")
        .argParser(parseScore)
        .default(0.7),
    )
    .addOption(outputOption(["table", "json", "yaml"]))
    .addHelpText(
      "after",
      examples([
        "kubectl grove topology my-llm -n inference",
        "kubectl grove topology --cluster",
        "kubectl grove topology my-llm --watch",
        "kubectl grove topology my-llm -o json | jq '.warnings[].recommendation'",
        "kubectl grove --all-contexts topology --cluster   # every cluster, CONTEXT column",
        "",
        "Bars count GPUs (the API does not say which device a pod holds):",
        "'#' this workload, '+' other pods, '.' free. Domain labels: optimal (each gang",
        "within one domain where its pack constraint asks), split (2 domains), fragmented (3+).",
        "Without a ClusterTopologyBinding or ClusterTopology, levels come from well-known",
        "node labels. Without permission to list nodes, pods are shown by node name.",
      ]),
    )
    .action(async (name: string | undefined, opts) => {
      const { fleetRequested } = await import("../run/fleet.ts");
      if (fleetRequested(ctx)) {
        const { runFleetTopology } = await import("../run/fleet_reads.ts");
        return await runFleetTopology(ctx, name, {
          output: opts.output,
          cluster: opts.cluster === true,
          watch: opts.watch === true,
          lowScore: opts.lowScore as number,
        });
      }
      const { runTopology } = await import("../run/topology.ts");
      await runTopology(ctx, name, {
        output: opts.output as "table" | "json" | "yaml",
        cluster: opts.cluster === true,
        watch: opts.watch === true,
        lowScore: opts.lowScore as number,
      });
    });
}
