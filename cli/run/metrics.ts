/**
 * `kubectl grove metrics`: flags and configuration -> collect -> report ->
 * print, refreshing with `--watch`; exit code 5 on a partial scrape.
 *
 * @module
 */

import { ExitCode } from "../../lib/errors.ts";
import { toJson, toJsonLine, toYaml } from "../../lib/render/output.ts";
import {
  buildMetricsReport,
  collectMetrics,
  type CollectMetricsOptions,
  type MetricsReport,
  renderMetrics,
  watchMetrics,
} from "../../tasks/metrics/mod.ts";
import type { CliContext } from "../context.ts";
import { scrapeSettings } from "./shared.ts";
import { watchFooter, WatchScreen } from "../watch_screen.ts";

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

function print(
  ctx: CliContext,
  r: MetricsReport,
  o: MetricsCommandOptions,
  watching: boolean,
  screen?: WatchScreen,
) {
  if (o.output === "json") return ctx.write(watching ? toJsonLine(r) : toJson(r));
  if (o.output === "yaml") return ctx.write((watching ? "---\n" : "") + toYaml(r));
  const text = renderMetrics(r, {
    style: ctx.style,
    wide: o.output === "wide",
    noHeaders: o.noHeaders,
  });
  if (watching && screen && ctx.io.stdoutIsTTY) {
    screen.frame(text, watchFooter(`a rolling ${r.windowSeconds}s window`, r.generatedAt));
  } else ctx.write((watching ? `--- ${r.generatedAt}\n` : "") + text);
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
    ctx.note(
      `refreshing every ${Math.max(1, o.windowMs / 1000)}s over a rolling window; Ctrl-C to stop`,
    );
    const screen = new WatchScreen((s) => ctx.write(s));
    try {
      for await (const c of watchMetrics(kube, { ...copts, progress: undefined })) {
        print(ctx, buildMetricsReport(c, { now: new Date(), ...ropts }), o, true, screen);
      }
    } finally {
      screen.close();
    }
    return;
  }
  const c = await collectMetrics(kube, copts);
  const r = buildMetricsReport(c, { now: new Date(), ...ropts });
  print(ctx, r, o, false);
  if (r.partial) ctx.exitCode = ExitCode.PARTIAL;
}
