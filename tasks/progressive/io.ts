/**
 * The I/O of progressive rollouts: reading the PodCliqueSet's objects (one
 * list per kind), writing the state annotation with a precondition,
 * replacing one batch of units (minAvailable check before, readiness after,
 * failing replacements detected), and scraping the updated pods for gates.
 *
 * @module
 */

import { ApiError, ExitCode, GroveError, isApiStatus } from "../../lib/errors.ts";
import { LabelKeys, partOfSelector } from "../../lib/grove/labels.ts";
import { isPodReady } from "../../lib/grove/relations.ts";
import type { GroveObjects } from "../../lib/grove/snapshot.ts";
import type {
  ClusterTopology,
  ClusterTopologyBinding,
  Node,
  Pod,
  PodClique,
  PodCliqueScalingGroup,
  PodCliqueSet,
} from "../../lib/grove/types.ts";
import { Resources } from "../../lib/kube/resources.ts";
import type { Kube, KubeObject } from "../../lib/kube/types.ts";
import { windowStats } from "../../lib/metrics/snapshot.ts";
import { resolveTopology } from "../../lib/topology/levels.ts";
import { isScrapable, listObjects, scrapeRound } from "../metrics/collect.ts";
import type { PodTarget } from "../metrics/targets.ts";
import { getPcs, listGangs, meanPlacementScore } from "../../lib/change/pcs.ts";
import { writePcsChange } from "../../lib/change/write.ts";
import type { PodWindows } from "./gates.ts";
import { type Constraint, isStablePod, type Unit } from "./plan.ts";
import { type ProgressiveState, withState } from "./state.ts";
import { sleep } from "../../lib/async.ts";

/** The objects of one PodCliqueSet a step needs: the Grove snapshot's fields, and nodes. */
export interface Objects extends Pick<GroveObjects, "podCliques" | "scalingGroups" | "pods"> {
  /** The PodCliqueSet. */
  pcs: PodCliqueSet;
  /** Nodes (empty unless asked for, or when forbidden). */
  nodes: Node[];
}

async function listOr<T extends KubeObject>(p: Promise<{ items: T[] }>): Promise<T[]> {
  try {
    return (await p).items;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 403 || e.status === 404)) return [];
    throw e;
  }
}

/** Lists the PodCliqueSet and its cliques, groups, pods (and nodes when asked), concurrently. */
export async function loadObjects(
  kube: Kube,
  ns: string,
  name: string,
  withNodes: boolean,
): Promise<Objects> {
  const sel = { namespace: ns, labelSelector: partOfSelector(name) };
  const [pcs, cliques, groups, pods, nodes] = await Promise.all([
    getPcs(kube, ns, name),
    kube.list<PodClique>(Resources.podcliques, sel),
    listOr(kube.list<PodCliqueScalingGroup>(Resources.podcliquescalinggroups, sel)),
    kube.list<Pod>(Resources.pods, sel),
    withNodes ? listOr(kube.list<Node>(Resources.nodes, {})) : Promise.resolve([] as Node[]),
  ]);
  return { pcs, podCliques: cliques.items, scalingGroups: groups, pods: pods.items, nodes };
}

/**
 * The node label key of a topology level (`rack`, `zone`, ...): from the
 * ClusterTopologyBinding, else the legacy ClusterTopology, else well-known
 * node labels. An unknown level is an error listing the known ones.
 */
export async function domainKeyOf(kube: Kube, level: string, nodes: Node[]): Promise<string> {
  const [bindings, legacy] = await Promise.all([
    listOr(kube.list<ClusterTopologyBinding>(Resources.clustertopologybindings, {})),
    listOr(kube.list<ClusterTopology>(Resources.clustertopologies, {})),
  ]);
  const t = resolveTopology({ bindings, legacy, nodes });
  const l = t.levels.find((x) => x.domain === level || x.key === level);
  if (!l) {
    throw new GroveError(
      `unknown topology level "${level}": the cluster's levels (${
        t.name ? `${t.source} "${t.name}"` : "from node labels"
      }) are ${t.levels.map((x) => x.domain).join(", ") || "(none)"}`,
      { exitCode: ExitCode.USAGE, hint: "pick one with --domain-level" },
    );
  }
  return l.key;
}

/** Writes the state (undefined removes it), optionally changing the object further; precondition on the read version. */
export async function saveState(
  kube: Kube,
  before: PodCliqueSet,
  state: ProgressiveState | undefined,
  more?: (p: PodCliqueSet) => PodCliqueSet,
): Promise<PodCliqueSet> {
  let next = withState(before, state);
  if (more) next = more(next);
  const res = await writePcsChange(kube, {
    before,
    next,
    historyLimit: 10,
    now: () => new Date(),
    record: false,
  });
  return res.pcs;
}

/** Waiting reasons that mean a replacement will not become ready by itself. */
const FAILING = new Set([
  "ImagePullBackOff",
  "ErrImagePull",
  "InvalidImageName",
  "CrashLoopBackOff",
  "CreateContainerConfigError",
  "CreateContainerError",
  "RunContainerError",
]);

function failing(p: Pod): string | undefined {
  for (const c of p.status?.containerStatuses ?? []) {
    const r = c.state?.waiting?.reason;
    if (r && FAILING.has(r)) return `${p.metadata.name}: ${r}`;
  }
  return undefined;
}

/** A batch whose replacements fail (bad image, crash loop). */
export class BatchFailedError extends GroveError {}

/** Options of {@link replaceBatch}. */
export interface ReplaceOptions {
  /** Poll interval, ms. */
  intervalMs: number;
  /** Max wait for the safety check and for readiness, ms. */
  timeoutMs: number;
  /** Stops waiting (the deleted pods come back by themselves). */
  signal?: AbortSignal;
  /** Called on every poll while waiting (the driver renews its lease). */
  onPoll?: () => Promise<void>;
}

function safeToDelete(objs: Objects, batch: Unit[], constraints: Constraint[]): string | undefined {
  const going = new Set(batch.flatMap((u) => u.pods.map((p) => p.name)));
  for (const c of constraints) {
    if (!batch.some((u) => u.constraint === c.key)) continue;
    const [kind, name] = [c.key.slice(0, c.key.indexOf("/")), c.key.slice(c.key.indexOf("/") + 1)];
    if (kind === "clique") {
      const pods = objs.pods.filter((p) =>
        p.metadata.labels?.[LabelKeys.podClique] === name && !p.metadata.deletionTimestamp
      );
      const ready = pods.filter(isPodReady);
      const left = ready.filter((p) => !going.has(p.metadata.name)).length;
      if (left < c.minAvailable) {
        return `${name}: ${left} ready after the batch < minAvailable ${c.minAvailable}`;
      }
    } else {
      const members = objs.pods.filter((p) =>
        p.metadata.labels?.[LabelKeys.scalingGroup] === name && !p.metadata.deletionTimestamp
      );
      const byReplica = new Map<string, Pod[]>();
      for (const p of members) {
        const j = p.metadata.labels?.[LabelKeys.scalingGroupReplicaIndex] ?? "0";
        byReplica.set(j, [...(byReplica.get(j) ?? []), p]);
      }
      let left = 0;
      for (const pods of byReplica.values()) {
        if (pods.every(isPodReady) && !pods.some((p) => going.has(p.metadata.name))) left++;
      }
      if (left < c.minAvailable) {
        return `${name}: ${left} ready replicas after the batch < minAvailable ${c.minAvailable}`;
      }
    }
  }
  return undefined;
}

/**
 * Replaces one batch: waits until deleting it leaves every constraint at
 * minAvailable, deletes its pods (uid preconditions), then waits until the
 * touched cliques are fully ready again. Returns false when interrupted
 * (the deleted pods come back by themselves; a rerun continues).
 */
export async function replaceBatch(
  kube: Kube,
  ns: string,
  name: string,
  batch: Unit[],
  constraints: Constraint[],
  o: ReplaceOptions,
): Promise<boolean> {
  const start = Date.now();
  for (;;) {
    const objs = await loadObjects(kube, ns, name, false);
    const why = safeToDelete(objs, batch, constraints);
    if (!why) break;
    if (o.signal?.aborted) return false;
    if (Date.now() - start > o.timeoutMs) {
      throw new GroveError(
        `progressive rollout of podcliqueset "${name}": the next batch (${
          batch.map((u) => u.id).join(", ")
        }) would go below minAvailable (${why}) and the pods did not become ready in time`,
        {
          exitCode: ExitCode.TIMEOUT,
          hint:
            `check the pods with: kubectl grove status ${name}; continue with: kubectl grove rollout resume ${name}`,
        },
      );
    }
    await o.onPoll?.();
    await sleep(o.intervalMs, o.signal);
  }
  if (o.signal?.aborted) return false;
  for (const u of batch) {
    for (const p of u.pods) {
      try {
        await kube.delete(Resources.pods, p.name, {
          namespace: ns,
          preconditions: p.uid ? { uid: p.uid } : undefined,
        });
      } catch (e) {
        if (!isApiStatus(e, 404) && !isApiStatus(e, 409)) throw e;
      }
    }
  }
  const deleted = new Set(batch.flatMap((u) => u.pods.map((p) => p.name)));
  const touched = new Set(batch.flatMap((u) => u.pods.map((p) => p.clique)));
  const waitStart = Date.now();
  for (;;) {
    const objs = await loadObjects(kube, ns, name, false);
    let ok = true;
    const bad: string[] = [];
    for (const c of touched) {
      const q = objs.podCliques.find((x) => x.metadata.name === c);
      const pods = objs.pods.filter((p) => p.metadata.labels?.[LabelKeys.podClique] === c);
      if (pods.some((p) => deleted.has(p.metadata.name))) ok = false;
      if (
        pods.filter((p) => isPodReady(p) && !p.metadata.deletionTimestamp).length <
          Number(q?.spec?.replicas ?? 0)
      ) ok = false;
      for (const p of pods) {
        if (deleted.has(p.metadata.name)) continue;
        const f = failing(p);
        if (f) bad.push(f);
      }
    }
    if (ok) return true;
    if (bad.length) {
      throw new BatchFailedError(
        `progressive rollout of podcliqueset "${name}": new pods are failing (${bad.join(", ")})`,
        {
          exitCode: ExitCode.CHECK_FAILED,
          hint: `roll back with: kubectl grove rollout abort ${name}`,
        },
      );
    }
    if (o.signal?.aborted) return false;
    if (Date.now() - waitStart > o.timeoutMs) {
      throw new GroveError(
        `progressive rollout of podcliqueset "${name}": batch (${
          batch.map((u) => u.id).join(", ")
        }) not ready after ${Math.round((Date.now() - waitStart) / 1000)}s`,
        {
          exitCode: ExitCode.TIMEOUT,
          hint:
            `check the new pods with: kubectl grove status ${name}; continue with: kubectl grove rollout resume ${name}, or roll back with: kubectl grove rollout abort ${name}`,
        },
      );
    }
    await o.onPoll?.();
    await sleep(o.intervalMs, o.signal);
  }
}

/** Mean placement score of the PodCliqueSet's gangs (undefined when none reports one). */
export async function placementScore(
  kube: Kube,
  ns: string,
  name: string,
): Promise<number | undefined> {
  return meanPlacementScore(await listGangs(kube, ns, name));
}

/** Scrape settings. */
export interface ScrapeOptions {
  /** Per-scrape timeout, ms. */
  timeoutMs?: number;
  /** Port for pods without a metrics port. */
  fallbackPort?: number;
  /** Stops waiting. */
  signal?: AbortSignal;
}

/** Which pods a scrape covers. */
export type PodFilter = (pod: Pod) => boolean;

/** Scrapes the selected pods twice `windowMs` apart; per-pod window statistics. */
export async function scrapeWindows(
  kube: Kube,
  ns: string,
  name: string,
  select: PodFilter,
  windowMs: number,
  o: ScrapeOptions,
): Promise<{ windows: PodWindows; pods: string[]; failed: string[]; chosen: PodTarget[] }> {
  const objs = await listObjects(kube, { pcs: name, namespace: ns, fallbackPort: o.fallbackPort });
  const chosen = new Set(objs.pods.filter(select).map((p) => p.metadata.name));
  const targets = objs.targets.filter((t) => chosen.has(t.pod) && isScrapable(t));
  const round = {
    timeoutMs: o.timeoutMs ?? 5000,
    direct: false,
    concurrency: 16,
    signal: o.signal,
    clock: Date.now,
  };
  const first = windowMs > 0 ? await scrapeRound(kube, targets, round) : {};
  if (windowMs > 0) await sleep(windowMs, o.signal);
  const second = await scrapeRound(kube, targets, round);
  const windows: PodWindows = {};
  const failed: string[] = [];
  for (const t of targets) {
    const cur = second[t.pod];
    if (!cur?.snapshot) {
      failed.push(`${t.pod}: ${cur?.error ?? "no snapshot"}`);
      continue;
    }
    windows[t.pod] = windowStats(first[t.pod]?.snapshot, cur.snapshot);
  }
  return {
    windows,
    pods: targets.map((t) => t.pod),
    failed,
    chosen: objs.targets.filter((t) => chosen.has(t.pod)),
  };
}

/** Pods of the changed cliques on the new template. */
export function updatedFilter(s: ProgressiveState): PodFilter {
  return (p) =>
    !isStablePod(p, s.stableHashes) &&
    (s.stableHashes[p.metadata.labels?.[LabelKeys.podClique] ?? ""] !== undefined) &&
    s.cliques.some((c) => (p.metadata.labels?.[LabelKeys.podClique] ?? "").endsWith(`-${c}`));
}

/** Pods of the changed cliques still on a stable template. */
export function stableFilter(s: ProgressiveState): PodFilter {
  return (p) =>
    isStablePod(p, s.stableHashes) &&
    s.cliques.some((c) => (p.metadata.labels?.[LabelKeys.podClique] ?? "").endsWith(`-${c}`));
}
