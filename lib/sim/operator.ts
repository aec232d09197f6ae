/**
 * The operator simulation: what the Grove operator does to a PodCliqueSet,
 * reacting to changes in the simulated cluster's store, so rollouts and
 * scaling can be exercised end to end.
 *
 * - A template change rolls the set to a new pod-template-hash the way Grove's
 *   RollingRecreate does: set replicas one after the other; inside a replica
 *   standalone cliques one pod at a time (oldest first), then scaling groups
 *   one group replica at a time (its cliques together); the next step waits
 *   until every pod of the replica is Ready, and at least `stepMs` after the
 *   previous one.
 * - OnDelete: nothing is deleted; a pod deleted by someone comes back on the
 *   new template (pod by pod, as progressive rollouts drive it).
 * - Replica changes (PCS, PodClique or PCSG `/scale`) create and delete
 *   cliques, scaling groups, gangs and pods consistently.
 * - Scheduling: a replacement pod goes back to the node its predecessor left
 *   (when it still has room); a new pod goes to a Ready node with free GPUs
 *   for it, near its clique's (or gang's) other pods and inside the domain of
 *   the gang's required pack constraint. No such node: Pending with
 *   `PodScheduled=False Unschedulable`, bound as soon as room appears.
 * - New pods become Ready after `readyDelayMs` (unless their image matches
 *   `badImages`: then they stay in ImagePullBackOff).
 * - Status: PCS `updatedReplicas`, `availableReplicas`, `currentGenerationHash`,
 *   `updateProgress`; PodClique counts, hashes, `updateProgress` and
 *   MinAvailableBreached; PCSG counts; PodGang phase.
 *
 * Existing objects are adopted as they are: the pods of a loaded scenario
 * keep their hashes until the template actually changes.
 *
 * @module
 */

import { LabelKeys } from "../grove/labels.ts";
import { gpusAllocatedByNode, isPodReady, nodeGpus, podGpus } from "../grove/relations.ts";
import type { Node, Pod, PodCliqueSet, PodCliqueTemplateSpec } from "../grove/types.ts";
import { Resources } from "../kube/resources.ts";
import type { KubeObject } from "../kube/types.ts";
import { stableHash, stableStringify } from "../revisions/hash.ts";
import {
  breachCondition,
  buildClique,
  buildGang,
  buildGroup,
  buildPod,
  desiredChildren,
  type DesiredClique,
  podTemplateContent,
  readyPod,
  rfc3339,
  setCondition,
} from "./operator_objects.ts";
import type { SimStore, StoreEvent } from "./store.ts";

/** Options of the operator simulation. */
export interface OperatorOptions {
  /** Minimum time between two rolling steps of one PodCliqueSet, ms (default 1000). */
  stepMs?: number;
  /** Time a new pod takes to become Ready, ms (default 2000). */
  readyDelayMs?: number;
  /** Loop interval, ms (default a quarter of the smaller of the two, at least 5). */
  tickMs?: number;
  /** Images (exact or RegExp) whose pods never become Ready (ImagePullBackOff). */
  badImages?: (string | RegExp)[];
  /** The clock (default `Date.now`). */
  now?: () => number;
}

/** One thing the operator did (for tests and progressive-rollout checks). */
export interface OperatorAction {
  /** When (ms). */
  at: number;
  /** What. */
  action:
    | "create-pod"
    | "delete-pod"
    | "pod-ready"
    | "create-clique"
    | "delete-clique"
    | "create-group"
    | "delete-group";
  /** Namespace. */
  namespace: string;
  /** Object name (pods: the clique's name when the pod name is generated later). */
  name: string;
  /** PodCliqueSet. */
  pcs: string;
  /** pod-template-hash, for pods. */
  hash?: string;
}

/** A running operator simulation. */
export interface SimOperator {
  /** Stops the loop and the store subscription. */
  stop(): void;
  /** Runs one pass over every PodCliqueSet that has work now. */
  reconcileNow(): void;
  /** Everything it did, oldest first. */
  readonly actions: readonly OperatorAction[];
}

interface PcsState {
  /** Per PodClique: pod template content -> pod-template-hash. */
  hashes: Map<string, Map<string, string>>;
  /** Template content -> generation hash. */
  gens: Map<string, string>;
  lastStepAt: number;
  /** Node freed by a deleted pod, per `<clique>/<index>`. */
  vacated: Map<string, string>;
}

const R = Resources;

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ""}/${o.metadata.name}`;
}

function partOf(o: KubeObject): string | undefined {
  return o.metadata.labels?.[LabelKeys.partOf];
}

function podIndex(p: KubeObject): number {
  const v = p.metadata.labels?.[LabelKeys.podIndex];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : -1;
}

function imageBad(pod: Pod, bad: (string | RegExp)[]): boolean {
  return (pod.spec.containers ?? []).some((c) =>
    c.image !== undefined &&
    bad.some((b) => (typeof b === "string" ? b === c.image : b.test(c.image!)))
  );
}

function badPod(pod: Pod, nowMs: number): Pod {
  const p = structuredClone(pod);
  p.status = {
    ...p.status,
    phase: "Pending",
    containerStatuses: (p.spec.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image,
      ready: false,
      restartCount: 0,
      state: {
        waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${c.image}"` },
      },
    })),
    startTime: rfc3339(nowMs),
  };
  return p;
}

/**
 * Starts the operator simulation over a store.
 *
 * @example
 * ```ts ignore
 * import { SimStore } from "./store.ts";
 * import { startOperator } from "./operator.ts";
 * const store = new SimStore();
 * const op = startOperator(store, { stepMs: 20, readyDelayMs: 30 });
 * // ... change a PodCliqueSet's template in the store and watch the pods roll
 * op.stop();
 * ```
 */
export function startOperator(store: SimStore, opts: OperatorOptions = {}): SimOperator {
  const stepMs = opts.stepMs ?? 1000;
  const readyDelayMs = opts.readyDelayMs ?? 2000;
  const tickMs = opts.tickMs ?? Math.max(5, Math.floor(Math.min(stepMs, readyDelayMs) / 4));
  const now = opts.now ?? Date.now;
  const bad = opts.badImages ?? [];
  const actions: OperatorAction[] = [];
  const states = new Map<string, PcsState>();
  const active = new Set<string>();
  /** Pods waiting to become Ready: key -> ready-at (ms). */
  const readyAt = new Map<string, number>();
  let busy = false;
  let stopped = false;

  const log = (a: Omit<OperatorAction, "at">) => {
    actions.push({ at: now(), ...a });
    if (actions.length > 10_000) actions.splice(0, actions.length - 10_000);
  };

  const onEvent = (e: StoreEvent) => {
    if (busy) return;
    const o = e.object;
    if (e.resource === R.podcliquesets) active.add(keyOf(o));
    else {
      const pcs = partOf(o);
      if (pcs) active.add(`${o.metadata.namespace ?? ""}/${pcs}`);
    }
  };
  const unsubscribe = store.subscribe(onEvent);
  for (const p of store.list(R.podcliquesets)) active.add(keyOf(p));

  // ---- reading -------------------------------------------------------------

  const childrenOf = (r: typeof R[keyof typeof R], ns: string, pcs: string) =>
    store.list(r, ns).filter((o) => partOf(o) === pcs);

  function stateOf(pcs: PodCliqueSet, pclqs: KubeObject[]): PcsState {
    const k = keyOf(pcs);
    let s = states.get(k);
    if (s) return s;
    s = { hashes: new Map(), gens: new Map(), lastStepAt: 0, vacated: new Map() };
    const tpl = pcs.spec?.template;
    // The recorded generation hash belongs to the template only once the operator has observed it.
    if (
      pcs.status?.currentGenerationHash &&
      pcs.status.observedGeneration === pcs.metadata.generation
    ) {
      s.gens.set(stableStringify(tpl), pcs.status.currentGenerationHash);
    }
    const byName = new Map((tpl?.cliques ?? []).map((c) => [c.name, c]));
    for (const q of pclqs) {
      const t = templateOfClique(pcs, q, byName);
      if (!t) continue;
      const liveContent = podTemplateContent({
        ...t,
        spec: { ...t.spec, podSpec: q.spec?.podSpec },
      });
      const hash = q.status?.updateProgress?.podTemplateHash ?? q.status?.currentPodTemplateHash ??
        q.metadata.labels?.[LabelKeys.podTemplateHash];
      if (hash) s.hashes.set(q.metadata.name, new Map([[liveContent, hash]]));
    }
    states.set(k, s);
    return s;
  }

  function templateOfClique(
    pcs: PodCliqueSet,
    q: KubeObject,
    byName: Map<string, PodCliqueTemplateSpec>,
  ): PodCliqueTemplateSpec | undefined {
    const full = q.metadata.name;
    const prefix = `${pcs.metadata.name}-`;
    if (!full.startsWith(prefix)) return undefined;
    for (const [n, t] of byName) if (full.endsWith(`-${n}`)) return t;
    return undefined;
  }

  function targetHash(s: PcsState, clique: string, t: PodCliqueTemplateSpec): string {
    const content = podTemplateContent(t);
    let m = s.hashes.get(clique);
    if (!m) s.hashes.set(clique, m = new Map());
    let h = m.get(content);
    if (!h) {
      h = stableHash(`${clique}\n${content}`).slice(0, 10);
      m.set(content, h);
    }
    return h;
  }

  function genHash(s: PcsState, pcs: PodCliqueSet): string {
    const c = stableStringify(pcs.spec?.template);
    let h = s.gens.get(c);
    if (!h) {
      h = stableHash(pcs.spec?.template).slice(0, 10);
      s.gens.set(c, h);
    }
    return h;
  }

  // ---- writing (only when something differs) -------------------------------

  function put(r: typeof R[keyof typeof R], cur: KubeObject, next: KubeObject): KubeObject {
    if (JSON.stringify(cur) === JSON.stringify(next)) return cur;
    const copy = structuredClone(next);
    delete copy.metadata.resourceVersion;
    return store.replace(r, copy, { checkResourceVersion: false });
  }

  function deletePod(pcs: string, pod: KubeObject, s: PcsState): void {
    if (pod.spec?.nodeName) {
      s.vacated.set(
        `${pod.metadata.labels?.[LabelKeys.podClique]}/${podIndex(pod)}`,
        pod.spec.nodeName,
      );
    }
    readyAt.delete(keyOf(pod));
    if (store.get(R.pods, pod.metadata.namespace, pod.metadata.name)) {
      store.delete(R.pods, pod.metadata.namespace, pod.metadata.name);
      log({
        action: "delete-pod",
        namespace: pod.metadata.namespace ?? "",
        name: pod.metadata.name,
        pcs,
        hash: pod.metadata.labels?.[LabelKeys.podTemplateHash],
      });
    }
  }

  /** GPUs a pod with this spec asks for. */
  function specGpus(podSpec: unknown): number {
    return podGpus({ metadata: { name: "" }, spec: podSpec } as Pod);
  }

  /** Pods this operator created that no node had room for yet (retried every pass). */
  const unplaced = new Set<string>();

  /** GPUs in use per node, from every scheduled pod now. */
  function gpuUse(): Map<string, number> {
    return gpusAllocatedByNode(
      (store.list(R.pods) as Pod[]).filter((p) => !p.metadata.deletionTimestamp),
    );
  }

  /**
   * A node for a new pod, like a scheduler would pick it: the first Ready,
   * schedulable node (GPU nodes for GPU pods) with room for the pod's GPUs,
   * trying `near` first, then the nodes sharing most topology labels with
   * it, then the others round-robin. None has room: undefined (Pending).
   */
  let rr = 0;
  function pickNode(podSpec: unknown, near?: string, required?: string): string | undefined {
    const need = specGpus(podSpec);
    const wantsGpu = need > 0 || JSON.stringify(podSpec ?? {}).includes("nvidia.com/gpu");
    let nodes = (store.list(R.nodes) as Node[]).filter((n) =>
      !n.spec?.unschedulable &&
      (n.status?.conditions ?? []).some((c: { type: string; status: string }) =>
        c.type === "Ready" && c.status === "True"
      ) &&
      (!wantsGpu || nodeGpus(n) > 0)
    );
    const home = near ? nodes.find((n) => n.metadata.name === near) : undefined;
    // The gang's required pack constraint: only nodes in the domain of its other pods.
    const domain = required ? home?.metadata.labels?.[required] : undefined;
    if (domain !== undefined) {
      nodes = nodes.filter((n) => n.metadata.labels?.[required!] === domain);
    }
    if (!nodes.length) return undefined;
    const start = rr++ % nodes.length;
    const ordered = [...nodes.slice(start), ...nodes.slice(0, start)];
    if (home) {
      const topo = (n: Node) =>
        Object.entries(n.metadata.labels ?? {}).filter(([k]) => k.startsWith("topology."));
      const shared = (n: Node) =>
        n === home ? Infinity : topo(n).filter(([k, v]) => home.metadata.labels?.[k] === v).length;
      ordered.sort((a, b) => shared(b) - shared(a));
    }
    if (need === 0) return ordered[0].metadata.name;
    const use = gpuUse();
    return ordered.find((n) => nodeGpus(n) - (use.get(n.metadata.name) ?? 0) >= need)?.metadata
      .name;
  }

  /** True when `node` has room for the GPUs of a pod with this spec. */
  function fits(podSpec: unknown, node: string): boolean {
    const need = specGpus(podSpec);
    if (need === 0) return true;
    const n = store.get(R.nodes, undefined, node) as Node | undefined;
    return n !== undefined && nodeGpus(n) - (gpuUse().get(node) ?? 0) >= need;
  }

  /** The node label key of the required pack constraint of a pod's PodGang (its group's, else the gang's). */
  function requiredPack(o: KubeObject): string | undefined {
    const gang = o.metadata.labels?.[LabelKeys.podGang];
    if (!gang) return undefined;
    const g = store.get(R.podgangs, o.metadata.namespace, gang);
    const clique = o.metadata.labels?.[LabelKeys.podClique] ?? o.metadata.name;
    const group = (g?.spec?.podgroups ?? []).find((x: { name?: string }) => x.name === clique);
    return group?.topologyConstraint?.packConstraint?.required ??
      g?.spec?.topologyConstraint?.packConstraint?.required;
  }

  /** Where a pod may go under its gang's required pack constraint, for messages. */
  function scopeOf(near: string | undefined, required: string | undefined): string {
    if (!near || !required) return "";
    const v = (store.get(R.nodes, undefined, near) as Node | undefined)?.metadata.labels
      ?.[required];
    return v === undefined ? "" : ` in ${required}=${v} (the gang's required pack domain)`;
  }

  /** The node of a scheduled pod of the same gang as `clique`, to place its first pod near. */
  function gangNode(pods: Pod[], clique: KubeObject): string | undefined {
    const gang = clique.metadata.labels?.[LabelKeys.podGang];
    return gang === undefined
      ? undefined
      : pods.find((p) => p.spec.nodeName && p.metadata.labels?.[LabelKeys.podGang] === gang)?.spec
        .nodeName;
  }

  /** Marks a pod Unschedulable (no node had room) the way kube-scheduler reports it. */
  function unschedulable(pod: Pod, nowMs: number, scope: string): Pod {
    const p = structuredClone(pod);
    const need = podGpus(p);
    p.status = {
      ...p.status,
      phase: "Pending",
      conditions: [
        ...(p.status?.conditions ?? []).filter((c) => c.type !== "PodScheduled"),
        {
          type: "PodScheduled",
          status: "False",
          reason: "Unschedulable",
          message: `0/${store.list(R.nodes).length} nodes are available: ${
            need > 0 ? `insufficient nvidia.com/gpu (needs ${need})` : "no schedulable node"
          }${scope}.`,
          lastTransitionTime: rfc3339(nowMs),
        },
      ],
    };
    return p;
  }

  /** Binds a pending pod to a node (PodScheduled True). */
  function bind(pod: Pod, node: string, nowMs: number): Pod {
    const p = structuredClone(pod);
    p.spec.nodeName = node;
    p.status = {
      ...p.status,
      conditions: [
        ...(p.status?.conditions ?? []).filter((c) => c.type !== "PodScheduled"),
        { type: "PodScheduled", status: "True", lastTransitionTime: rfc3339(nowMs) },
      ],
    };
    return p;
  }

  /** A set being deleted: delete its children, then drop the finalizers so it goes. */
  function finalize(pcs: PodCliqueSet): void {
    const ns = pcs.metadata.namespace ?? "";
    const name = pcs.metadata.name;
    for (const r of [R.pods, R.podgangs, R.podcliques, R.podcliquescalinggroups]) {
      for (const o of childrenOf(r, ns, name)) {
        const cur = store.get(r, ns, o.metadata.name);
        if (!cur) continue;
        if (cur.metadata.finalizers?.length) {
          const next = structuredClone(cur);
          next.metadata.finalizers = [];
          put(r, cur, next);
        }
        if (store.get(r, ns, o.metadata.name)) store.delete(r, ns, o.metadata.name);
      }
    }
    const cur = store.get(R.podcliquesets, ns, name);
    if (cur?.metadata.finalizers?.length) {
      const next = structuredClone(cur);
      next.metadata.finalizers = [];
      put(R.podcliquesets, cur, next);
    }
    states.delete(keyOf(pcs));
  }

  // ---- one PodCliqueSet ----------------------------------------------------

  /** Reconciles one set; returns true while it still has work. */
  function reconcile(key: string): boolean {
    const [ns, name] = key.split("/");
    const pcs = store.get(R.podcliquesets, ns, name) as PodCliqueSet | undefined;
    if (!pcs) {
      states.delete(key);
      return false;
    }
    if (pcs.metadata.deletionTimestamp) {
      finalize(pcs);
      return false;
    }
    const t = now();
    let pclqs = childrenOf(R.podcliques, ns, name);
    const s = stateOf(pcs, pclqs);
    let groups = childrenOf(R.podcliquescalinggroups, ns, name);
    const liveGroupReplicas = new Map(
      groups.filter((g) => !g.metadata.deletionTimestamp).map((
        g,
      ) => [g.metadata.name, Number(g.spec?.replicas ?? 1)]),
    );
    const want = desiredChildren(pcs, liveGroupReplicas);
    const gen = genHash(s, pcs);
    const onDelete = pcs.spec?.updateStrategy?.type === "OnDelete";
    let work = false;

    // scaling groups
    const wantGroups = new Map(want.groups.map((g) => [g.name, g]));
    for (const g of want.groups) {
      if (!groups.some((x) => x.metadata.name === g.name)) {
        store.create(R.podcliquescalinggroups, buildGroup(pcs, g));
        log({ action: "create-group", namespace: ns, name: g.name, pcs: name });
      }
    }
    for (const g of groups) {
      if (!wantGroups.has(g.metadata.name) && !g.metadata.deletionTimestamp) {
        store.delete(R.podcliquescalinggroups, ns, g.metadata.name);
        log({ action: "delete-group", namespace: ns, name: g.metadata.name, pcs: name });
      }
    }
    groups = childrenOf(R.podcliquescalinggroups, ns, name);
    const groupUid = new Map(groups.map((g) => [g.metadata.name, g.metadata.uid ?? ""]));

    // cliques
    pclqs = childrenOf(R.podcliques, ns, name);
    const wantCliques = new Map(want.cliques.map((c) => [c.name, c]));
    for (const d of want.cliques) {
      const cur = pclqs.find((x) => x.metadata.name === d.name);
      const h = targetHash(s, d.name, d.template);
      if (!cur) {
        const owner = d.group ? groupUid.get(d.group) ?? "" : pcs.metadata.uid ?? "";
        store.create(R.podcliques, buildClique(pcs, d, owner, h));
        log({ action: "create-clique", namespace: ns, name: d.name, pcs: name });
        work = true;
      } else if (!cur.metadata.deletionTimestamp) {
        const next = structuredClone(cur);
        next.spec = { ...next.spec, podSpec: structuredClone(d.template.spec?.podSpec) };
        next.metadata.labels = { ...next.metadata.labels, [LabelKeys.podTemplateHash]: h };
        put(R.podcliques, cur, next);
      }
    }
    for (const q of pclqs) {
      if (!wantCliques.has(q.metadata.name) && !q.metadata.deletionTimestamp) {
        store.delete(R.podcliques, ns, q.metadata.name);
        log({ action: "delete-clique", namespace: ns, name: q.metadata.name, pcs: name });
      }
    }
    // finish deletions: pods first, then the finalizers
    let pods = childrenOf(R.pods, ns, name) as Pod[];
    for (const q of childrenOf(R.podcliques, ns, name)) {
      if (!q.metadata.deletionTimestamp) continue;
      for (
        const p of pods.filter((p) => p.metadata.labels?.[LabelKeys.podClique] === q.metadata.name)
      ) {
        deletePod(name, p, s);
      }
      const cur = store.get(R.podcliques, ns, q.metadata.name);
      if (cur?.metadata.finalizers?.length) {
        const next = structuredClone(cur);
        next.metadata.finalizers = [];
        put(R.podcliques, cur, next);
      }
    }
    pclqs = childrenOf(R.podcliques, ns, name).filter((q) => !q.metadata.deletionTimestamp);
    pods = (childrenOf(R.pods, ns, name) as Pod[]).filter((p) => !p.metadata.deletionTimestamp);

    // gangs
    const gangs = childrenOf(R.podgangs, ns, name);
    const minOf = (c: string) => {
      const d = wantCliques.get(c);
      return d?.template.spec?.minAvailable ?? d?.template.spec?.replicas ?? 1;
    };
    for (const [g, cl] of want.gangs) {
      if (!gangs.some((x) => x.metadata.name === g)) {
        store.create(R.podgangs, buildGang(pcs, g, cl, minOf));
      }
    }
    for (const g of gangs) {
      if (!want.gangs.has(g.metadata.name)) store.delete(R.podgangs, ns, g.metadata.name);
    }

    // pods: fill up and trim to each clique's replicas
    const podsOf = (q: string) =>
      pods.filter((p) => p.metadata.labels?.[LabelKeys.podClique] === q);
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
        for (const p of extra) deletePod(name, p, s);
        work = true;
      } else if (mine.length < replicas) {
        const used = new Set(mine.map(podIndex));
        const sibling = mine.find((p) => p.spec.nodeName)?.spec.nodeName;
        for (let i = 0, made = mine.length; made < replicas; i++) {
          if (used.has(i)) continue;
          // A replacement goes back to the node its predecessor left; a new
          // pod goes where there is room, near its clique's other pods.
          const left = s.vacated.get(`${q.metadata.name}/${i}`);
          const near = left ?? sibling ?? gangNode(pods, q);
          const req = requiredPack(q);
          const node = left && fits(q.spec?.podSpec, left)
            ? left
            : pickNode(q.spec?.podSpec, near, req);
          const built = buildPod(name, q, i, h, node, t);
          const created = store.create(
            R.pods,
            node ? built : unschedulable(built, t, scopeOf(near, req)),
          ) as Pod;
          if (node) readyAt.set(keyOf(created), t + readyDelayMs);
          else unplaced.add(keyOf(created));
          log({
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
    pods = (childrenOf(R.pods, ns, name) as Pod[]).filter((p) => !p.metadata.deletionTimestamp);

    // scheduling: pods no node had room for get one when room appears
    for (const p of pods) {
      if (p.spec.nodeName || !unplaced.has(keyOf(p))) continue;
      const near = pods.find((x) =>
        x.spec.nodeName && x.metadata.labels?.[LabelKeys.podClique] ===
          p.metadata.labels?.[LabelKeys.podClique]
      )?.spec.nodeName;
      const node = pickNode(p.spec, near ?? gangNode(pods, p), requiredPack(p));
      if (!node) continue;
      put(R.pods, p, bind(p, node, t));
      unplaced.delete(keyOf(p));
      readyAt.set(keyOf(p), t + readyDelayMs);
      work = true;
    }
    for (const k of [...unplaced]) {
      if (!pods.some((p) => keyOf(p) === k) && k.startsWith(`${ns}/${name}-`)) unplaced.delete(k);
    }
    pods = (childrenOf(R.pods, ns, name) as Pod[]).filter((p) => !p.metadata.deletionTimestamp);

    // readiness: pods that are starting become Ready after the delay
    for (const p of pods) {
      if (isPodReady(p) || !p.spec.nodeName) continue;
      const k = keyOf(p);
      // Only starting pods come up: not ones that run but fail probes or crash-loop.
      const starting = readyAt.has(k) || (p.status?.phase ?? "Pending") === "Pending" &&
          (p.status?.containerStatuses ?? []).every((c) =>
            !c.state?.waiting?.reason ||
            ["ContainerCreating", "PodInitializing"].includes(c.state.waiting.reason)
          );
      if (!starting) continue;
      if (imageBad(p, bad)) {
        if (p.status?.containerStatuses?.[0]?.state?.waiting?.reason !== "ImagePullBackOff") {
          put(R.pods, p, badPod(p, t));
        }
        readyAt.delete(k);
        continue;
      }
      if (!readyAt.has(k)) readyAt.set(k, t + readyDelayMs);
      if (readyAt.get(k)! <= t) {
        put(R.pods, p, readyPod(p, t));
        readyAt.delete(k);
        log({
          action: "pod-ready",
          namespace: ns,
          name: p.metadata.name,
          pcs: name,
          hash: p.metadata.labels?.[LabelKeys.podTemplateHash],
        });
      } else work = true;
    }
    pods = (childrenOf(R.pods, ns, name) as Pod[]).filter((p) => !p.metadata.deletionTimestamp);

    // rolling recreate
    const hashOf = (q: string) => {
      const d = wantCliques.get(q);
      return d ? targetHash(s, q, d.template) : undefined;
    };
    const outdated = (p: Pod) => {
      const q = p.metadata.labels?.[LabelKeys.podClique];
      return q !== undefined && hashOf(q) !== undefined &&
        p.metadata.labels?.[LabelKeys.podTemplateHash] !== hashOf(q);
    };
    const replicaOf = (p: KubeObject) =>
      Number(p.metadata.labels?.[LabelKeys.pcsReplicaIndex] ?? 0);
    const stale = pods.filter(outdated);
    let updatingReplica: number | undefined;
    if (stale.length && !onDelete) {
      updatingReplica = Math.min(...stale.map(replicaOf));
      const inReplica = pods.filter((p) => replicaOf(p) === updatingReplica);
      const allReady = inReplica.every(isPodReady);
      const cliquesFull = pclqs.filter((q) => replicaOf(q) === updatingReplica).every((q) =>
        podsOf(q.metadata.name).length >= Number(q.spec?.replicas ?? 0)
      );
      // Unhealthy pods on an old template go first (they cost no availability).
      const unhealthy = stale.filter((p) => replicaOf(p) === updatingReplica && !isPodReady(p));
      if (unhealthy.length) {
        work = true;
        if (t - s.lastStepAt >= stepMs) {
          deletePod(name, unhealthy[0], s);
          s.lastStepAt = t;
        }
      } // Blocked on pods that may never become ready (crash loops): wait for an event instead.
      else if (allReady && cliquesFull) work = true;
      if (!unhealthy.length && allReady && cliquesFull && t - s.lastStepAt >= stepMs) {
        const ordered = want.cliques.filter((d) => d.replica === updatingReplica);
        const standalone = ordered.filter((d) => !d.group);
        let victims: Pod[] = [];
        for (const d of standalone) {
          const old = stale.filter((p) => p.metadata.labels?.[LabelKeys.podClique] === d.name)
            .sort((a, b) =>
              (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? "")
            );
          if (old.length) {
            victims = [old[0]];
            break;
          }
        }
        if (!victims.length) {
          const members = ordered.filter((d) => d.group) as (DesiredClique & { group: string })[];
          const units = [...new Set(members.map((d) => `${d.group}\n${d.groupReplica}`))];
          for (const u of units) {
            const names = members.filter((d) => `${d.group}\n${d.groupReplica}` === u).map((d) =>
              d.name
            );
            if (stale.some((p) => names.includes(p.metadata.labels?.[LabelKeys.podClique] ?? ""))) {
              victims = pods.filter((p) =>
                names.includes(p.metadata.labels?.[LabelKeys.podClique] ?? "")
              );
              break;
            }
          }
        }
        for (const v of victims) deletePod(name, v, s);
        if (victims.length) s.lastStepAt = t;
      }
    }
    if (pods.some((p) => readyAt.has(keyOf(p)) || unplaced.has(keyOf(p)))) work = true;

    writeStatus(pcs, s, gen, onDelete, updatingReplica, t);
    return work;
  }

  function writeStatus(
    pcs: PodCliqueSet,
    s: PcsState,
    gen: string,
    onDelete: boolean,
    updatingReplica: number | undefined,
    t: number,
  ): void {
    const ns = pcs.metadata.namespace ?? "";
    const name = pcs.metadata.name;
    const pclqs = childrenOf(R.podcliques, ns, name).filter((q) => !q.metadata.deletionTimestamp);
    const pods = (childrenOf(R.pods, ns, name) as Pod[]).filter((p) =>
      !p.metadata.deletionTimestamp
    );
    const byName = new Map((pcs.spec?.template?.cliques ?? []).map((c) => [c.name, c]));
    const cliqueDone = new Map<string, boolean>();
    const cliqueBreached = new Map<string, boolean>();
    for (const q of pclqs) {
      const tpl = templateOfClique(pcs, q, byName);
      const h = tpl ? targetHash(s, q.metadata.name, tpl) : q.status?.currentPodTemplateHash;
      const mine = pods.filter((p) => p.metadata.labels?.[LabelKeys.podClique] === q.metadata.name);
      const ready = mine.filter(isPodReady).length;
      const updated = mine.filter((p) =>
        p.metadata.labels?.[LabelKeys.podTemplateHash] === h
      ).length;
      const min = Number(q.spec?.minAvailable ?? q.spec?.replicas ?? 0);
      const done = updated === mine.length && mine.length >= Number(q.spec?.replicas ?? 0) &&
        mine.every(isPodReady);
      cliqueDone.set(q.metadata.name, done);
      cliqueBreached.set(q.metadata.name, ready < min);
      const st = { ...(q.status ?? {}) };
      const prevHash = st.currentPodTemplateHash;
      st.observedGeneration = q.metadata.generation;
      st.replicas = mine.length;
      st.readyReplicas = ready;
      st.updatedReplicas = updated;
      st.scheduledReplicas = mine.filter((p) => p.spec.nodeName).length;
      st.scheduleGatedReplicas =
        mine.filter((p) => (p.spec.schedulingGates?.length ?? 0) > 0).length;
      const pending = st.updateProgress && !st.updateProgress.updateEndedAt;
      if (h && (prevHash !== h || (pending && st.updateProgress?.podTemplateHash !== h))) {
        // a new target (or back to the current one after an abandoned update)
        const up = st.updateProgress?.podTemplateHash === h ? st.updateProgress : {
          updateStartedAt: rfc3339(t),
          podCliqueSetGenerationHash: gen,
          podTemplateHash: h,
        };
        st.updateProgress = done ? { ...up, updateEndedAt: up.updateEndedAt ?? rfc3339(t) } : up;
        if (done) {
          st.currentPodTemplateHash = h;
          st.currentPodCliqueSetGenerationHash = gen;
        }
      } else if (done) st.currentPodCliqueSetGenerationHash = gen;
      st.conditions = setCondition(
        st.conditions,
        breachCondition(ready, min, q.metadata.generation),
        t,
      );
      put(R.podcliques, q, { ...q, status: st });
    }
    // scaling groups
    for (const g of childrenOf(R.podcliquescalinggroups, ns, name)) {
      if (g.metadata.deletionTimestamp) continue;
      const members = pclqs.filter((q) =>
        q.metadata.labels?.[LabelKeys.scalingGroup] === g.metadata.name
      );
      const byReplica = new Map<string, KubeObject[]>();
      for (const q of members) {
        const j = q.metadata.labels?.[LabelKeys.scalingGroupReplicaIndex] ?? "0";
        byReplica.set(j, [...(byReplica.get(j) ?? []), q]);
      }
      const reps = [...byReplica.values()];
      const st = {
        ...(g.status ?? {}),
        observedGeneration: g.metadata.generation,
        replicas: reps.length,
        updatedReplicas: reps.filter((qs) =>
          qs.every((q) => cliqueDone.get(q.metadata.name))
        ).length,
        availableReplicas:
          reps.filter((qs) => qs.every((q) => !cliqueBreached.get(q.metadata.name))).length,
        scheduledReplicas: reps.length,
      };
      put(R.podcliquescalinggroups, g, { ...g, status: st });
    }
    // gangs
    for (const g of childrenOf(R.podgangs, ns, name)) {
      const mine = pods.filter((p) => p.metadata.labels?.[LabelKeys.podGang] === g.metadata.name);
      const phase = mine.length && mine.every(isPodReady)
        ? "Running"
        : mine.some((p) => p.spec.nodeName)
        ? "Starting"
        : "Pending";
      if (g.status?.phase !== phase) {
        put(R.podgangs, g, { ...g, status: { ...(g.status ?? {}), phase } });
      }
    }
    // the set
    const cur = store.get(R.podcliquesets, ns, name) as PodCliqueSet | undefined;
    if (!cur) return;
    const replicas = cur.spec?.replicas ?? 0;
    const st = { ...(cur.status ?? {}) } as NonNullable<PodCliqueSet["status"]>;
    const replicaOf = (q: KubeObject) =>
      Number(q.metadata.labels?.[LabelKeys.pcsReplicaIndex] ?? 0);
    let updatedReplicas = 0;
    let available = 0;
    for (let r = 0; r < replicas; r++) {
      const qs = pclqs.filter((q) => replicaOf(q) === r);
      if (qs.length && qs.every((q) => cliqueDone.get(q.metadata.name))) updatedReplicas++;
      if (qs.length && qs.every((q) => !cliqueBreached.get(q.metadata.name))) available++;
    }
    const standalone = pclqs.filter((q) => !q.metadata.labels?.[LabelKeys.scalingGroup]);
    const groupNames = [
      ...new Set(
        pclqs.map((q) => q.metadata.labels?.[LabelKeys.scalingGroup]).filter((x): x is string =>
          !!x
        ),
      ),
    ];
    const allDone = pclqs.every((q) => cliqueDone.get(q.metadata.name)) &&
      updatedReplicas === replicas;
    const started = st.currentGenerationHash !== gen || !st.updateProgress?.updateStartedAt
      ? rfc3339(t)
      : st.updateProgress.updateStartedAt;
    const newRollout = st.currentGenerationHash !== gen;
    st.observedGeneration = cur.metadata.generation;
    st.replicas = replicas;
    st.updatedReplicas = updatedReplicas;
    st.availableReplicas = available;
    if (newRollout || st.updateProgress) {
      const prev = newRollout ? {} : (st.updateProgress ?? {});
      const up: NonNullable<typeof st.updateProgress> = {
        ...prev,
        updateStartedAt: started,
        updatedPodCliquesCount: standalone.filter((q) => cliqueDone.get(q.metadata.name)).length,
        totalPodCliquesCount: standalone.length,
        updatedPodCliqueScalingGroupsCount: groupNames.filter((g) =>
          pclqs.filter((q) =>
            q.metadata.labels?.[LabelKeys.scalingGroup] === g
          ).every((q) => cliqueDone.get(q.metadata.name))
        ).length,
        totalPodCliqueScalingGroupsCount: groupNames.length,
      };
      if (onDelete) {
        up.updateEndedAt = up.updateStartedAt;
        delete up.currentlyUpdating;
      } else if (allDone) {
        up.updateEndedAt = prev.updateEndedAt && !newRollout ? prev.updateEndedAt : rfc3339(t);
        delete up.currentlyUpdating;
      } else {
        delete up.updateEndedAt;
        if (updatingReplica !== undefined) {
          const was = prev.currentlyUpdating?.find((c) =>
            c.replicaIndex === updatingReplica
          );
          up.currentlyUpdating = [{
            replicaIndex: updatingReplica,
            updateStartedAt: was?.updateStartedAt ?? rfc3339(t),
          }];
        }
      }
      st.updateProgress = up;
    }
    st.currentGenerationHash = gen;
    st.conditions = setCondition(st.conditions, {
      type: "UpdateInProgress",
      status: allDone || onDelete ? "False" : "True",
      reason: allDone || onDelete ? "UpdateComplete" : "UpdateInProgress",
      message: allDone || onDelete
        ? "PodCliqueSet is at generation hash " + gen
        : "PodCliqueSet is being updated to generation hash " + gen,
      observedGeneration: cur.metadata.generation,
    }, t);
    put(R.podcliquesets, cur, { ...cur, status: st });
  }

  function pass(): void {
    if (stopped) return;
    busy = true;
    try {
      for (const k of [...active]) {
        let more = false;
        try {
          more = reconcile(k);
        } catch (e) {
          console.error(`sim operator: reconcile of podcliqueset ${k} failed:`, e);
        }
        if (!more) active.delete(k);
      }
    } finally {
      busy = false;
    }
  }

  const timer = setInterval(pass, tickMs);
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
    },
    reconcileNow: pass,
    actions,
  };
}

/**
 * The operator simulation as a `startSimCluster({ operator })` plug-in.
 *
 * @example
 * ```ts ignore
 * import { startSimCluster } from "./server.ts";
 * import { simOperator } from "./operator.ts";
 * const op = simOperator({ stepMs: 20, readyDelayMs: 30 });
 * const sim = await startSimCluster({ scenario: "rollout", operator: op });
 * // ... op.operator?.actions lists what it did
 * await sim.stop();
 * ```
 */
export function simOperator(opts: OperatorOptions = {}): {
  start(cluster: { store: SimStore }): void;
  stop(): void;
  /** The running operator, once started. */
  operator?: SimOperator;
} {
  return {
    start(cluster) {
      this.operator = startOperator(cluster.store, opts);
    },
    stop() {
      this.operator?.stop();
    },
  };
}
