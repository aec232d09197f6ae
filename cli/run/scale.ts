/**
 * CLI glue of `scale`: argv leftovers -> request, preview on stdout,
 * confirmation, progress on stderr, `-o json|yaml` report.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { configNumber } from "../../lib/config.ts";
import { UsageError } from "../../lib/errors.ts";
import { isStructured } from "../../lib/render/output.ts";
import { printStructured } from "../print.ts";
import { parseRoleAssignment, parseScaleArgs } from "../../tasks/scale/args.ts";
import { renderScalePlan, scale, type ScaleResult } from "../../tasks/scale/mod.ts";

/** Flags of `scale`. */
export interface ScaleCliOptions {
  replicas?: number;
  role: string[];
  setReplicas?: number;
  drainTimeoutMs?: number;
  dryRun: boolean;
  yes: boolean;
  force: boolean;
  wait: boolean;
  timeoutMs: number;
  intervalMs: number;
  output: string;
}

/** `scale <pcs> ...`. */
export async function runScale(
  ctx: CliContext,
  rest: string[],
  o: ScaleCliOptions,
): Promise<void> {
  const parsed = parseScaleArgs(rest);
  if (!parsed.pcs) {
    throw new UsageError(
      "scale needs the name of a PodCliqueSet",
      "e.g. kubectl grove scale my-llm --prefill=4",
    );
  }
  const roles = [...parsed.roles, ...o.role.map(parseRoleAssignment)];
  const structured = isStructured(o.output);
  ctx.tracksChanges = true;
  const kube = await ctx.kube();
  const result: ScaleResult = await scale(kube, {
    name: parsed.pcs,
    namespace: await ctx.namespace(),
    roles: roles.length ? roles : undefined,
    replicas: o.replicas,
    setReplicas: o.setReplicas,
    force: o.force,
    dryRun: o.dryRun,
    wait: o.wait,
    timeoutMs: o.timeoutMs,
    intervalMs: o.intervalMs,
    drainTimeoutMs: o.drainTimeoutMs,
    historyLimit: configNumber(ctx.config, "rollout.history_limit"),
    signal: ctx.abort.signal,
    onProgress: (line) => {
      ctx.note(line);
      if (line.startsWith("scaled: ")) ctx.changed(`${parsed.pcs}: ${line}`);
    },
    onPlan: (plan) => {
      if (!structured) ctx.write(renderScalePlan(plan, ctx.style));
    },
    confirm: async (plan) => {
      if (structured && !o.yes) ctx.note(renderScalePlan(plan).trimEnd());
      return await ctx.confirm("Proceed?", o.yes);
    },
  });
  const plan = result.plan;
  if (structured) {
    printStructured(ctx, result, o.output);
    if (result.outcome === "declined") ctx.note("cancelled; nothing was changed");
    return;
  }
  switch (result.outcome) {
    case "no-change":
      return;
    case "dry-run":
      ctx.print(
        `\npodcliqueset/${plan.name}: dry run: the server accepted ${plan.writes.length} write${
          plan.writes.length === 1 ? "" : "s"
        }; nothing changed`,
      );
      return;
    case "declined":
      ctx.note("cancelled; nothing was changed");
      return;
    default:
      break;
  }
  for (const w of result.warnings) ctx.warn(w);
  ctx.print(
    `podcliqueset/${plan.name} scaled: ${
      plan.changes.map((c) => `${c.role} ${c.current} -> ${c.target}`).join(", ")
    }`,
  );
  if (result.revision !== undefined) ctx.print(`template recorded as revision ${result.revision}`);
  if (result.outcome === "applied" && o.wait && result.newPods.length) {
    for (const p of result.newPods) {
      ctx.print(
        `  ${p.name}: ${p.ready ? "ready" : "not ready"} on ${p.node ?? "-"}${
          p.domain ? ` (${p.domain})` : ""
        }`,
      );
    }
  }
  if (result.outcome === "aborted") ctx.note("stopped following; the change is applied");
}
