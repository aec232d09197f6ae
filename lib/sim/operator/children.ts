/**
 * Replicas for the operator simulation: create and delete a set's scaling
 * groups, cliques, gangs and pods so they match its expansion, finish
 * deletions (pods first, then finalizers), and tear down a deleted set.
 *
 * @module
 */

import { LabelKeys } from "../../grove/labels.ts";
import type { Pod, PodCliqueSet } from "../../grove/types.ts";
import type { KubeObject } from "../../kube/types.ts";
import type { DesiredClique, Expansion } from "../expansion.ts";
import { targetHash } from "./hashes.ts";
import { buildClique, buildGang, buildGroup, buildPod } from "./objects.ts";
import { gangNode } from "./scheduler.ts";
import { childrenOf, deletePod, keyOf, podIndex, put, R } from "./store_ops.ts";
import type { OperatorContext, PcsState } from "./types.ts";

/** Creates missing scaling groups and deletes unwanted ones. */
export function syncGroups(
  ctx: OperatorContext,
  pcs: PodCliqueSet,
  want: Expansion,
  groups: KubeObject[],
): void {
  const ns = pcs.metadata.namespace ?? "";
  const name = pcs.metadata.name;
  const wantGroups = new Map(want.groups.map((g) => [g.name, g]));
  for (const g of want.groups) {
    if (!groups.some((x) => x.metadata.name === g.name)) {
      ctx.store.create(R.podcliquescalinggroups, buildGroup(pcs, g));
      ctx.log({ action: "create-group", namespace: ns, name: g.name, pcs: name });
    }
  }
  for (const g of groups) {
    if (!wantGroups.has(g.metadata.name) && !g.metadata.deletionTimestamp) {
      ctx.store.delete(R.podcliquescalinggroups, ns, g.metadata.name);
      ctx.log({ action: "delete-group", namespace: ns, name: g.metadata.name, pcs: name });
    }
  }
}

/**
 * Creates missing cliques, keeps existing ones on the template's pod spec and
 * hash, deletes unwanted ones and finishes clique deletions (their pods
 * first, then the finalizers). Returns true when it created a clique.
 */
export function syncCliques(
  ctx: OperatorContext,
  pcs: PodCliqueSet,
  s: PcsState,
  want: Expansion,
  wantCliques: Map<string, DesiredClique>,
): boolean {
  const ns = pcs.metadata.namespace ?? "";
  const name = pcs.metadata.name;
  let work = false;
  const groups = childrenOf(ctx.store, R.podcliquescalinggroups, ns, name);
  const groupUid = new Map(groups.map((g) => [g.metadata.name, g.metadata.uid ?? ""]));
  const pclqs = childrenOf(ctx.store, R.podcliques, ns, name);
  for (const d of want.cliques) {
    const cur = pclqs.find((x) => x.metadata.name === d.name);
    const h = targetHash(s, d.name, d.template);
    if (!cur) {
      const owner = d.group ? groupUid.get(d.group) ?? "" : pcs.metadata.uid ?? "";
      ctx.store.create(R.podcliques, buildClique(pcs, d, owner, h));
      ctx.log({ action: "create-clique", namespace: ns, name: d.name, pcs: name });
      work = true;
    } else if (!cur.metadata.deletionTimestamp) {
      const next = structuredClone(cur);
      next.spec = { ...next.spec, podSpec: structuredClone(d.template.spec?.podSpec) };
      next.metadata.labels = { ...next.metadata.labels, [LabelKeys.podTemplateHash]: h };
      put(ctx.store, R.podcliques, cur, next);
    }
  }
  for (const q of pclqs) {
    if (!wantCliques.has(q.metadata.name) && !q.metadata.deletionTimestamp) {
      ctx.store.delete(R.podcliques, ns, q.metadata.name);
      ctx.log({ action: "delete-clique", namespace: ns, name: q.metadata.name, pcs: name });
    }
  }
  // finish deletions: pods first, then the finalizers
  const pods = childrenOf(ctx.store, R.pods, ns, name) as Pod[];
  for (const q of childrenOf(ctx.store, R.podcliques, ns, name)) {
    if (!q.metadata.deletionTimestamp) continue;
    for (
      const p of pods.filter((p) => p.metadata.labels?.[LabelKeys.podClique] === q.metadata.name)
    ) {
      deletePod(ctx, name, p, s);
    }
    const cur = ctx.store.get(R.podcliques, ns, q.metadata.name);
    if (cur?.metadata.finalizers?.length) {
      const next = structuredClone(cur);
      next.metadata.finalizers = [];
      put(ctx.store, R.podcliques, cur, next);
    }
  }
  return work;
}

/** Creates missing PodGangs and deletes unwanted ones. */
export function syncGangs(
  ctx: OperatorContext,
  pcs: PodCliqueSet,
  want: Expansion,
  wantCliques: Map<string, DesiredClique>,
): void {
  const ns = pcs.metadata.namespace ?? "";
  const gangs = childrenOf(ctx.store, R.podgangs, ns, pcs.metadata.name);
  const minOf = (c: string) => {
    const d = wantCliques.get(c);
    return d?.template.spec?.minAvailable ?? d?.template.spec?.replicas ?? 1;
  };
  for (const [g, cl] of want.gangs) {
    if (!gangs.some((x) => x.metadata.name === g)) {
      ctx.store.create(R.podgangs, buildGang(pcs, g, cl, minOf));
    }
  }
  for (const g of gangs) {
    if (!want.gangs.has(g.metadata.name)) ctx.store.delete(R.podgangs, ns, g.metadata.name);
  }
}

/**
 * Fills up and trims each clique's pods to its replicas. A replacement goes
 * back to the node its predecessor left; a new pod goes where there is room,
 * near its clique's (or gang's) other pods; no room: Unschedulable. Returns
 * true when it created or deleted a pod.
 */
export function syncPods(
  ctx: OperatorContext,
  ns: string,
  name: string,
  s: PcsState,
  pclqs: KubeObject[],
  pods: Pod[],
  wantCliques: Map<string, DesiredClique>,
  t: number,
): boolean {
  let work = false;
  const podsOf = (q: string) => pods.filter((p) => p.metadata.labels?.[LabelKeys.podClique] === q);
  for (const q of pclqs) {
    const d = wantCliques.get(q.metadata.name);
    if (!d) continue;
    const h = targetHash(s, q.metadata.name, d.template);
    const mine = podsOf(q.metadata.name);
    const replicas = Number(q.spec?.replicas ?? 0);
    if (mine.length > replicas) {
      const extra = [...mine].sort((a, b) => podIndex(b) - podIndex(a)).slice(
        0,
        mine.length - replicas,
      );
      for (const p of extra) deletePod(ctx, name, p, s);
      work = true;
    } else if (mine.length < replicas) {
      const used = new Set(mine.map(podIndex));
      const sibling = mine.find((p) => p.spec.nodeName)?.spec.nodeName;
      for (let i = 0, made = mine.length; made < replicas; i++) {
        if (used.has(i)) continue;
        const left = s.vacated.get(`${q.metadata.name}/${i}`);
        const near = left ?? sibling ?? gangNode(pods, q);
        const req = ctx.scheduler.requiredPack(q);
        const node = left && ctx.scheduler.fits(q.spec?.podSpec, left)
          ? left
          : ctx.scheduler.pickNode(q.spec?.podSpec, near, req);
        const built = buildPod(name, q, i, h, node, t);
        const created = ctx.store.create(
          R.pods,
          node ? built : ctx.scheduler.unschedulable(built, t, ctx.scheduler.scopeOf(near, req)),
        ) as Pod;
        if (node) ctx.readyAt.set(keyOf(created), t + ctx.readyDelayMs);
        else ctx.unplaced.add(keyOf(created));
        ctx.log({
          action: "create-pod",
          namespace: ns,
          name: created.metadata.name,
          pcs: name,
          hash: h,
        });
        made++;
      }
      work = true;
    }
  }
  return work;
}

/** A set being deleted: delete its children, then drop the finalizers so it goes. */
export function finalize(ctx: OperatorContext, pcs: PodCliqueSet): void {
  const store = ctx.store;
  const ns = pcs.metadata.namespace ?? "";
  const name = pcs.metadata.name;
  for (const r of [R.pods, R.podgangs, R.podcliques, R.podcliquescalinggroups]) {
    for (const o of childrenOf(store, r, ns, name)) {
      const cur = store.get(r, ns, o.metadata.name);
      if (!cur) continue;
      if (cur.metadata.finalizers?.length) {
        const next = structuredClone(cur);
        next.metadata.finalizers = [];
        put(store, r, cur, next);
      }
      if (store.get(r, ns, o.metadata.name)) store.delete(r, ns, o.metadata.name);
    }
  }
  const cur = store.get(R.podcliquesets, ns, name);
  if (cur?.metadata.finalizers?.length) {
    const next = structuredClone(cur);
    next.metadata.finalizers = [];
    put(store, R.podcliquesets, cur, next);
  }
  ctx.states.delete(keyOf(pcs));
}
