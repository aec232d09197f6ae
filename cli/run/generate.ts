/**
 * `kubectl grove generate`: runs AIConfigurator (or reads its results),
 * writes a disaggregated and an aggregated PodCliqueSet manifest plus their
 * plan.json files, optionally stores the plans and validates the manifests
 * with the server's dry run, and prints what to do next. Progress goes to
 * stderr.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { writeOutputFile } from "./shared.ts";
import { configString } from "../../lib/config.ts";
import { buildManifest, defaultName, manifestYaml } from "../../lib/aic/manifest.ts";
import { type Plan, planFromResults } from "../../lib/aic/plan.ts";
import { type Backend, BACKENDS, readResultsDir, type ServingMode } from "../../lib/aic/results.ts";
import {
  buildArgs,
  childEnv as aicChildEnv,
  findExecutable,
  readVersion,
  runAiconfigurator,
} from "../../lib/aic/runner.ts";
import { ApiError, GroveError, UsageError } from "../../lib/errors.ts";
import { Resources } from "../../lib/kube/resources.ts";
import { printOutput } from "../print.ts";
import { VERSION } from "../../lib/version.ts";
import { PlanExistsError, renderPlanBody, storePlan } from "../../tasks/plan/mod.ts";
import {
  buildGenerateReport,
  type GenerateReport,
  renderGenerate,
} from "../../tasks/generate/mod.ts";

/** Flags of `generate`. */
export interface GenerateCommandOptions {
  model?: string;
  system?: string;
  totalGpus?: number;
  backend?: string;
  backendVersion?: string;
  isl: number;
  osl: number;
  ttft: number;
  tpot: number;
  saveDir?: string;
  fromResults?: string;
  outDir?: string;
  name?: string;
  image?: string;
  gpusPerNode?: number;
  storePlan?: boolean;
  overwrite?: boolean;
  validate?: boolean;
  output: "table" | "json" | "yaml";
}

/** Checks the flags a search needs; a usage error lists what is missing. */
export function checkSearchFlags(o: GenerateCommandOptions): void {
  if (o.fromResults) return;
  const missing = [
    ["--model", o.model],
    ["--system", o.system],
    ["--total-gpus", o.totalGpus],
  ].filter(([, v]) => v === undefined || v === "").map(([f]) => f);
  if (missing.length) {
    throw new UsageError(
      `missing ${missing.join(", ")}: a search needs the model, the GPU system and the GPU count`,
      "e.g. kubectl grove generate --model Qwen/Qwen3-32B --system h200_sxm --total-gpus 16, or pass --from-results <dir>",
    );
  }
}

function resolveBackend(ctx: CliContext, flag?: string): Backend {
  const b = flag ?? configString(ctx.config, "aiconfigurator.default_backend") ?? "sglang";
  if (!(BACKENDS as readonly string[]).includes(b)) {
    throw new UsageError(`unsupported backend "${b}"`, `use one of: ${BACKENDS.join(", ")}`);
  }
  return b as Backend;
}

/** Runs `generate` and prints its report. */
export async function runGenerate(ctx: CliContext, o: GenerateCommandOptions): Promise<void> {
  checkSearchFlags(o);
  let resultsDir: string;
  let aicVersion: string | undefined;
  let log: string | undefined;
  if (o.fromResults) {
    resultsDir = o.fromResults;
    for (
      const [f, v] of [["--model", o.model], ["--system", o.system], ["--save-dir", o.saveDir]]
    ) {
      if (v !== undefined) ctx.warn(`${f} is ignored with --from-results`);
    }
  } else {
    const backend = resolveBackend(ctx, o.backend);
    const exe = await findExecutable(
      configString(ctx.config, "aiconfigurator.path"),
      ctx.io.env("PATH"),
    );
    aicVersion = await readVersion(exe, { env: childEnv(ctx) });
    const saveDir = o.saveDir ?? "./aic-results";
    await Deno.mkdir(saveDir, { recursive: true }).catch((e) => {
      throw new GroveError(`cannot create --save-dir ${saveDir}: ${(e as Error).message}`);
    });
    const args = buildArgs(aicVersion, {
      model: o.model!,
      system: o.system!,
      totalGpus: o.totalGpus!,
      backend,
      isl: o.isl,
      osl: o.osl,
      ttft: o.ttft,
      tpot: o.tpot,
      saveDir,
      backendVersion: o.backendVersion,
    });
    ctx.note(`running: ${exe} ${args.join(" ")}  (aiconfigurator ${aicVersion})`);
    const run = await runAiconfigurator(exe, args, {
      onLine: (l) => ctx.note(`  aiconfigurator | ${l}`),
      signal: ctx.abort.signal,
      env: childEnv(ctx),
    });
    resultsDir = run.resultsDir;
    log = run.log;
    for (const w of run.warnings) ctx.note(`note: ${w}`);
  }
  const results = await readResultsDir(resultsDir, {
    totalGpus: o.totalGpus,
    sla: o.fromResults ? undefined : { ttftMs: o.ttft, tpotMs: o.tpot },
    log,
  });
  const backend = o.backend ? resolveBackend(ctx, o.backend) : (
    (BACKENDS as readonly string[]).includes(results.backend)
      ? results.backend as Backend
      : resolveBackend(ctx, undefined)
  );
  const notes: string[] = [];
  if (backend !== results.backend) {
    notes.push(
      `the search modelled ${results.backend}${
        results.backendVersion ? ` ${results.backendVersion}` : ""
      }; the manifests run ${backend}, so expect different performance`,
    );
  }
  const outDir = o.outDir ?? (o.fromResults ? "." : (o.saveDir ?? "./aic-results"));
  await Deno.mkdir(outDir, { recursive: true }).catch((e) => {
    throw new GroveError(`cannot create --out-dir ${outDir}: ${(e as Error).message}`);
  });
  const base = o.name ?? defaultName(results.model);
  const namespace = ctx.globals.namespace;
  const gpusPerNode = o.gpusPerNode ?? results.gpusPerNode ?? 8;
  const created = new Date().toISOString();
  // nothing is overwritten silently: every file this run would write is checked first
  const targets = (["disagg", "agg"] as const).filter((m) => results[m]).flatMap((m) => [
    `${outDir.replace(/\/+$/, "")}/${base}-${m}.yaml`,
    `${outDir.replace(/\/+$/, "")}/${base}-${m}.plan.json`,
  ]);
  const existing = [];
  for (const f of targets) {
    if (await Deno.lstat(f).then(() => true, () => false)) existing.push(f);
  }
  if (existing.length && !o.overwrite) {
    throw new GroveError(
      `refusing to overwrite ${existing.join(", ")}: ${
        existing.length === 1 ? "it exists" : "they exist"
      }; nothing was written`,
      { hint: "pass --overwrite to replace them, or choose another --out-dir or --name" },
    );
  }
  const files: GenerateReportFiles = {};
  const plans: Partial<Record<ServingMode, Plan>> = {};
  const manifests: Partial<Record<ServingMode, ReturnType<typeof buildManifest>>> = {};
  for (const mode of ["disagg", "agg"] as const) {
    if (!results[mode]) continue;
    const pcs = `${base}-${mode}`;
    const plan = planFromResults(results, mode, {
      pcs,
      created,
      aiconfiguratorVersion: aicVersion,
      generator: `kubectl-grove ${VERSION}`,
    });
    const pcsObj = buildManifest(results, mode, {
      name: pcs,
      namespace,
      image: o.image,
      gpusPerNode,
      backend,
      plan,
    });
    const file = `${outDir.replace(/\/+$/, "")}/${pcs}.yaml`;
    const planFile = `${outDir.replace(/\/+$/, "")}/${pcs}.plan.json`;
    await writeOutputFile(
      file,
      manifestYaml(pcsObj, [
        `${
          mode === "disagg" ? "Disaggregated" : "Aggregated"
        } serving of ${results.model} on ${results.system}, generated by kubectl-grove ${VERSION}`,
        `from AIConfigurator results: ${results.dir}`,
        `apply: kubectl apply -f ${file}; keep the plan: kubectl grove plan store ${pcs} -f ${file}`,
      ]),
    );
    await writeOutputFile(planFile, JSON.stringify(plan, null, 2) + "\n");
    files[mode] = { pcs, file, planFile };
    plans[mode] = plan;
    manifests[mode] = pcsObj;
  }
  if (o.validate) {
    const kube = await ctx.kube();
    const ns = await ctx.namespace();
    for (const [mode, m] of Object.entries(manifests)) {
      try {
        await kube.create(Resources.podcliquesets, {
          ...m!,
          metadata: { ...m!.metadata, namespace: ns },
        }, {
          namespace: ns,
          dryRun: true,
        });
        notes.push(`${mode}: the server accepted the manifest (dry run, namespace ${ns})`);
      } catch (e) {
        if (e instanceof ApiError && e.status === 409) {
          notes.push(`${mode}: podcliqueset ${m!.metadata.name} already exists in namespace ${ns}`);
          continue;
        }
        throw e;
      }
    }
  }
  const stored: Partial<Record<ServingMode, "created" | "replaced" | "unchanged">> = {};
  if (o.storePlan) {
    const kube = await ctx.kube();
    const ns = await ctx.namespace();
    const entries = Object.entries(plans) as [ServingMode, Plan][];
    // Check every plan first, so a refusal leaves nothing half-stored.
    for (const [mode, plan] of entries) {
      try {
        await storePlan(kube, {
          pcs: files[mode]!.pcs,
          namespace: ns,
          plan,
          overwrite: o.overwrite,
          dryRun: true,
        });
      } catch (e) {
        if (e instanceof PlanExistsError && e.previous) {
          ctx.note(`Stored plan of ${files[mode]!.pcs}:\n\n${renderPlanBody(e.previous)}`);
        }
        throw e;
      }
    }
    for (const [mode, plan] of entries) {
      const res = await storePlan(kube, {
        pcs: files[mode]!.pcs,
        namespace: ns,
        plan,
        overwrite: o.overwrite,
      });
      stored[mode] = res.action as "created" | "replaced" | "unchanged";
      notes.push(...res.notes);
    }
  }
  const report = buildGenerateReport(results, {
    backend,
    gpusPerNode,
    files,
    aiconfiguratorVersion: aicVersion,
    namespace,
    stored,
    notes,
  });
  print(ctx, report, o.output);
}

type GenerateReportFiles = Partial<
  Record<ServingMode, { pcs: string; file: string; planFile: string }>
>;

function childEnv(ctx: CliContext): Record<string, string> {
  return aicChildEnv((k) => ctx.io.env(k));
}

function print(ctx: CliContext, r: GenerateReport, output: GenerateCommandOptions["output"]) {
  printOutput(ctx, r, output, () => renderGenerate(r, ctx.style));
}
