/**
 * `kubectl grove plan store|show|diff|list`: flags -> sources, the Kube
 * client and the plan task -> print; `plan diff` exits 3 on drift.
 *
 * @module
 */

import type { ServingMode } from "../../lib/aic/results.ts";
import { ExitCode } from "../../lib/errors.ts";
import { toYaml } from "../../lib/render/output.ts";
import { printStructured } from "../print.ts";
import { VERSION } from "../../lib/version.ts";
import {
  loadPlanSource,
  planConfigMap,
  planDiff,
  PlanExistsError,
  planList,
  planShow,
  renderPlanBody,
  renderPlanDiff,
  renderPlanList,
  renderPlanShow,
  storePlan,
} from "../../tasks/plan/mod.ts";
import type { CliContext } from "../context.ts";

type Out = "table" | "json" | "yaml";

/** Options of `plan store`. */
export interface PlanStoreCommandOptions {
  pcs: string;
  file: string;
  overwrite?: boolean;
  dryRun?: boolean;
  mode?: ServingMode;
  totalGpus?: number;
  output: Out;
}

/** `plan store`. */
export async function runPlanStore(ctx: CliContext, o: PlanStoreCommandOptions): Promise<void> {
  const loaded = await loadPlanSource(o.file, {
    pcs: o.pcs,
    mode: o.mode,
    totalGpus: o.totalGpus,
    created: new Date().toISOString(),
    generator: `kubectl-grove ${VERSION}`,
  });
  for (const n of loaded.notes) ctx.note(`note: ${n}`);
  const kube = await ctx.kube();
  const namespace = await ctx.namespace();
  let res;
  try {
    res = await storePlan(kube, {
      pcs: o.pcs,
      namespace,
      plan: loaded.plan,
      overwrite: o.overwrite,
      dryRun: o.dryRun,
    });
  } catch (e) {
    if (e instanceof PlanExistsError && e.previous) {
      ctx.note(`Stored plan of ${o.pcs}:\n\n${renderPlanBody(e.previous)}`);
    }
    throw e;
  }
  for (const n of res.notes) ctx.note(`note: ${n}`);
  const report = {
    apiVersion: "kubectl-grove.io/v1alpha1",
    kind: "PlanStoreResult",
    pcs: o.pcs,
    namespace,
    configMap: res.configMap,
    action: res.action,
    ...(res.pcsExists === undefined ? {} : { pcsExists: res.pcsExists }),
    source: { path: o.file, kind: loaded.kind },
    ...(res.previous ? { previous: res.previous } : {}),
    plan: loaded.plan,
  };
  if (printStructured(ctx, report, o.output)) return;
  if (res.previous && (res.action === "replaced" || res.action === "would replace")) {
    ctx.note(`Previous plan of ${o.pcs}:\n\n${renderPlanBody(res.previous)}`);
  }
  if (res.previousError) ctx.warn(`the previous plan was not readable: ${res.previousError}`);
  if (o.dryRun) {
    ctx.print(
      `# dry run: configmap/${res.configMap} ${res.action.replace("would ", "would be ")}d`,
    );
    ctx.write(toYaml(planConfigMap(o.pcs, namespace, loaded.plan)));
    return;
  }
  ctx.print(
    `configmap/${res.configMap} ${res.action} (plan of podcliqueset ${o.pcs}, namespace ${namespace})`,
  );
}

/** `plan show`. */
export async function runPlanShow(
  ctx: CliContext,
  o: { pcs: string; output: Out },
): Promise<void> {
  const kube = await ctx.kube();
  const r = await planShow(kube, o.pcs, await ctx.namespace());
  if (printStructured(ctx, r, o.output)) return;
  ctx.write(renderPlanShow(r, new Date()));
}

/** `plan diff`: exit code 3 on drift. */
export async function runPlanDiff(
  ctx: CliContext,
  o: { pcs: string; output: Out },
): Promise<void> {
  const kube = await ctx.kube();
  const r = await planDiff(kube, o.pcs, await ctx.namespace());
  if (r.drift) ctx.exitCode = ExitCode.CHECK_FAILED;
  if (printStructured(ctx, r, o.output)) return;
  ctx.write(renderPlanDiff(r, ctx.style));
}

/** `plan list`. */
export async function runPlanList(
  ctx: CliContext,
  o: { output: Out; noHeaders?: boolean },
): Promise<void> {
  const kube = await ctx.kube();
  const all = ctx.globals.allNamespaces === true;
  const ns = all ? undefined : await ctx.namespace();
  const r = await planList(kube, ns);
  for (const i of r.items) {
    if (i.error) ctx.warn(`plan of ${i.namespace}/${i.pcs} is not readable: ${i.error}`);
  }
  if (printStructured(ctx, r, o.output)) return;
  if (r.items.length === 0) {
    ctx.note(all ? "No plans found in any namespace." : `No plans found in namespace ${ns}.`);
    return;
  }
  ctx.write(renderPlanList(r, new Date(), { allNamespaces: all, noHeaders: o.noHeaders }));
}
