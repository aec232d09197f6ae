/**
 * CLI glue of `update`: preview, confirmation, write, then (with
 * `--wait-for-approval`) wait for `rollout resume` and follow the rollout.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { isStructured, type OutputFormat, REPORT_API_VERSION } from "../../lib/render/output.ts";
import { printStructured } from "../print.ts";
import { followRollout, waitForResume } from "./rollout.ts";
import { confirmPlan, creator, historyLimit, reportChange } from "./shared.ts";
import { updateImage } from "../../tasks/update/mod.ts";
import { outputWidth, wrapCommand } from "../../lib/render/wrap.ts";

/** Options of `update`. */
export interface UpdateCliOptions {
  image: string;
  role?: string;
  container?: string;
  dryRun?: boolean;
  yes?: boolean;
  message?: string;
  preservePlacement?: boolean;
  waitForApproval?: boolean;
  force?: boolean;
  timeoutMs: number;
  intervalMs: number;
  /** table (default), json or yaml: the result as a document (the preview goes to stderr). */
  output?: OutputFormat;
}

/** `update <pcs> --image IMG`. */
export async function runUpdate(
  ctx: CliContext,
  name: string,
  opts: UpdateCliOptions,
): Promise<void> {
  ctx.tracksChanges = true;
  const kube = await ctx.kube();
  const namespace = await ctx.namespace();
  const structured = isStructured(opts.output);
  const res = await updateImage(kube, {
    signal: ctx.abort.signal,
    name,
    namespace,
    image: opts.image,
    role: opts.role,
    container: opts.container,
    dryRun: opts.dryRun,
    changeCause: opts.message,
    createdBy: creator(ctx, kube),
    historyLimit: historyLimit(ctx),
    preservePlacement: opts.preservePlacement,
    paused: opts.waitForApproval,
    force: opts.force === true,
    confirm: confirmPlan(
      ctx,
      opts.yes === true,
      `Update podcliqueset ${namespace}/${name}${
        opts.waitForApproval ? " (paused until approved)" : ""
      }?`,
      structured,
    ),
  });
  if (structured) {
    printStructured(ctx, {
      apiVersion: REPORT_API_VERSION,
      kind: "UpdateResult",
      applied: res.applied,
      skipped: res.skipped ?? null,
      revision: res.revision ?? null,
      plan: res.plan,
    }, opts.output);
  } else if (res.skipped === "no-change") {
    ctx.print(
      `podcliqueset/${name}: image already ${opts.image} for ${
        res.plan.targets.map((t) => `${t.role}/${t.container}`).join(", ") ||
        "the selected containers"
      }; nothing to do`,
    );
    return;
  } else {
    reportChange(
      ctx,
      res,
      opts.waitForApproval ? "updated, paused until approved" : "image updated",
    );
    if (res.skipped === "dry-run") {
      const cmd = `To apply: ${applyCommand(name, namespace, opts, res)}`;
      ctx.print(wrapCommand(cmd, outputWidth(ctx.style)).join("\n"));
    }
  }
  if (!res.applied || !opts.waitForApproval) return;
  const resumed = await waitForResume(ctx, kube, name, namespace, opts.intervalMs, opts.timeoutMs);
  if (!resumed) return;
  ctx.note(`approved: podcliqueset/${name} was resumed; following the rollout`);
  await followRollout(ctx, kube, name, namespace, {
    timeoutMs: opts.timeoutMs,
    intervalMs: opts.intervalMs,
    progressDeadlineMs: 600_000,
    output: structured ? (opts.output as OutputFormat) : "table",
  });
}

/** The command that applies a previewed update: the same flags without --dry-run. */
function applyCommand(
  name: string,
  namespace: string,
  opts: UpdateCliOptions,
  res: { plan: { needsForce: string[] } },
): string {
  const q = (v: string) => /^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replaceAll("'", `'\\''`)}'`;
  const parts = ["kubectl grove update", name, "--image", q(opts.image)];
  if (opts.role) parts.push("--role", q(opts.role));
  if (opts.container) parts.push("--container", q(opts.container));
  if (opts.message) parts.push("-m", q(opts.message));
  if (opts.preservePlacement) parts.push("--preserve-placement");
  if (opts.waitForApproval) parts.push("--wait-for-approval");
  if (opts.force || res.plan.needsForce.length) parts.push("--force");
  parts.push("-n", q(namespace));
  return parts.join(" ");
}
