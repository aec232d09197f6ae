/**
 * `kubectl grove metrics`: flags and configuration -> collect -> report ->
 * print, refreshing with `--watch`; exit code 5 on a partial scrape.
 *
 * @module
 */

import { ExitCode } from "../../lib/errors.ts";
import {
  buildMetricsReport,
  collectMetrics,
  type CollectMetricsOptions,
  type MetricsReport,
  renderMetrics,
  watchMetrics,
} from "../../tasks/metrics/mod.ts";
import type { CliContext } from "../context.ts";
import { printOutput, watchPrinter } from "../print.ts";
import { watchFooter } from "../watch_screen.ts";
import { scrapeSettings } from "./shared.ts";

/** Options of the `metrics` command. */
export interface MetricsCommandOptions {
  /** PodCliqueSet. */
  pcs: string;
  /** Window between scrapes, ms. */
  windowMs: number;
  /** Keep refreshing. */
  watch?: boolean;
  /** Scrape pod IPs. */
  direct?: boolean;
  /** Output format. */
  output: "table" | "wide" | "json" | "yaml";
  /** SLA on TTFT p99, ms. */
  slaTtftMs?: number;
  /** SLA on TPOT p99, ms. */
  slaTpotMs?: number;
  /** Scrapes in flight. */
  concurrency?: number;
  /** Omit table headers. */
  noHeaders?: boolean;
}

function text(ctx: CliContext, r: MetricsReport, o: MetricsCommandOptions): string {
  return renderMetrics(r, { style: ctx.style, wide: o.output === "wide", noHeaders: o.noHeaders });
}

/** Runs the `metrics` command. */
export async function runMetrics(ctx: CliContext, o: MetricsCommandOptions): Promise<void> {
  const kube = await ctx.kube();
  const namespace = await ctx.namespace();
  const settings = scrapeSettings(ctx);
  const copts: CollectMetricsOptions = {
    pcs: o.pcs,
    namespace,
    windowMs: o.windowMs,
    direct: o.direct,
    concurrency: o.concurrency,
    signal: ctx.abort.signal,
    progress: (l) => ctx.note(l),
    ...settings,
  };
  const ropts = { slaTtftMs: o.slaTtftMs, slaTpotMs: o.slaTpotMs };
  if (o.watch) {
    // like every --watch: Ctrl-C is how it ends (README, exit codes)
    ctx.interruptIsNormal = true;
    ctx.note(
      `refreshing every ${Math.max(1, o.windowMs / 1000)}s over a rolling window; Ctrl-C to stop`,
    );
    const print = watchPrinter<MetricsReport>(ctx, {
      format: o.output,
      text: (r) => text(ctx, r, o),
      pipeHeader: (r) => `--- ${r.generatedAt}\n`,
      footer: (r) => watchFooter(`a rolling ${r.windowSeconds}s window`, r.generatedAt),
    });
    try {
      for await (const c of watchMetrics(kube, { ...copts, progress: undefined })) {
        print(buildMetricsReport(c, { now: new Date(), ...ropts }));
      }
    } finally {
      print.close();
    }
    return;
  }
  const c = await collectMetrics(kube, copts);
  const r = buildMetricsReport(c, { now: new Date(), ...ropts });
  printOutput(ctx, r, o.output, () => text(ctx, r, o));
  if (r.partial) ctx.exitCode = ExitCode.PARTIAL;
}
