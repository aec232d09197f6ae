/**
 * Limits of a scale request that hold whatever the GPUs say: a hard limit on replicas (a
 * usage error, so an absurd value never builds a plan), a ceiling that needs `--force`, and
 * the CPU and memory that pods without GPUs request against what the schedulable nodes have
 * free. Pure.
 *
 * @module
 */

import { UsageError } from "../../lib/errors.ts";
import {
  isNodeCordoned,
  isNodeReady,
  isPodTerminated,
  parseQuantity,
  podRequest,
} from "../../lib/grove/relations.ts";
import type { Node, Pod, PodCliqueSet, PodSpec } from "../../lib/grove/types.ts";
import type { ScalableRole } from "./roles.ts";

/** Replicas of one role (or of the set) a request may never ask for. */
export const HARD_REPLICAS_LIMIT = 10_000;
/** Replicas of one role above which a scale-up needs `--force`, whatever the resources. */
export const ROLE_REPLICAS_CEILING = 512;
/** Replicas of the whole set above which a scale-up needs `--force`. */
export const SET_REPLICAS_CEILING = 64;

/** Throws a usage error for a target no cluster could hold (before any plan is built). */
export function checkHardLimits(
  name: string,
  targets: Iterable<[ScalableRole, number]>,
  setReplicas?: number,
  replicas?: number,
): void {
  const over = [...targets].filter(([, n]) => n > HARD_REPLICAS_LIMIT);
  if (setReplicas !== undefined && setReplicas > HARD_REPLICAS_LIMIT) {
    throw new UsageError(
      `--set-replicas=${setReplicas} for podcliqueset "${name}" is above the limit of ${HARD_REPLICAS_LIMIT}`,
      "give a count a cluster can hold",
    );
  }
  if (over.length) {
    throw new UsageError(
      `${replicas !== undefined ? `--replicas=${replicas} gives ` : ""}${
        over.map(([r, n]) => replicas !== undefined ? `${r.role} ${n}` : `--${r.role}=${n}`)
          .join(", ")
      } for podcliqueset "${name}": above the limit of ${HARD_REPLICAS_LIMIT} replicas per role`,
      "give a count a cluster can hold",
    );
  }
}

/** Refusals (overridable with `--force`) for targets above the ceilings. */
export function ceilingRefusals(
  targets: Iterable<[ScalableRole, number]>,
  setReplicas?: { current: number; target: number },
): string[] {
  const out: string[] = [];
  for (const [r, n] of targets) {
    if (n > r.current && n > ROLE_REPLICAS_CEILING) {
      out.push(
        `role ${r.role}: ${n} replicas is above the ceiling of ${ROLE_REPLICAS_CEILING} per role (now ${r.current}); pass --force if you mean it`,
      );
    }
  }
  if (
    setReplicas && setReplicas.target > setReplicas.current &&
    setReplicas.target > SET_REPLICAS_CEILING
  ) {
    out.push(
      `${setReplicas.target} set replicas is above the ceiling of ${SET_REPLICAS_CEILING} (now ${setReplicas.current}); pass --force if you mean it`,
    );
  }
  return out;
}

function specRequest(spec: PodSpec | undefined, resource: string): number {
  return spec ? podRequest({ metadata: { name: "" }, spec } as Pod, resource) : 0;
}

/** CPU and memory free on schedulable nodes (allocatable minus what running pods request). */
export function freeCpuMemory(nodes: Node[], pods: Pod[]): { cpu: number; memory: number } {
  const usable = new Set(
    nodes.filter((n) => isNodeReady(n) && !isNodeCordoned(n)).map((n) => n.metadata.name),
  );
  let cpu = 0;
  let memory = 0;
  for (const n of nodes) {
    if (!usable.has(n.metadata.name)) continue;
    cpu += parseQuantity(n.status?.allocatable?.cpu) ?? 0;
    memory += parseQuantity(n.status?.allocatable?.memory) ?? 0;
  }
  for (const p of pods) {
    if (isPodTerminated(p) || !p.spec?.nodeName || !usable.has(p.spec.nodeName)) continue;
    cpu -= podRequest(p, "cpu");
    memory -= podRequest(p, "memory");
  }
  return { cpu: Math.max(0, cpu), memory: Math.max(0, memory) };
}

/**
 * One refusal per role whose new pods request more CPU or memory than the schedulable nodes
 * have free in total: "role frontend: 999999 new pods do not fit: they request 999999 CPU,
 * 24 are free". Roles are taken in order, each counted after the ones before it. Nodes that
 * do not report allocatable CPU or memory are not judged.
 */
export function resourceRefusals(
  pcs: PodCliqueSet,
  added: Array<{ role: ScalableRole; pods: number }>,
  nodes: Node[],
  pods: Pod[],
): string[] {
  if (!nodes.some((n) => n.status?.allocatable?.cpu !== undefined)) return [];
  const free = freeCpuMemory(nodes, pods);
  const out: string[] = [];
  const cliques = pcs.spec?.template?.cliques ?? [];
  for (const { role, pods: n } of added) {
    if (n <= 0) continue;
    const specs = role.kind === "clique"
      ? [{ spec: cliques.find((c) => c.name === role.template)?.spec?.podSpec, per: 1 }]
      : role.members.map((m) => ({
        spec: cliques.find((c) => c.name === m.clique)?.spec?.podSpec,
        per: m.replicas / Math.max(1, role.podsPerUnit),
      }));
    const cpuEach = specs.reduce((s, x) => s + specRequest(x.spec, "cpu") * x.per, 0);
    const memEach = specs.reduce((s, x) => s + specRequest(x.spec, "memory") * x.per, 0);
    const fitCpu = cpuEach > 0 ? Math.floor(free.cpu / cpuEach) : Infinity;
    const fitMem = memEach > 0 ? Math.floor(free.memory / memEach) : Infinity;
    const fit = Math.min(fitCpu, fitMem, n);
    if (fit < n) {
      const what = fitCpu <= fitMem
        ? `each requests ${fmtCpu(cpuEach)} CPU, ${fmtCpu(free.cpu)} CPU is free`
        : `each requests ${fmtBytes(memEach)} memory, ${fmtBytes(free.memory)} is free`;
      out.push(
        `role ${role.role}: ${
          n - fit
        } of ${n} new pods do not fit: ${what} on the schedulable nodes`,
      );
    }
    free.cpu -= Math.min(fit, n) * cpuEach;
    free.memory -= Math.min(fit, n) * memEach;
  }
  return out;
}

function fmtCpu(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, "");
}

function fmtBytes(n: number): string {
  const gi = n / 2 ** 30;
  return gi >= 1 ? `${fmtCpu(Math.round(gi * 10) / 10)}Gi` : `${Math.round(n / 2 ** 20)}Mi`;
}
