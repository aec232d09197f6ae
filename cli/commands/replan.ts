/** `kubectl grove replan`: re-run AIConfigurator with the workload a set really serves. @module */

import { Command, InvalidArgumentError, Option } from "../../lib/deps.ts";
import { examples, outputOption, parsePositive } from "../common.ts";
import type { CliContext } from "../context.ts";
import { parseMs } from "./generate.ts";
import { parseWindowMs } from "./metrics.ts";

const PERCENTILES = ["p50", "p90", "p99", "mean"] as const;

/** Parses `--percentile`: p50, p90, p99 or mean (also 50, 90, 99). */
export function parsePercentile(value: string): (typeof PERCENTILES)[number] {
  const v = value.trim().toLowerCase();
  const norm = /^\d+$/.test(v) ? `p${v}` : v;
  if ((PERCENTILES as readonly string[]).includes(norm)) {
    return norm as (typeof PERCENTILES)[number];
  }
  throw new InvalidArgumentError(`expected one of ${PERCENTILES.join(", ")}, got "${value}"`);
}

/** The `replan` command. */
export function replanCommand(ctx: CliContext) {
  return new Command("replan")
    .description(
      "read the workload a PodCliqueSet serves (ISL/OSL, request rate, TTFT/TPOT) from its engines, run AIConfigurator again with it, and show stored plan, new plan and running set side by side with the commands that move the set",
    )
    .argument("<pcs>", "PodCliqueSet name (it needs a stored plan: kubectl grove plan store)")
    .addOption(
      new Option("--percentile <p>", "statistic of the request lengths used as ISL/OSL")
        .argParser(parsePercentile)
        .default("p50"),
    )
    .addOption(
      new Option(
        "--window <duration>",
        "time between two scrapes for the request rate and recent lengths (0: one scrape, lifetime values)",
      )
        .argParser(parseWindowMs)
        .default(10_000, "10s"),
    )
    .option("--direct", "scrape pod IPs directly instead of through the API server's pod proxy")
    .option("--isl <tokens>", "use this input length instead of the observed one", parsePositive)
    .option("--osl <tokens>", "use this output length instead of the observed one", parsePositive)
    .option(
      "--total-gpus <n>",
      "GPU budget (default: the stored plan's GPUs or the GPUs the set holds, whichever is more)",
      parsePositive,
    )
    .option("--ttft <ms>", "TTFT limit in ms (default: the stored plan's SLA)", parseMs)
    .option("--tpot <ms>", "TPOT limit in ms (default: the stored plan's SLA)", parseMs)
    .option("--save-dir <dir>", "where aiconfigurator writes its results (default ./aic-replan)")
    .option(
      "--from-results <dir>",
      "skip the search: read an earlier aiconfigurator results directory",
    )
    .option(
      "--out-dir <dir>",
      "where to write the new manifest and plan (default: --save-dir, or . with --from-results)",
    )
    .option("--image <image>", "container image of the new manifest (default: the set's)")
    .option(
      "--store-plan",
      "store the new plan as the set's plan; the stored one is replaced only with --overwrite",
    )
    .option("--overwrite", "with --store-plan: replace the stored plan (it is shown first)")
    .addOption(outputOption(["table", "json", "yaml"]))
    .addHelpText(
      "after",
      examples([
        "kubectl grove replan qwen-disagg -n inference",
        "kubectl grove replan qwen-disagg --percentile p90 --window 1m",
        "kubectl grove replan qwen-disagg --from-results ./aic-replan/Qwen/Qwen3-32B-FP8_h200_sxm_vllm_isl3786_osl972_ttft2000_tpot30_1",
        "kubectl grove replan qwen-disagg --total-gpus 48 --store-plan --overwrite -o json",
      ]) +
        `
Model, system, backend, SLA and GPU budget come from the stored plan; ISL and
OSL from the engines' request-length histograms (the Dynamo frontend's
dynamo_frontend_{input,output}_sequence_tokens, else vllm:request_{prompt,
generation}_tokens or sglang:{prompt,generation}_tokens_histogram; without
histograms, token counters over requests give the mean). The new plan keeps
the set's serving mode. When the worker layout (TP/PP/DP, GPUs per worker) is
kept the move is 'kubectl grove scale'; otherwise a new manifest
(<out-dir>/<pcs>.replan.yaml) is applied. Every command is printed with its
--dry-run form. Needs aiconfigurator unless --from-results is given.
Exit codes: 0 done, 1 error (no plan, no metrics, no configuration met the SLA), 2 usage.
`,
    )
    .action(async (pcs, opts) => {
      const { runReplan } = await import("../run/replan.ts");
      await runReplan(ctx, {
        pcs,
        percentile: opts.percentile as (typeof PERCENTILES)[number],
        windowMs: opts.window as number,
        direct: opts.direct === true,
        isl: opts.isl,
        osl: opts.osl,
        totalGpus: opts.totalGpus,
        ttft: opts.ttft,
        tpot: opts.tpot,
        saveDir: opts.saveDir,
        fromResults: opts.fromResults,
        outDir: opts.outDir,
        image: opts.image,
        storePlan: opts.storePlan === true,
        overwrite: opts.overwrite === true,
        output: opts.output as "table" | "json" | "yaml",
      });
    });
}
