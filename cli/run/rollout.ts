/**
 * CLI glue of the rollout family: options in, task call, printing, prompts
 * and exit codes. Everything decided lives in the task modules.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { ExitCode, GroveError, UsageError } from "../../lib/errors.ts";
import { formatDuration } from "../../lib/grove/duration.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { isStructured, type OutputFormat } from "../../lib/render/output.ts";
import { printOutput, watchPrinter } from "../print.ts";
import { colorDiff } from "../../lib/revisions/diff.ts";
import { isPaused } from "../../lib/revisions/pause.ts";
import { renderUpdatePlan } from "../../lib/change/mod.ts";
import { getPcs } from "../../lib/change/mod.ts";
import {
  findRevision,
  pause,
  renderDiff,
  renderHistory,
  renderProgressLine,
  renderRevision,
  renderRolloutStatus,
  resume,
  rolloutDiff,
  rolloutHistory,
  rolloutStatus,
  type RolloutStatusReport,
  statusExitCode,
  undo,
  waitForRollout,
  type WaitStep,
  withLatency,
} from "../../tasks/rollout/mod.ts";
import { creator, historyLimit, reportChange, scrapeSettings } from "./shared.ts";
import { sleep } from "../../lib/async.ts";
import { watchFooter } from "../watch_screen.ts";
import { nsFlag } from "../../lib/grove/names.ts";

/** `rollout history`. */
export async function runHistory(
  ctx: CliContext,
  name: string,
  opts: { revision?: number; output: OutputFormat },
): Promise<void> {
  const kube = await ctx.kube();
  const h = await rolloutHistory(kube, { name, namespace: await ctx.namespace() });
  const { revisions: _r, pcs: _p, ...report } = h;
  if (opts.revision !== undefined) {
    const r = findRevision(h.revisions, opts.revision, name);
    const { template, ...meta } = r;
    const doc = {
      apiVersion: report.apiVersion,
      kind: "RolloutRevision",
      podCliqueSet: name,
      ...meta,
      template,
    };
    printOutput(ctx, doc, opts.output, () => renderRevision(r, r.revision === h.currentRevision));
    return;
  }
  printOutput(
    ctx,
    report,
    opts.output,
    () => renderHistory(report, ctx.style, new Date(), opts.output === "wide"),
  );
}

/** `rollout diff`. */
export async function runDiff(
  ctx: CliContext,
  name: string,
  opts: { revision: number; against?: number; output: OutputFormat },
): Promise<void> {
  const kube = await ctx.kube();
  const d = await rolloutDiff(kube, {
    name,
    namespace: await ctx.namespace(),
    revision: opts.revision,
    against: opts.against,
  });
  printOutput(ctx, d, opts.output, () => renderDiff(d, ctx.style));
}

/** `rollout undo`. */
export async function runUndo(
  ctx: CliContext,
  name: string,
  opts: {
    revision?: number;
    toRevision?: number;
    dryRun?: boolean;
    yes?: boolean;
    message?: string;
  },
): Promise<void> {
  ctx.tracksChanges = true;
  if (
    opts.revision !== undefined && opts.toRevision !== undefined &&
    opts.revision !== opts.toRevision
  ) {
    throw new UsageError(
      `--revision ${opts.revision} and --to-revision ${opts.toRevision} disagree: give one (--to-revision is another name for --revision)`,
      `kubectl grove rollout undo ${name} --revision <n>`,
    );
  }
  const kube = await ctx.kube();
  let shownDiff = false;
  const res = await undo(kube, {
    signal: ctx.abort.signal,
    name,
    namespace: await ctx.namespace(),
    toRevision: opts.revision ?? opts.toRevision,
    dryRun: opts.dryRun,
    changeCause: opts.message,
    createdBy: creator(ctx, kube),
    historyLimit: historyLimit(ctx),
    confirm: async (plan) => {
      ctx.write(renderUpdatePlan(plan, ctx.style));
      return await ctx.confirm(
        `Roll back podcliqueset ${plan.namespace}/${plan.name}?`,
        opts.yes === true,
      );
    },
  });
  if (res.skipped === "dry-run") {
    ctx.write(res.diff ? colorDiff(res.diff, ctx.style) : "");
    shownDiff = true;
  }
  if (res.skipped === "no-change") {
    ctx.print(
      `podcliqueset/${name} is already at the template of revision ${res.target}; nothing to do`,
    );
    return;
  }
  if (!shownDiff || res.skipped !== "dry-run") {
    reportChange(ctx, res, `rolled back to revision ${res.target}`);
  } else {
    ctx.print(
      `podcliqueset/${name} would roll back to revision ${res.target} (dry run: validated by the server, nothing changed)`,
    );
  }
}

/** `rollout pause` / `rollout resume`. */
export async function runPause(
  ctx: CliContext,
  name: string,
  pausing: boolean,
  opts: { dryRun?: boolean; yes?: boolean },
): Promise<void> {
  const kube = await ctx.kube();
  if (!pausing) {
    // a progressive rollout (canary, rack-by-rack, gated) is continued by its driver
    const pcs = await getPcs(kube, await ctx.namespace(), name);
    if (pcs.metadata.annotations?.["kubectl-grove.io/rollout-state"]) {
      const { runStep } = await import("./progressive.ts");
      return await runStep(ctx, name, "resume", { yes: opts.yes });
    }
  }
  const fn = pausing ? pause : resume;
  const r = await fn(kube, {
    name,
    namespace: await ctx.namespace(),
    dryRun: opts.dryRun,
    confirm: (q) => ctx.confirm(q, opts.yes === true),
  });
  const verb = pausing ? "paused" : "resumed";
  if (r.skipped === "already") {
    ctx.print(
      `podcliqueset/${name} is ${pausing ? "already paused" : "not paused"}; nothing to do`,
    );
  } else if (r.skipped === "dry-run") {
    ctx.print(
      `podcliqueset/${name} would be ${verb}: strategy ${r.from} -> ${r.to} (dry run, nothing changed)`,
    );
  } else if (r.skipped === "declined") ctx.note("cancelled; nothing was changed");
  else ctx.print(`podcliqueset/${name} ${verb} (strategy ${r.from} -> ${r.to})`);
}

/** Options of `rollout status`. */
export interface StatusCliOptions {
  watch?: boolean;
  wait?: boolean;
  timeoutMs: number;
  intervalMs: number;
  progressDeadlineMs: number;
  output: OutputFormat;
  /** Scrape the engines over this window (ms) and show TTFT/TPOT p99 per role; 0 = one scrape. */
  metricsWindowMs?: number;
}

async function addLatency(
  ctx: CliContext,
  kube: Kube,
  report: RolloutStatusReport,
  windowMs: number | undefined,
): Promise<RolloutStatusReport> {
  if (windowMs === undefined) return report;
  try {
    const { metrics } = await import("../../tasks/metrics/mod.ts");
    const s = scrapeSettings(ctx);
    const m = await metrics(kube, {
      pcs: report.name,
      namespace: report.namespace,
      windowMs,
      timeoutMs: s.timeoutMs,
      fallbackPort: s.fallbackPort,
      signal: ctx.abort.signal,
    });
    return withLatency(report, m.roles);
  } catch (e) {
    ctx.warn(`metrics unavailable: ${(e as Error).message}`);
    return report;
  }
}

/** `rollout status`: waits by default; exit 0 complete, 3 failed/stalled, 4 timeout. */
export async function runStatus(
  ctx: CliContext,
  name: string,
  opts: StatusCliOptions,
): Promise<void> {
  const kube = await ctx.kube();
  const namespace = await ctx.namespace();
  await followRollout(ctx, kube, name, namespace, opts);
}

/** Follows a rollout and prints as `rollout status` does. */
export async function followRollout(
  ctx: CliContext,
  kube: Kube,
  name: string,
  namespace: string,
  opts: StatusCliOptions,
): Promise<void> {
  if (opts.wait === false) {
    // one look: six lists, no watch
    const report = await addLatency(
      ctx,
      kube,
      await rolloutStatus(kube, { name, namespace }),
      opts.metricsWindowMs,
    );
    printOutput(ctx, report, opts.output, () => renderRolloutStatus(report, ctx.style, new Date()));
    ctx.exitCode = statusExitCode(report);
    return;
  }
  const structured = isStructured(opts.output);
  const print = watchPrinter<RolloutStatusReport>(ctx, {
    format: opts.output,
    text: (report) => renderRolloutStatus(report, ctx.style, new Date()),
    footer: () => watchFooter("", new Date()),
  });
  let first = true;
  let last: WaitStep | undefined;
  const it = waitForRollout(kube, {
    name,
    namespace,
    timeoutMs: opts.timeoutMs,
    intervalMs: opts.intervalMs,
    progressDeadlineMs: opts.progressDeadlineMs,
    signal: ctx.abort.signal,
  });
  try {
    for (;;) {
      const step = await it.next();
      if (step.done) break;
      last = step.value;
      const { done } = step.value;
      let report = step.value.report;
      if (done) report = await addLatency(ctx, kube, report, opts.metricsWindowMs);
      const now = new Date();
      if (structured) {
        if (opts.watch || done) print(report);
      } else if (opts.watch) print(report);
      else if (first || done) {
        if (first && !done) ctx.write(renderRolloutStatus(report, ctx.style, now));
        else if (done) ctx.write((first ? "" : "\n") + renderRolloutStatus(report, ctx.style, now));
      } else ctx.print(renderProgressLine(report));
      first = false;
    }
  } finally {
    print.close();
    // stop the list+watch behind the iterator (also on --no-wait and errors)
    await it.return(undefined);
  }
  const end = last;
  if (!end || end.done === undefined) {
    if (ctx.abort.signal.aborted) {
      ctx.note(`stopped watching; the rollout of podcliqueset/${name} goes on in the cluster`);
    }
    return;
  }
  const r = end.report;
  switch (end.done) {
    case "complete":
      ctx.exitCode = ExitCode.OK;
      return;
    case "failed":
    case "stalled":
      ctx.exitCode = ExitCode.CHECK_FAILED;
      ctx.note(`rollout of podcliqueset/${name} ${end.done}: ${r.message}`);
      ctx.note(`roll back with: kubectl grove rollout undo ${name}${nsFlag(namespace)}`);
      return;
    case "timeout":
      throw new GroveError(
        `timed out after ${
          formatDuration(opts.timeoutMs)
        } waiting for the rollout of podcliqueset/${name}: ${r.message}`,
        {
          exitCode: ExitCode.TIMEOUT,
          hint:
            "the rollout goes on; wait longer with --timeout, or check with kubectl grove rollout status",
        },
      );
    case "aborted":
      ctx.note(`stopped watching; the rollout of podcliqueset/${name} goes on in the cluster`);
      return;
  }
}

/** Waits until a paused PodCliqueSet is resumed (by `rollout resume`). */
export async function waitForResume(
  ctx: CliContext,
  kube: Kube,
  name: string,
  namespace: string,
  intervalMs: number,
  timeoutMs: number,
): Promise<boolean> {
  const start = Date.now();
  ctx.note(
    `waiting for approval: the change is applied paused; run "kubectl grove rollout resume ${name}${
      nsFlag(namespace)
    }" to start it (Ctrl-C stops waiting, the change stays paused)`,
  );
  while (!ctx.abort.signal.aborted) {
    const pcs = await getPcs(kube, namespace, name);
    if (!isPaused(pcs)) return true;
    if (Date.now() - start >= timeoutMs) {
      throw new GroveError(`timed out waiting for approval of podcliqueset/${name}`, {
        exitCode: ExitCode.TIMEOUT,
        hint: `the change stays paused; resume it with: kubectl grove rollout resume ${name}${
          nsFlag(namespace)
        }`,
      });
    }
    await sleep(intervalMs, ctx.abort.signal);
  }
  return false;
}
