/**
 * `kubectl grove restart`: flags -> plan -> confirmation -> batches, printed.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { renderRestartPlan, restart } from "../../tasks/restart/mod.ts";
import { outputWidth } from "../../lib/render/wrap.ts";

/** Options of `restart`. */
export interface RestartCliOptions {
  role?: string;
  batchSize: number;
  force?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  timeoutMs: number;
  intervalMs: number;
}

/** `restart <pcs>`. */
export async function runRestart(
  ctx: CliContext,
  name: string,
  opts: RestartCliOptions,
): Promise<void> {
  const kube = await ctx.kube();
  const res = await restart(kube, {
    name,
    namespace: await ctx.namespace(),
    role: opts.role,
    batchSize: opts.batchSize,
    force: opts.force,
    dryRun: opts.dryRun,
    batchTimeoutMs: opts.timeoutMs,
    intervalMs: opts.intervalMs,
    signal: ctx.abort.signal,
    confirm: async (plan) => {
      ctx.write(renderRestartPlan(plan, outputWidth(ctx.style)));
      if (plan.total === 0) return false;
      return await ctx.confirm(
        opts.force
          ? `Delete all ${plan.total} pods at once? Cliques go below minAvailable`
          : `Restart ${plan.total} pods?`,
        opts.yes === true,
      );
    },
    onBatch: (i, plan) => ctx.note(`batch ${i}/${plan.batches.length} ready`),
  });
  if (res.skipped === "dry-run") {
    ctx.write(renderRestartPlan(res.plan, outputWidth(ctx.style)));
    ctx.print(`podcliqueset/${name}: dry run, nothing restarted`);
  } else if (res.skipped === "declined") {
    ctx.note(res.plan.total === 0 ? "no pods to restart" : "cancelled; nothing was changed");
  } else if (res.skipped === "aborted") {
    ctx.note(
      `stopped after ${res.completedBatches} of ${res.plan.batches.length} batches; the remaining pods were not restarted`,
    );
  } else {
    ctx.print(
      `podcliqueset/${name} restarted: ${res.plan.total} pods in ${res.completedBatches} batch${
        res.completedBatches === 1 ? "" : "es"
      }`,
    );
  }
}
