/**
 * `kubectl grove replan`: the CLI glue. Reads the set, its plan and its
 * engines (tasks/replan), runs aiconfigurator with the observed workload
 * (lib/aic/runner), writes the new manifest and plan, optionally stores the
 * plan, and prints the report. Progress goes to stderr.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { scrapeSettings, writeOutputFile } from "./shared.ts";
import { configString } from "../../lib/config.ts";
import { buildManifest, manifestYaml } from "../../lib/aic/manifest.ts";
import { type Plan, planFromResults } from "../../lib/aic/plan.ts";
import { readResultsDir } from "../../lib/aic/results.ts";
import {
  buildArgs,
  childEnv,
  findExecutable,
  readVersion,
  runAiconfigurator,
} from "../../lib/aic/runner.ts";
import { GroveError, UsageError } from "../../lib/errors.ts";
import type { PodCliqueSet } from "../../lib/grove/types.ts";
import { toJson, toYaml } from "../../lib/render/output.ts";
import { VERSION } from "../../lib/version.ts";
import { renderPlanBody } from "../../tasks/plan/render.ts";
import { PlanExistsError, storePlan } from "../../tasks/plan/store.ts";
import {
  buildReplanReport,
  collectReplan,
  type ObservedWorkload,
  observeWorkload,
  type Percentile,
  renderReplan,
  replanInputs,
} from "../../tasks/replan/mod.ts";

/** Flags of `replan`. */
export interface ReplanCommandOptions {
  pcs: string;
  percentile: Percentile;
  windowMs: number;
  direct?: boolean;
  isl?: number;
  osl?: number;
  totalGpus?: number;
  ttft?: number;
  tpot?: number;
  saveDir?: string;
  fromResults?: string;
  outDir?: string;
  image?: string;
  storePlan?: boolean;
  overwrite?: boolean;
  output: "table" | "json" | "yaml";
}

/** The image of the set's first GPU worker container (kept in the new manifest). */
function workerImage(pcs: PodCliqueSet): string | undefined {
  for (const c of pcs.spec?.template?.cliques ?? []) {
    for (const x of c.spec?.podSpec?.containers ?? []) {
      const gpus = x.resources?.limits?.["nvidia.com/gpu"] ??
        x.resources?.requests?.["nvidia.com/gpu"];
      if (gpus !== undefined && Number(gpus) > 0 && x.image) return x.image;
    }
  }
  return undefined;
}

/** Runs `replan` and prints its report. */
export async function runReplan(ctx: CliContext, o: ReplanCommandOptions): Promise<void> {
  if (o.storePlan && !o.overwrite) {
    throw new UsageError(
      `--store-plan would replace the plan stored for ${o.pcs} (replan starts from it)`,
      "add --overwrite to replace it (the report shows both plans), or store the new plan later with kubectl grove plan store --overwrite",
    );
  }
  if (o.overwrite && !o.storePlan) ctx.warn("--overwrite does nothing without --store-plan");
  const kube = await ctx.kube();
  const namespace = await ctx.namespace();
  const objs = await collectReplan(kube, {
    pcs: o.pcs,
    namespace,
    windowMs: o.windowMs,
    direct: o.direct,
    ...scrapeSettings(ctx),
    signal: ctx.abort.signal,
    progress: (l) => ctx.note(l),
  });
  for (const f of objs.failed) ctx.warn(`pod ${f.pod}: ${f.error}`);
  let observed: ObservedWorkload | null = null;
  if (objs.scrapes.length > 0) {
    observed = observeWorkload(objs.scrapes, { percentile: o.percentile });
  } else if (o.isl === undefined || o.osl === undefined) {
    throw new GroveError(
      `no engine of podcliqueset ${o.pcs} answered a metrics scrape (${objs.failed.length} pods tried)`,
      {
        hint:
          `see why with: kubectl grove metrics ${o.pcs} -n ${namespace}; or give the workload with --isl and --osl`,
      },
    );
  }
  const inputs = replanInputs(
    o.pcs,
    objs.plan,
    observed ?? undefined,
    {
      totalGpus: o.totalGpus,
      isl: o.isl,
      osl: o.osl,
      ttft: o.ttft,
      tpot: o.tpot,
    },
    objs.running.reduce((s, r) => s + (r.role === "frontend" ? 0 : r.workers * r.gpusPerWorker), 0),
  );
  ctx.note(
    `search: ISL ${inputs.isl} (${inputs.from.isl}), OSL ${inputs.osl} (${inputs.from.osl}), ${inputs.totalGpus} GPUs (${inputs.from.totalGpus})`,
  );

  let resultsDir: string;
  let aicVersion: string | undefined;
  let log: string | undefined;
  if (o.fromResults) {
    resultsDir = o.fromResults;
  } else {
    const exe = await findExecutable(
      configString(ctx.config, "aiconfigurator.path"),
      ctx.io.env("PATH"),
    );
    const env = childEnv((k) => ctx.io.env(k));
    aicVersion = await readVersion(exe, { env });
    const saveDir = o.saveDir ?? "./aic-replan";
    await Deno.mkdir(saveDir, { recursive: true }).catch((e) => {
      throw new GroveError(`cannot create --save-dir ${saveDir}: ${(e as Error).message}`);
    });
    const args = buildArgs(aicVersion, {
      model: inputs.model,
      system: inputs.system,
      totalGpus: inputs.totalGpus,
      backend: inputs.backend,
      isl: inputs.isl,
      osl: inputs.osl,
      ttft: inputs.ttftMs,
      tpot: inputs.tpotMs,
      saveDir,
      backendVersion: inputs.backendVersion,
    });
    ctx.note(`running: ${exe} ${args.join(" ")}  (aiconfigurator ${aicVersion})`);
    const run = await runAiconfigurator(exe, args, {
      onLine: (l) => ctx.note(`  aiconfigurator | ${l}`),
      signal: ctx.abort.signal,
      env,
    });
    for (const w of run.warnings) ctx.note(`note: ${w}`);
    resultsDir = run.resultsDir;
    log = run.log;
  }
  const results = await readResultsDir(resultsDir, {
    totalGpus: inputs.totalGpus,
    sla: { ttftMs: inputs.ttftMs, tpotMs: inputs.tpotMs },
    log,
  });
  const mode = inputs.mode;
  if (!results[mode]) {
    const other = mode === "disagg" ? "agg" : "disagg";
    throw new GroveError(
      `no ${mode} configuration of ${inputs.model} on ${inputs.totalGpus} x ${inputs.system} meets TTFT <= ${inputs.ttftMs} ms and TPOT <= ${inputs.tpotMs} ms at ISL ${inputs.isl}, OSL ${inputs.osl}`,
      {
        hint: results[other]
          ? `an ${other} configuration does: a new set is needed for it (kubectl grove generate --from-results ${results.dir}); or relax --ttft/--tpot or raise --total-gpus`
          : "relax --ttft/--tpot or raise --total-gpus",
      },
    );
  }
  const notes = [...results.notes];
  if (results.backend !== inputs.backend) {
    notes.push(`the results model ${results.backend}, the set runs ${inputs.backend}`);
  }
  const proposed: Plan = planFromResults(results, mode, {
    pcs: o.pcs,
    created: new Date().toISOString(),
    aiconfiguratorVersion: aicVersion,
    generator: `kubectl-grove ${VERSION}`,
  });
  const outDir = (o.outDir ?? (o.fromResults ? "." : (o.saveDir ?? "./aic-replan")))
    .replace(/\/+$/, "") || "/";
  await Deno.mkdir(outDir, { recursive: true }).catch((e) => {
    throw new GroveError(`cannot create --out-dir ${outDir}: ${(e as Error).message}`);
  });
  const files: { manifest?: string; plan?: string } = {};
  files.plan = `${outDir}/${o.pcs}.replan.plan.json`;
  await writeOutputFile(files.plan, JSON.stringify(proposed, null, 2) + "\n");
  try {
    const m = buildManifest(results, mode, {
      name: o.pcs,
      namespace,
      image: o.image ?? workerImage(objs.pcs),
      gpusPerNode: results.gpusPerNode,
      backend: inputs.backend,
      plan: proposed,
    });
    files.manifest = `${outDir}/${o.pcs}.replan.yaml`;
    await writeOutputFile(
      files.manifest,
      manifestYaml(m, [
        `New plan for podcliqueset ${o.pcs}: ${inputs.model} on ${inputs.system}, ISL ${inputs.isl}, OSL ${inputs.osl}, generated by kubectl-grove ${VERSION} (replan)`,
        `from AIConfigurator results: ${results.dir}`,
      ]),
    );
  } catch (e) {
    if (!(e instanceof GroveError)) throw e;
    notes.push(`no manifest written: ${e.message}${e.hint ? ` (${e.hint})` : ""}`);
  }
  let planStore: string | undefined;
  if (o.storePlan) {
    try {
      const res = await storePlan(kube, {
        pcs: o.pcs,
        namespace,
        plan: proposed,
        overwrite: o.overwrite,
      });
      planStore = res.action;
      notes.push(...res.notes);
      if (res.previous && res.action === "replaced") {
        ctx.note(`Replaced plan of ${o.pcs}:\n\n${renderPlanBody(res.previous)}`);
      }
    } catch (e) {
      if (e instanceof PlanExistsError && e.previous) {
        ctx.note(`Stored plan of ${o.pcs}:\n\n${renderPlanBody(e.previous)}`);
      }
      throw e;
    }
  }
  const report = buildReplanReport({
    pcs: o.pcs,
    namespace,
    observed,
    inputs,
    stored: objs.plan,
    proposed,
    running: objs.running,
    setReplicas: objs.pcs.spec?.replicas ?? 1,
    resultsDir: results.dir,
    aiconfiguratorVersion: aicVersion,
    files,
    planStore,
    notes,
  });
  if (o.output === "json") return ctx.write(toJson(report));
  if (o.output === "yaml") return ctx.write(toYaml(report));
  ctx.write(renderReplan(report, ctx.style));
}
