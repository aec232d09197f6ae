/**
 * Plan against reality: the roles of a deployed PodCliqueSet (worker counts,
 * parallel sizes, GPUs) and their differences from a stored plan. Pure.
 *
 * Roles are found by the `grove.io/aic-role` clique label we generate, else
 * by clique name (`prefill`, `decode`, `pleader`/`pworker`, `dleader`/`dworker`,
 * `frontend`/`router`); any other clique with GPUs counts as `worker`.
 * Worker counts come from the live PodCliques and PodCliqueScalingGroups
 * when given (they may have been scaled apart from the template), else from
 * the template.
 *
 * @module
 */

import { podGpus } from "../grove/relations.ts";
import { cliqueName, scalingGroupName } from "../grove/names.ts";
import type {
  PodClique,
  PodCliqueScalingGroup,
  PodCliqueSet,
  PodCliqueTemplateSpec,
} from "../grove/types.ts";
import { modelFromArgs, parallelFromArgs } from "./engines.ts";
import { ROLE_LABEL } from "./manifest.ts";
import { type Plan, planRoles, roleGpus } from "./plan.ts";

/** Role of a deployed clique. */
export type DeployedRoleName = "prefill" | "decode" | "worker" | "frontend";

/** One role of a deployed PodCliqueSet. */
export interface DeployedRole {
  /** Role. */
  role: DeployedRoleName;
  /** Workers over all PCS replicas. */
  workers: number;
  /** GPUs one worker uses (all its pods). */
  gpusPerWorker: number;
  /** Tensor-parallel size from the container arguments. */
  tp?: number;
  /** Pipeline-parallel size from the container arguments. */
  pp?: number;
  /** Data-parallel size from the container arguments. */
  dp?: number;
  /** Model named in the worker's arguments. */
  model?: string;
  /** Clique templates of this role. */
  cliques: string[];
  /** Whether the worker count came from live objects or from the template. */
  countsFrom: "live" | "template";
}

/** Guesses a clique's role from its label or name. */
export function roleOfClique(c: PodCliqueTemplateSpec): DeployedRoleName | undefined {
  const label = c.labels?.[ROLE_LABEL];
  if (label === "prefill" || label === "decode" || label === "worker" || label === "frontend") {
    return label;
  }
  const n = `${c.name} ${c.spec?.roleName ?? ""}`.toLowerCase();
  if (/prefill|^p(leader|worker|ldr|wkr)\b/.test(n)) return "prefill";
  if (/decode|^d(leader|worker|ldr|wkr)\b/.test(n)) return "decode";
  if (/frontend|router|proxy|gateway/.test(n)) return "frontend";
  const gpus = podGpus({ metadata: { name: c.name }, spec: c.spec?.podSpec });
  return gpus > 0 ? "worker" : undefined;
}

function cliqueGpus(c: PodCliqueTemplateSpec): number {
  return podGpus({ metadata: { name: c.name }, spec: c.spec?.podSpec });
}

function cliqueArgs(c: PodCliqueTemplateSpec): string[] {
  const containers = c.spec?.podSpec?.containers ?? [];
  const main =
    containers.find((x) => podGpus({ metadata: { name: "x" }, spec: { containers: [x] } }) > 0) ??
      containers[0];
  return [...(main?.command ?? []), ...(main?.args ?? [])];
}

/**
 * The roles of a deployed PodCliqueSet (frontend included). Live PodCliques
 * and scaling groups (listed by `app.kubernetes.io/part-of=<pcs>`) give the
 * current worker counts.
 */
export function deployedRoles(
  pcs: PodCliqueSet,
  live: { cliques?: PodClique[]; groups?: PodCliqueScalingGroup[] } = {},
): DeployedRole[] {
  const name = pcs.metadata.name;
  const replicas = pcs.spec?.replicas ?? 1;
  const tpl = pcs.spec?.template;
  const cliques = tpl?.cliques ?? [];
  const groups = tpl?.podCliqueScalingGroups ?? [];
  const byName = new Map(cliques.map((c) => [c.name, c]));
  const inGroup = new Set(groups.flatMap((g) => g.cliqueNames ?? []));
  const liveCliques = new Map((live.cliques ?? []).map((c) => [c.metadata.name, c]));
  const liveGroups = new Map((live.groups ?? []).map((g) => [g.metadata.name, g]));
  const out = new Map<DeployedRoleName, DeployedRole>();
  const add = (
    role: DeployedRoleName,
    workers: number,
    gpus: number,
    args: string[],
    clique: string,
    fromLive: boolean,
  ) => {
    const par = parallelFromArgs(args);
    const model = modelFromArgs(args);
    const cur = out.get(role);
    if (cur) {
      cur.workers += workers;
      cur.gpusPerWorker = Math.max(cur.gpusPerWorker, gpus);
      cur.cliques.push(clique);
      cur.tp ??= par.tp;
      cur.pp ??= par.pp;
      cur.dp ??= par.dp;
      cur.model ??= model;
      if (!fromLive) cur.countsFrom = "template";
      return;
    }
    out.set(role, {
      role,
      workers,
      gpusPerWorker: gpus,
      ...par,
      ...(model ? { model } : {}),
      cliques: [clique],
      countsFrom: fromLive ? "live" : "template",
    });
  };
  for (const c of cliques) {
    if (inGroup.has(c.name)) continue;
    const role = roleOfClique(c);
    if (!role) continue;
    let workers = 0;
    let fromLive = live.cliques !== undefined;
    for (let r = 0; r < replicas; r++) {
      const l = liveCliques.get(cliqueName(name, r, c.name));
      if (l) workers += l.spec?.replicas ?? 0;
      else {
        workers += c.spec?.replicas ?? 0;
        fromLive = false;
      }
    }
    add(role, workers, cliqueGpus(c), cliqueArgs(c), c.name, fromLive);
  }
  for (const g of groups) {
    const members = (g.cliqueNames ?? []).map((n) => byName.get(n)).filter((c) =>
      c !== undefined
    ) as PodCliqueTemplateSpec[];
    if (members.length === 0) continue;
    const roles = members.map(roleOfClique).filter((r) => r !== undefined);
    const role = roles.find((r) => r !== "frontend") ?? roles[0] ??
      (roleOfClique({ name: g.name, spec: members[0].spec }) ?? "worker");
    const gpus = members.reduce((s, c) => s + (c.spec?.replicas ?? 0) * cliqueGpus(c), 0);
    let workers = 0;
    let fromLive = live.groups !== undefined;
    for (let r = 0; r < replicas; r++) {
      const l = liveGroups.get(scalingGroupName(name, r, g.name));
      if (l) workers += l.spec?.replicas ?? 0;
      else {
        workers += g.replicas ?? 1;
        fromLive = false;
      }
    }
    const leader = members.find((c) => /ldr|leader/.test(c.name)) ?? members[0];
    add(role as DeployedRoleName, workers, gpus, cliqueArgs(leader), g.name, fromLive);
  }
  return [...out.values()];
}

/** One compared value. */
export interface DriftRow {
  /** Role, or `all`. */
  role: string;
  /** What is compared. */
  field: "workers" | "tp" | "pp" | "dp" | "gpus/worker" | "total gpus" | "model" | "role";
  /** The plan's value (`-` when it does not say). */
  plan: string;
  /** The deployed value (`?` when it cannot be read). */
  deployed: string;
  /** `ok`, `drift`, or `unknown` (one side does not say). */
  status: "ok" | "drift" | "unknown";
}

/** The comparison of a plan with a deployed PodCliqueSet. */
export interface PlanDiff {
  /** One row per compared value. */
  rows: DriftRow[];
  /** True when any row drifted. */
  drift: boolean;
  /** Notes (values we could not read). */
  notes: string[];
}

function cmp(
  role: string,
  field: DriftRow["field"],
  plan: number | string | undefined,
  deployed: number | string | undefined,
): DriftRow {
  const p = plan === undefined ? "-" : String(plan);
  const d = deployed === undefined ? "?" : String(deployed);
  const status = plan === undefined || deployed === undefined
    ? "unknown"
    : plan === deployed
    ? "ok"
    : "drift";
  return { role, field, plan: p, deployed: d, status };
}

/**
 * Compares a plan with the roles of a deployed PodCliqueSet: per role the
 * worker count, TP/PP/DP and GPUs per worker, then the total GPUs and the model.
 */
export function diffPlan(plan: Plan, deployed: DeployedRole[]): PlanDiff {
  const rows: DriftRow[] = [];
  const notes: string[] = [];
  const byRole = new Map(deployed.map((d) => [d.role, d]));
  let planTotal = 0, deployedTotal = 0;
  for (const pr of planRoles(plan)) {
    const d = byRole.get(pr.role);
    planTotal += pr.workers * roleGpus(pr);
    if (!d) {
      rows.push({
        role: pr.role,
        field: "role",
        plan: `${pr.workers} workers`,
        deployed: "missing",
        status: "drift",
      });
      continue;
    }
    deployedTotal += d.workers * d.gpusPerWorker;
    rows.push(cmp(pr.role, "workers", pr.workers, d.workers));
    rows.push(cmp(pr.role, "tp", pr.tp, d.tp));
    if (pr.pp !== undefined || d.pp !== undefined) rows.push(cmp(pr.role, "pp", pr.pp, d.pp));
    if (pr.dp !== undefined || d.dp !== undefined) rows.push(cmp(pr.role, "dp", pr.dp, d.dp));
    rows.push(cmp(pr.role, "gpus/worker", roleGpus(pr), d.gpusPerWorker));
    if (d.tp === undefined) {
      notes.push(
        `${pr.role}: no tensor-parallel flag found in the container arguments of ${
          d.cliques.join(", ")
        }`,
      );
    }
  }
  const planned = new Set(planRoles(plan).map((r) => r.role));
  for (const d of deployed) {
    if (d.role === "frontend" || planned.has(d.role)) continue;
    deployedTotal += d.workers * d.gpusPerWorker;
    rows.push({
      role: d.role,
      field: "role",
      plan: "none",
      deployed: `${d.workers} workers`,
      status: "drift",
    });
  }
  rows.push(cmp("all", "total gpus", planTotal, deployedTotal));
  const model = deployed.find((d) => d.model)?.model;
  rows.push(cmp("all", "model", plan.model, model));
  return { rows, drift: rows.some((r) => r.status === "drift"), notes };
}
