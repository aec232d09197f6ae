/**
 * CLI glue of `apply -f`: read and check the file, show the diff, the plan
 * comparison and the preview, confirm, write.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { GroveError } from "../../lib/errors.ts";
import { colorDiff } from "../../lib/revisions/diff.ts";
import { confirmPlan, creator, historyLimit, reportChange } from "./shared.ts";
import { renderUpdatePlan } from "../../lib/change/mod.ts";
import { applyPcs, parseManifest } from "../../tasks/apply/mod.ts";

/** Options of `apply`. */
export interface ApplyCliOptions {
  file: string;
  diff?: boolean;
  comparePlan?: string;
  dryRun?: boolean;
  yes?: boolean;
  message?: string;
  preservePlacement?: boolean;
}

async function readFile(ctx: CliContext, path: string): Promise<string> {
  if (path === "-") {
    const lines: string[] = [];
    for (let l = await ctx.io.readLine(); l !== null; l = await ctx.io.readLine()) lines.push(l);
    return lines.join("\n");
  }
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new GroveError(`${path}: no such file`, { hint: "check the path given to -f" });
    }
    throw new GroveError(`${path}: cannot read: ${(e as Error).message}`);
  }
}

/** `apply -f file.yaml`. */
export async function runApply(ctx: CliContext, opts: ApplyCliOptions): Promise<void> {
  ctx.tracksChanges = true;
  const text = await readFile(ctx, opts.file);
  const docs = parseManifest(text, opts.file);
  const kube = await ctx.kube();
  const namespace = await ctx.namespace();
  for (const { pcs } of docs) {
    const ns = pcs.metadata.namespace ?? namespace;
    if (opts.comparePlan) {
      const { readStoredPlan } = await import("../../tasks/plan/store.ts");
      const { buildPlanDiffReport } = await import("../../tasks/plan/report.ts");
      const { renderPlanDiff } = await import("../../tasks/plan/render.ts");
      const { plan } = await readStoredPlan(kube, opts.comparePlan, ns);
      const report = buildPlanDiffReport(opts.comparePlan, ns, plan, pcs, {});
      ctx.print(`Compared with the plan stored for ${opts.comparePlan} (PLAN vs this file):`);
      ctx.write(renderPlanDiff(report, ctx.style));
      ctx.print("");
    }
    const ask = confirmPlan(
      ctx,
      opts.yes === true,
      `Apply podcliqueset ${ns}/${pcs.metadata.name}?`,
    );
    const res = await applyPcs(kube, {
      signal: ctx.abort.signal,
      desired: pcs,
      namespace,
      dryRun: opts.dryRun,
      preservePlacement: opts.preservePlacement,
      changeCause: opts.message,
      createdBy: creator(ctx, kube),
      historyLimit: historyLimit(ctx),
      confirm: (plan, diff) => {
        if (opts.diff) ctx.write(diff ? colorDiff(diff, ctx.style) : "no differences\n");
        return ask(plan);
      },
    });
    if (res.skipped === "dry-run" && opts.diff) {
      ctx.write(res.diff ? colorDiff(res.diff, ctx.style) : "no differences\n");
    }
    if (res.created) {
      if (res.skipped === "dry-run") {
        ctx.write(renderUpdatePlan(res.plan, ctx.style));
        ctx.print(
          `podcliqueset/${pcs.metadata.name} would be created (dry run: validated by the server, nothing changed)`,
        );
      } else if (res.skipped === "declined") ctx.note("cancelled; nothing was changed");
      else {
        const what = `podcliqueset/${pcs.metadata.name} created${
          res.revision !== undefined ? ` (revision ${res.revision})` : ""
        }`;
        ctx.print(what);
        ctx.changed(`${what} in namespace ${ns}`);
      }
      continue;
    }
    if (res.skipped === "no-change") {
      ctx.print(
        `podcliqueset/${pcs.metadata.name} unchanged: the live object already matches the file`,
      );
      continue;
    }
    reportChange(ctx, res, "configured");
  }
}
