/** `kubectl grove metrics`: live engine metrics of a PodCliqueSet. @module */

import { Command, InvalidArgumentError, Option } from "../../lib/deps.ts";
import { examples, outputOption, parseDurationMs, parsePcsName, parsePositive } from "../common.ts";
import type { CliContext } from "../context.ts";

/** Parses an SLA flag: `300` (ms), `300ms`, `0.3s`. */
export function parseSlaMs(value: string): number {
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const ms = parseDurationMs(v);
  if (!(ms > 0)) throw new InvalidArgumentError(`expected a positive latency, got "${value}"`);
  return ms;
}

/** Parses `--window`: a duration of at least 1s. */
export function parseWindowMs(value: string): number {
  if (/^0+(ms|s|m)?$/.test(value.trim())) return 0;
  const ms = parseDurationMs(value);
  if (ms !== 0 && ms < 1000) {
    throw new InvalidArgumentError(
      `--window must be 0 (one scrape) or at least 1s, got "${value}"`,
    );
  }
  return ms;
}

/** The `metrics` command. */
export function metricsCommand(ctx: CliContext) {
  return new Command("metrics")
    .description(
      "scrape the inference engines of a PodCliqueSet: throughput, TTFT/TPOT/E2E percentiles, queue, KV-cache usage per role",
    )
    .argument("<pcs>", "PodCliqueSet name", parsePcsName)
    .addOption(
      new Option(
        "--window <duration>",
        "time between the two scrapes (0: one scrape, lifetime values)",
      )
        .argParser(parseWindowMs)
        .default(30_000, "30s"),
    )
    .option("-w, --watch", "refresh on a rolling window until Ctrl-C")
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
    .option("--concurrency <n>", "scrapes in flight at once", parsePositive, 16)
    .option("--json", "same as -o json")
    .option("--no-headers", "omit table headers")
    .addOption(outputOption(["table", "wide", "json", "yaml"]))
    .addHelpText(
      "after",
      examples([
        "kubectl grove metrics my-llm -n inference",
        "kubectl grove metrics my-llm --window 1m -o wide",
        "kubectl grove metrics my-llm --sla-ttft 500ms --sla-tpot 50ms",
        "kubectl grove metrics my-llm --watch",
        "kubectl grove metrics my-llm -o json | jq .total.outputTokensPerSecPerGpu",
      ]) +
        '\nUnderutilized: a role\'s KV column reads "low" (and a warning says why) when its mean\n' +
        "KV-cache/token usage is under 50% of the busiest other engine role's mean, and that\n" +
        "role is at least 20% used. TPOT p99 is checked against --sla-tpot where the engine\n" +
        "exports TPOT (vLLM, SGLang, TRT-LLM), else ITL p99; -o wide shows both.\n" +
        "\nExit codes: 0 ok, 5 some scrapes failed (partial result, see the notes).\n",
    )
    .action(async (pcs, opts) => {
      const { runMetrics } = await import("../run/metrics.ts");
      await runMetrics(ctx, {
        pcs,
        windowMs: opts.window,
        watch: opts.watch,
        direct: opts.direct,
        output: opts.json ? "json" : opts.output as "table" | "wide" | "json" | "yaml",
        slaTtftMs: opts.slaTtft,
        slaTpotMs: opts.slaTpot,
        concurrency: opts.concurrency,
        noHeaders: opts.headers === false,
      });
    });
}
