/** `kubectl grove compare`: the stored plan against live engine metrics. @module */

import { Command, Option } from "../../lib/deps.ts";
import { examples, outputOption } from "../common.ts";
import type { CliContext } from "../context.ts";
import { parseSlaMs, parseWindowMs } from "./metrics.ts";

/** The `compare` command. */
export function compareCommand(ctx: CliContext) {
  return new Command("compare")
    .description(
      "compare the stored AIConfigurator plan with live metrics: throughput/GPU, TTFT/TPOT p99, placement, workers; diagnosis and next steps",
    )
    .argument("<pcs>", "PodCliqueSet name")
    .addOption(
      new Option(
        "--window <duration>",
        "time between the two scrapes (0: one scrape, lifetime values)",
      )
        .argParser(parseWindowMs)
        .default(30_000, "30s"),
    )
    .option(
      "--direct",
      "scrape pod IPs directly (from inside the cluster) instead of the pod proxy",
    )
    .option(
      "--sla-ttft <latency>",
      "SLA on TTFT p99, e.g. 300ms (default: the stored plan's)",
      parseSlaMs,
    )
    .option(
      "--sla-tpot <latency>",
      "SLA on TPOT/ITL p99, e.g. 50ms (default: the stored plan's)",
      parseSlaMs,
    )
    .option("--json", "same as -o json")
    .option("--no-headers", "omit table headers")
    .addOption(outputOption(["table", "json", "yaml"]))
    .addHelpText(
      "after",
      examples([
        "kubectl grove compare my-llm -n inference",
        "kubectl grove compare my-llm --window 1m -o json",
        "kubectl grove compare my-llm || echo 'plan or SLA breached'",
      ]) +
        "\nExit codes: 0 within plan and SLA (or no plan), 3 a breach (SLA, throughput below 70% of plan,\nmissing workers), 1 error.\nWithout a stored plan it shows actuals; store one with: kubectl grove plan store <pcs> -f <plan.json>\n",
    )
    .action(async (pcs, opts) => {
      const { runCompare } = await import("../run/compare.ts");
      await runCompare(ctx, {
        pcs,
        windowMs: opts.window,
        direct: opts.direct,
        output: opts.json ? "json" : opts.output as "table" | "json" | "yaml",
        slaTtftMs: opts.slaTtft,
        slaTpotMs: opts.slaTpot,
        noHeaders: opts.headers === false,
      });
    });
}
