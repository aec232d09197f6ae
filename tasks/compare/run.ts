/**
 * `kubectl grove compare`: collect (with PodGangs and Nodes) -> compare
 * report -> render; exit code 3 on a breach. {@link compare} is the library
 * entry.
 *
 * @module
 */

import type { CliContext } from "../../cli/context.ts";
import { ExitCode } from "../../lib/errors.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { toJson, toYaml } from "../../lib/render/output.ts";
import { collectMetrics } from "../metrics/collect.ts";
import { type MetricsOptions, scrapeSettings } from "../metrics/run.ts";
import { renderCompare } from "./render.ts";
import { buildCompareReport, type CompareReport } from "./report.ts";

/** Options of the `compare` command. */
export interface CompareCommandOptions {
  /** PodCliqueSet. */
  pcs: string;
  /** Window between scrapes, ms. */
  windowMs: number;
  /** Scrape pod IPs. */
  direct?: boolean;
  /** Output format. */
  output: "table" | "json" | "yaml";
  /** SLA on TTFT p99, ms (overrides the plan). */
  slaTtftMs?: number;
  /** SLA on TPOT p99, ms (overrides the plan). */
  slaTpotMs?: number;
  /** Omit table headers. */
  noHeaders?: boolean;
}

/**
 * Compares a PodCliqueSet's stored plan with live engine metrics.
 *
 * @example
 * ```ts ignore
 * import { connect } from "../../lib/kube/connect.ts";
 * import { compare } from "./run.ts";
 * const r = await compare(await connect({}), { pcs: "demo", namespace: "default", windowMs: 30_000 });
 * console.log(r.status, r.recommendations.map((x) => x.command));
 * ```
 */
export async function compare(kube: Kube, opts: MetricsOptions): Promise<CompareReport> {
  const c = await collectMetrics(kube, { ...opts, placement: true });
  return buildCompareReport(c, {
    now: opts.now ?? new Date(),
    slaTtftMs: opts.slaTtftMs,
    slaTpotMs: opts.slaTpotMs,
  });
}

/** Runs the `compare` command. */
export async function runCompare(ctx: CliContext, o: CompareCommandOptions): Promise<void> {
  const kube = await ctx.kube();
  const namespace = await ctx.namespace();
  const r = await compare(kube, {
    pcs: o.pcs,
    namespace,
    windowMs: o.windowMs,
    direct: o.direct,
    signal: ctx.abort.signal,
    progress: (l) => ctx.note(l),
    slaTtftMs: o.slaTtftMs,
    slaTpotMs: o.slaTpotMs,
    ...scrapeSettings(ctx),
  });
  if (o.output === "json") ctx.write(toJson(r));
  else if (o.output === "yaml") ctx.write(toYaml(r));
  else ctx.write(renderCompare(r, ctx.style, o.noHeaders));
  if (r.status === "breach") ctx.exitCode = ExitCode.CHECK_FAILED;
}
