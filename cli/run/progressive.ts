/**
 * CLI glue of progressive rollouts: options in, library call, printing,
 * exit codes (3 when a gate or the placement check failed, 130 when
 * interrupted with the state kept).
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { ExitCode } from "../../lib/errors.ts";
import { isStructured, type OutputFormat } from "../../lib/render/output.ts";
import { printOutput } from "../print.ts";
import { renderUpdatePlan } from "../../lib/change/mod.ts";
import { creator, historyLimit, scrapeSettings } from "./shared.ts";
import {
  abortProgressive,
  type ProgressiveCommonOptions,
  type ProgressiveResult,
  promote,
  renderResult,
  resumeProgressive,
  startProgressive,
  type StartProgressiveOptions,
} from "../../tasks/progressive/mod.ts";

/** Flags every progressive command shares. */
export interface ProgressiveCliFlags {
  batchSize?: number;
  intervalMs?: number;
  batchTimeoutMs?: number;
  output?: OutputFormat;
  yes?: boolean;
  compareWindowMs?: number;
}

function common(
  ctx: CliContext,
  name: string,
  namespace: string,
  f: ProgressiveCliFlags,
  kube: Awaited<ReturnType<CliContext["kube"]>>,
): ProgressiveCommonOptions {
  return {
    name,
    namespace,
    batchSize: f.batchSize,
    intervalMs: f.intervalMs,
    batchTimeoutMs: f.batchTimeoutMs,
    signal: ctx.abort.signal,
    progress: (l) => ctx.note(l),
    createdBy: creator(ctx, kube),
    historyLimit: historyLimit(ctx),
    compareWindowMs: f.compareWindowMs,
  };
}

function finish(ctx: CliContext, r: ProgressiveResult, output?: OutputFormat): void {
  printOutput(ctx, r, output, () => renderResult(r));
  // rolled back by itself (a gate failed, new pods failing): not a success;
  // an abort the user asked for is one, whatever the last gates said
  if (r.outcome === "rolled-back" && r.rolledBackBy !== "abort") {
    ctx.exitCode = ExitCode.CHECK_FAILED;
  } else if (r.outcome === "stopped") ctx.exitCode = ExitCode.CHECK_FAILED;
  else if (r.outcome === "interrupted") {
    ctx.exitCode = ExitCode.INTERRUPTED;
    ctx.note(
      `the state is kept on the podcliqueset; continue with: kubectl grove rollout resume ${r.name}`,
    );
  }
  if (r.outcome === "canary") {
    ctx.note(
      `promote with: kubectl grove rollout promote ${r.name}; or roll back with: kubectl grove rollout abort ${r.name}`,
    );
  }
}

/** `rollout canary|start` and `update --rack-by-rack`. */
export async function runStart(
  ctx: CliContext,
  name: string,
  o:
    & Omit<StartProgressiveOptions, keyof ProgressiveCommonOptions | "confirm">
    & ProgressiveCliFlags,
): Promise<void> {
  const kube = await ctx.kube();
  const namespace = await ctx.namespace();
  const structured = isStructured(o.output);
  const r = await startProgressive(kube, {
    ...o,
    ...common(ctx, name, namespace, o, kube),
    scrape: scrapeSettings(ctx),
    confirm: async (plan, batches) => {
      const text =
        renderUpdatePlan(plan, structured ? { color: false, unicode: false } : ctx.style) +
        `batches (${batches.length}): ${
          batches.map((b) => b.map((u) => u.id).join("+")).join(" | ")
        }\n`;
      if (structured) ctx.io.stderr(text);
      else ctx.write(text);
      return await ctx.confirm(
        `Start the ${o.kind} rollout of podcliqueset ${namespace}/${name}?`,
        o.yes === true,
      );
    },
  });
  if (r.outcome === "dry-run" && !structured && r.plan) {
    ctx.write(renderUpdatePlan(r.plan, ctx.style));
    ctx.write(
      `batches (${r.plannedBatches?.length ?? 0}): ${
        (r.plannedBatches ?? []).map((b) => b.join("+")).join(" | ")
      }\n`,
    );
  }
  finish(ctx, r, o.output);
}

/** `rollout promote|abort|resume`. */
export async function runStep(
  ctx: CliContext,
  name: string,
  step: "promote" | "abort" | "resume",
  f: ProgressiveCliFlags & { handoff?: boolean },
): Promise<void> {
  const kube = await ctx.kube();
  const namespace = await ctx.namespace();
  const c = { ...common(ctx, name, namespace, f, kube), scrape: scrapeSettings(ctx) };
  if (step !== "resume") {
    const ok = await ctx.confirm(
      step === "promote"
        ? `Promote the rollout of podcliqueset ${namespace}/${name} to every pod?`
        : `Abort the rollout of podcliqueset ${namespace}/${name} and restore the previous template?`,
      f.yes === true,
    );
    if (!ok) {
      ctx.note("cancelled; nothing was changed");
      return;
    }
  }
  const r = step === "promote"
    ? await promote(kube, { ...c, handoff: f.handoff })
    : step === "abort"
    ? await abortProgressive(kube, c)
    : await resumeProgressive(kube, c);
  finish(ctx, r, f.output);
}
