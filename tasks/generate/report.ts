/**
 * The `generate` report: what AIConfigurator recommended per serving mode,
 * which files were written and what to run next. Pure.
 *
 * @module
 */

import { layoutRole } from "../../lib/aic/manifest.ts";
import type { AicResults, ServingMode } from "../../lib/aic/results.ts";
import { REPORT_API_VERSION } from "../../lib/render/output.ts";
import { mpiSshSecretName } from "../../lib/aic/engines.ts";

/** One role of a generated manifest. */
export interface GeneratedRole {
  role: "prefill" | "decode" | "worker";
  workers: number;
  tp: number;
  pp: number;
  dp: number;
  gpusPerWorker: number;
  /** Nodes (pods) one worker spans; >1 means a scaling group per worker. */
  nodesPerWorker: number;
  gpusPerPod: number;
}

/** One generated manifest. */
export interface GeneratedMode {
  mode: ServingMode;
  /** PodCliqueSet name. */
  pcs: string;
  /** Manifest file written. */
  file: string;
  /** plan.json file written. */
  planFile: string;
  /** The mode with the higher throughput per GPU. */
  best: boolean;
  roles: GeneratedRole[];
  totalGpus: number;
  throughputPerGpu: number;
  throughputPerUser: number;
  ttftMs: number;
  tpotMs: number;
  /** Undefined when the SLA is not known. */
  slaMet?: boolean;
  /** What happened to the plan ConfigMap with --store-plan. */
  storedPlan?: "created" | "replaced" | "unchanged";
}

/** What `generate` did. */
export interface GenerateReport {
  apiVersion: string;
  kind: "GenerateReport";
  model: string;
  system: string;
  backend: string;
  backendVersion?: string;
  aiconfiguratorVersion?: string;
  isl: number;
  osl: number;
  sla?: { ttftMs: number; tpotMs: number };
  totalGpus: number;
  resultsDir: string;
  namespace?: string;
  modes: GeneratedMode[];
  /** disagg throughput per GPU over agg's, when both exist. */
  disaggSpeedup?: number;
  notes: string[];
  /** Commands to run next. */
  next: string[];
}

/** Inputs of {@link buildGenerateReport} besides the results. */
export interface GenerateReportInput {
  /** Backend the manifests use. */
  backend: string;
  /** GPUs per node used for the layout. */
  gpusPerNode: number;
  /** Per mode: PCS name, manifest and plan file paths. */
  files: Partial<Record<ServingMode, { pcs: string; file: string; planFile: string }>>;
  /** aiconfigurator version, when we ran it. */
  aiconfiguratorVersion?: string;
  /** Namespace for the next commands (when given with -n). */
  namespace?: string;
  /** Plans stored with --store-plan. */
  stored?: Partial<Record<ServingMode, "created" | "replaced" | "unchanged">>;
  /** Extra notes. */
  notes?: string[];
}

/** Quotes a path for a shell command line when needed. */
function sh(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/** Builds the report (pure). */
export function buildGenerateReport(r: AicResults, i: GenerateReportInput): GenerateReport {
  const modes: GeneratedMode[] = [];
  for (const mode of ["disagg", "agg"] as const) {
    const m = r[mode];
    const f = i.files[mode];
    if (!m || !f) continue;
    const plans = mode === "disagg"
      ? [["prefill", m.prefill!], ["decode", m.decode!]] as const
      : [["worker", m.worker!]] as const;
    const roles = plans.map(([role, p]) => {
      const lay = layoutRole(role, p, i.gpusPerNode);
      return {
        role,
        workers: p.workers,
        tp: p.tp,
        pp: p.pp,
        dp: p.dp,
        gpusPerWorker: p.gpusPerWorker,
        nodesPerWorker: lay.nodes,
        gpusPerPod: lay.gpusPerPod,
      };
    });
    modes.push({
      mode,
      pcs: f.pcs,
      file: f.file,
      planFile: f.planFile,
      best: r.best === mode,
      roles,
      totalGpus: m.totalGpusUsed,
      throughputPerGpu: m.throughputPerGpu,
      throughputPerUser: m.throughputPerUser,
      ttftMs: m.ttftMs,
      tpotMs: m.tpotMs,
      ...(m.slaMet === undefined ? {} : { slaMet: m.slaMet }),
      ...(i.stored?.[mode] ? { storedPlan: i.stored[mode] } : {}),
    });
  }
  const ns = i.namespace ? ` -n ${sh(i.namespace)}` : "";
  const ordered = [...modes].sort((a, b) => Number(b.best) - Number(a.best));
  const next: string[] = [];
  // A TensorRT-LLM worker across nodes needs its SSH key pair Secret before it starts.
  for (const m of ordered) {
    if (i.backend !== "trtllm" || !m.roles.some((x) => x.nodesPerWorker > 1)) continue;
    const secret = mpiSshSecretName(m.pcs);
    next.push(
      `ssh-keygen -q -t ed25519 -N '' -f ${secret} && kubectl create secret generic ${secret} --from-file=private.key=${secret} --from-file=private.key.pub=${secret}.pub${ns}`,
    );
  }
  for (const m of ordered) next.push(`kubectl apply -f ${sh(m.file)}${ns}`);
  for (const m of ordered) {
    if (!m.storedPlan) next.push(`kubectl grove plan store ${m.pcs} -f ${sh(m.file)}${ns}`);
  }
  if (ordered[0]) next.push(`kubectl grove plan diff ${ordered[0].pcs}${ns}`);
  const speedup = r.disagg && r.agg && r.agg.throughputPerGpu > 0
    ? Math.round(r.disagg.throughputPerGpu / r.agg.throughputPerGpu * 100) / 100
    : undefined;
  return {
    apiVersion: REPORT_API_VERSION,
    kind: "GenerateReport",
    model: r.model,
    system: r.system,
    backend: i.backend,
    // the version belongs to the backend the search modelled; only say it of the manifests' one
    ...(r.backendVersion && r.backend === i.backend ? { backendVersion: r.backendVersion } : {}),
    ...(i.aiconfiguratorVersion ? { aiconfiguratorVersion: i.aiconfiguratorVersion } : {}),
    isl: r.isl,
    osl: r.osl,
    ...(r.sla ? { sla: r.sla } : {}),
    totalGpus: r.totalGpus,
    resultsDir: r.dir,
    ...(i.namespace ? { namespace: i.namespace } : {}),
    modes,
    ...(speedup !== undefined ? { disaggSpeedup: speedup } : {}),
    notes: [...r.notes, ...(i.notes ?? [])],
    next,
  };
}
