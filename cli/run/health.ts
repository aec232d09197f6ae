/**
 * The CLI side of `health`: flags -> collect -> report -> print, exit code
 * 3 (check failed) unless every gang is healthy, and the `--watch` printer
 * whose countdown ticks every second.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { ExitCode, UsageError } from "../../lib/errors.ts";
import { printOutput, printWatch } from "../print.ts";
import { watchFooter } from "../watch_screen.ts";
import {
  buildHealthReport,
  collectHealth,
  type HealthReport,
  renderHealth,
  watchHealth,
} from "../../tasks/health/mod.ts";

/** Flags of `kubectl grove health`. */
export interface HealthCommandOptions {
  /** `-o`. */
  output: "table" | "json" | "yaml";
  /** `--all`. */
  all?: boolean;
  /** `-w, --watch`. */
  watch?: boolean;
  /** `--events`: warning (default) or all. */
  events?: "warning" | "all";
}

/** Runs `health` for the CLI; sets exit code 3 when a gang is not healthy. */
export async function runHealth(
  ctx: CliContext,
  pcs: string | undefined,
  opts: HealthCommandOptions,
): Promise<void> {
  // like status: without a name, every PodCliqueSet of the namespace (or -A)
  if (pcs && opts.all) {
    throw new UsageError(`give either a PodCliqueSet ("${pcs}") or --all, not both`);
  }
  const kube = await ctx.kube();
  const namespace = ctx.globals.allNamespaces ? undefined : await ctx.namespace();
  const q = { namespace, pcs, events: opts.events };
  const setCode = (r: HealthReport) => {
    ctx.exitCode = r.healthy ? ExitCode.OK : ExitCode.CHECK_FAILED;
  };
  if (!opts.watch) {
    const r = buildHealthReport(await collectHealth(kube, q), { ...q, now: Date.now() });
    printOutput(ctx, r, opts.output, () => renderHealth(r, ctx.style));
    setCode(r);
    return;
  }
  await printWatch(ctx, watchHealth(kube, q, { signal: ctx.abort.signal }), {
    format: opts.output,
    text: (r) => renderHealth(r, ctx.style),
    footer: (r) => watchFooter("countdowns tick every second", r.generatedAt),
    // on a pipe, only when the text changed (ticks without a countdown are identical)
    skipUnchanged: true,
    onReport: setCode,
  });
}
