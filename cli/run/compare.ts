/**
 * `kubectl grove compare`: flags -> {@link compare} -> print; exit code 3 on
 * a breach.
 *
 * @module
 */

import { ExitCode } from "../../lib/errors.ts";
import { compare, renderCompare } from "../../tasks/compare/mod.ts";
import type { CliContext } from "../context.ts";
import { printOutput } from "../print.ts";
import { scrapeSettings } from "./shared.ts";

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
  printOutput(ctx, r, o.output, () => renderCompare(r, ctx.style, o.noHeaders));
  if (r.status === "breach") ctx.exitCode = ExitCode.CHECK_FAILED;
}
