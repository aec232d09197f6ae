/**
 * CLI glue of `restart`.
 *
 * @module
 */

import type { CliContext } from "../../cli/context.ts";
import { renderTable } from "../../lib/render/table.ts";
import type { RestartPlan } from "./plan.ts";
import { restart } from "./run.ts";

/** Text of a restart plan. */
export function renderRestartPlan(p: RestartPlan): string {
  const lines = [
    `restart podcliqueset ${p.namespace}/${p.name}${
      p.role ? ` (role ${p.role})` : ""
    }: ${p.total} pods in ${p.batches.length} batch${p.batches.length === 1 ? "" : "es"}${
      p.force ? " (--force: all at once)" : `, never below minAvailable`
    }`,
    "",
    renderTable(
      ["clique", "role", "pods", "ready", "min-available", "max-down"],
      p.cliques.map((
        c,
      ) => [
        c.name,
        c.role,
        String(c.pods),
        String(c.ready),
        String(c.minAvailable),
        String(c.maxDown),
      ]),
    ).trimEnd(),
    "",
  ];
  p.batches.forEach((b, i) => lines.push(`batch ${i + 1}: ${b.map((x) => x.name).join(", ")}`));
  for (const w of p.warnings) lines.push(`warning: ${w}`);
  return lines.join("\n") + "\n";
}

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
      ctx.write(renderRestartPlan(plan));
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
    ctx.write(renderRestartPlan(res.plan));
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
