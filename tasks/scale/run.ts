/**
 * `scale`: preview, server dry-run, confirmation, optional drain, then the
 * writes with resourceVersion preconditions, then follow the new pods until
 * they are scheduled and ready.
 *
 * @module
 */

import { shielded } from "../../lib/kube/shield.ts";
import { ExitCode, GroveError, isApiStatus } from "../../lib/errors.ts";
import { partOfSelector } from "../../lib/grove/labels.ts";
import { isPodReady, isPodScheduled, unschedulableReason } from "../../lib/grove/relations.ts";
import type { Pod, PodCliqueSet } from "../../lib/grove/types.ts";
import { Resources } from "../../lib/kube/resources.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { REPORT_API_VERSION } from "../../lib/render/output.ts";
import { recordChange } from "../../lib/revisions/store.ts";
import { HOST_KEY, nodeGpuStates, resolveTopology } from "../../lib/topology/mod.ts";
import { collectScale, type ScaleCollected } from "./collect.ts";
import { collapseReplicas } from "./render.ts";
import { drainPods, type DrainResult } from "./drain.ts";
import { type PlannedWrite, planScale, type ScalePlan, type ScaleRequest } from "./plan.ts";
import { describeWrite } from "./render.ts";
import { sleep } from "../../lib/async.ts";

/** Options of {@link scale}. */
export interface ScaleOptions extends ScaleRequest {
  /** PodCliqueSet name. */
  name: string;
  /** Namespace (default: the client's). */
  namespace?: string;
  /** Go below minAvailable, or scale up without room. */
  force?: boolean;
  /** Preview and server dry-run only. */
  dryRun?: boolean;
  /** Called with the preview as soon as it is planned (before refusals are checked). */
  onPlan?: (plan: ScalePlan) => void;
  /** Asked with the preview after the server dry-run passed; false cancels. */
  confirm?: (plan: ScalePlan) => Promise<boolean>;
  /** Follow the new pods until scheduled and ready (default true). */
  wait?: boolean;
  /** Max wait for the new pods (ms, default 10 minutes). */
  timeoutMs?: number;
  /** Poll interval (ms, default 2000). */
  intervalMs?: number;
  /** On a scale-down, wait up to this long for running requests on the pods that go to reach zero. */
  drainTimeoutMs?: number;
  /** Progress lines (stderr in the CLI). */
  onProgress?: (line: string) => void;
  /** Stops waiting. */
  signal?: AbortSignal;
  /** Revisions kept when the template changes (default 10; the CLI reads `rollout.history_limit`). */
  historyLimit?: number;
}

/** One new pod as it was last seen. */
export interface NewPod {
  /** Pod name. */
  name: string;
  /** Node, once scheduled. */
  node?: string;
  /** Topology domains of the node, e.g. `zone=us-east-1a, rack=rack-a1`. */
  domain?: string;
  /** Ready condition. */
  ready: boolean;
  /** Why it is not scheduled yet (the scheduler's PodScheduled=False message). */
  unschedulable?: string;
}

/** What {@link scale} did. */
export interface ScaleResult {
  /** `kubectl-grove.io/v1alpha1`. */
  apiVersion: string;
  /** `ScaleResult`. */
  kind: "ScaleResult";
  /** The preview. */
  plan: ScalePlan;
  /** How it ended. */
  outcome: "dry-run" | "declined" | "no-change" | "applied" | "timeout" | "aborted";
  /** Writes made (all of `plan.writes` when applied). */
  applied: PlannedWrite[];
  /** Drain before a scale-down. */
  drain?: DrainResult;
  /** New pods followed after the change. */
  newPods: NewPod[];
  /** Pods still there that were expected to go. */
  stillGoing: string[];
  /** Revision recorded for a template change, if any. */
  revision?: number;
  /** Warnings raised while acting. */
  warnings: string[];
}

function revertHint(plan: ScalePlan): string {
  if (plan.mode === "set") {
    return `kubectl grove scale ${plan.name} -n ${plan.namespace} --set-replicas=${plan.setReplicas}`;
  }
  return `kubectl grove scale ${plan.name} -n ${plan.namespace} ${
    plan.changes.map((c) => `--role ${c.role}=${c.current}`).join(" ")
  }`;
}

function forwardHint(plan: ScalePlan): string {
  if (plan.mode === "set") {
    return `kubectl grove scale ${plan.name} -n ${plan.namespace} --set-replicas=${
      plan.changes[0].target
    }`;
  }
  return `kubectl grove scale ${plan.name} -n ${plan.namespace} ${
    plan.changes.map((c) => `--role ${c.role}=${c.target}`).join(" ")
  }`;
}

/** The template writes folded into one PodCliqueSet object (one PUT). */
function templateObject(pcs: PodCliqueSet, writes: PlannedWrite[]): PodCliqueSet | undefined {
  const tw = writes.filter((w) => w.how === "template");
  if (!tw.length) return undefined;
  const next = structuredClone(pcs);
  for (const w of tw) {
    const m = /cliques\[(\d+)\]/.exec(w.field ?? "");
    if (m) next.spec.template.cliques[Number(m[1])].spec.replicas = w.target;
  }
  return next;
}

const resourceOf = (w: PlannedWrite) =>
  w.kind === "PodClique"
    ? Resources.podcliques
    : w.kind === "PodCliqueScalingGroup"
    ? Resources.podcliquescalinggroups
    : Resources.podcliquesets;

function conflict(what: string, detail: string, plan: ScalePlan, cause?: unknown): GroveError {
  return new GroveError(
    `${what} changed since the preview (${detail}); nothing was scaled`,
    {
      hint:
        `someone else is changing podcliqueset "${plan.name}"; look again and re-run: kubectl grove scale ${plan.name} --dry-run ...`,
      cause,
    },
  );
}

/**
 * Runs every write once. A 409 caused only by a status write (the spec value
 * is still the one planned from) is retried on the fresh resourceVersion; any
 * other change is a conflict. With `dryRun` nothing is persisted: this is how
 * everything is validated before the first real write.
 */
async function runWrites(
  kube: Kube,
  ns: string,
  plan: ScalePlan,
  pcs: PodCliqueSet,
  dryRun: boolean,
  done: PlannedWrite[],
): Promise<void> {
  const scaleWrites = plan.writes.filter((w) => w.how === "scale" && w.kind !== "PodCliqueSet");
  for (const w of scaleWrites) {
    for (let attempt = 0;; attempt++) {
      try {
        const res = await kube.updateScale(resourceOf(w), w.name, w.target, {
          namespace: ns,
          dryRun,
          resourceVersion: w.resourceVersion,
        });
        if (!dryRun) w.resourceVersion = res.metadata.resourceVersion;
        break;
      } catch (e) {
        if (!isApiStatus(e, 409) || attempt >= 3) throw e;
        const fresh = await kube.getScale(resourceOf(w), w.name, ns);
        if (fresh.spec.replicas !== w.current) {
          throw conflict(
            `${w.kind} ${w.name}`,
            `replicas is ${fresh.spec.replicas} now, the preview was made at ${w.current}`,
            plan,
            e,
          );
        }
        w.resourceVersion = fresh.metadata.resourceVersion;
      }
    }
    if (!dryRun) done.push(w);
  }
  let base = pcs;
  const tw = plan.writes.filter((w) => w.how === "template");
  if (tw.length) {
    for (let attempt = 0;; attempt++) {
      const next = templateObject(base, tw)!;
      try {
        const res = await kube.replace<PodCliqueSet>(Resources.podcliquesets, next, {
          namespace: ns,
          dryRun,
        });
        if (!dryRun) {
          done.push(...tw);
          pcs.metadata.resourceVersion = res.metadata.resourceVersion;
        }
        break;
      } catch (e) {
        if (!isApiStatus(e, 409) || attempt >= 3) throw e;
        const fresh = await kube.get<PodCliqueSet>(Resources.podcliquesets, plan.name, ns);
        if (JSON.stringify(fresh.spec) !== JSON.stringify(base.spec)) {
          throw conflict(
            `the spec of PodCliqueSet ${plan.name}`,
            "its template or replicas changed",
            plan,
            e,
          );
        }
        base = fresh;
      }
    }
  }
  const sw = plan.writes.find((w) => w.how === "scale" && w.kind === "PodCliqueSet");
  if (sw) {
    for (let attempt = 0;; attempt++) {
      try {
        await kube.updateScale(Resources.podcliquesets, sw.name, sw.target, {
          namespace: ns,
          dryRun,
          resourceVersion: sw.resourceVersion,
        });
        break;
      } catch (e) {
        if (!isApiStatus(e, 409) || attempt >= 3) throw e;
        const fresh = await kube.getScale(Resources.podcliquesets, sw.name, ns);
        if (fresh.spec.replicas !== sw.current) {
          throw conflict(
            `PodCliqueSet ${sw.name}`,
            `replicas is ${fresh.spec.replicas} now, the preview was made at ${sw.current}`,
            plan,
            e,
          );
        }
        sw.resourceVersion = fresh.metadata.resourceVersion;
      }
    }
    if (!dryRun) done.push(sw);
  }
}

/**
 * Scales a PodCliqueSet by role, by a proportional total, or as a whole set:
 * preview (`planScale`), server dry-run of every write, confirmation, an
 * optional drain of the pods that go, the writes, then following the new
 * pods until they are scheduled and ready.
 *
 * Throws a `GroveError` for what needs `--force` (below minAvailable, no
 * capacity), a conflict (nothing written), or a write that failed part way
 * (the message names what was done and how to finish or revert); exit code 4
 * when the new pods are not ready within the timeout.
 *
 * @example
 * ```ts ignore
 * import { connect, scale } from "./mod.ts";
 * const kube = await connect();
 * const r = await scale(kube, { name: "qwen", roles: [{ role: "prefill", replicas: 4 }] });
 * console.log(r.outcome, r.plan.gpu.delta, r.newPods.map((p) => p.node));
 * ```
 */
export async function scale(kube: Kube, opts: ScaleOptions): Promise<ScaleResult> {
  const ns = opts.namespace ?? kube.namespace;
  // Ctrl-C: checked between every step before the first write; writes are not cut off
  const stop = () => opts.signal?.throwIfAborted();
  stop();
  const input = await collectScale(kube, opts.name, ns);
  stop();
  const plan = planScale(input, opts);
  plan.notes.push(...input.notes);
  const result: ScaleResult = {
    apiVersion: REPORT_API_VERSION,
    kind: "ScaleResult",
    plan,
    outcome: "no-change",
    applied: [],
    newPods: [],
    stillGoing: [],
    warnings: [],
  };
  opts.onPlan?.(plan);
  if (!plan.changed) return result;
  if (plan.refusals.length && !opts.force) {
    throw new GroveError(
      `refusing to scale podcliqueset "${plan.name}": ${
        collapseReplicas(plan.refusals).join("; ")
      }`,
      {
        hint: "pass --force to scale anyway, or pick other counts (see the preview with --dry-run)",
        exitCode: ExitCode.ERROR,
      },
    );
  }
  // validate every write with the server's dry-run before asking
  await runWrites(kube, ns, plan, input.pcs, true, []);
  stop();
  if (opts.dryRun) {
    result.outcome = "dry-run";
    return result;
  }
  if (opts.confirm && !(await opts.confirm(plan))) {
    result.outcome = "declined";
    return result;
  }
  if (opts.drainTimeoutMs !== undefined && plan.removedPods.length) {
    result.drain = await drainPods(kube, input, plan.removedPods, {
      timeoutMs: opts.drainTimeoutMs,
      intervalMs: opts.intervalMs ?? 2000,
      onProgress: opts.onProgress,
      signal: opts.signal,
    });
    if (result.drain.running > 0) {
      result.warnings.push(
        `${result.drain.running} requests still running on the pods that go after the drain timeout; scaling anyway`,
      );
    }
  }
  // validate again right before writing: the confirmation may have taken a while
  await runWrites(kube, ns, plan, input.pcs, true, []);
  stop(); // the last moment at which nothing has been written
  const done: PlannedWrite[] = [];
  try {
    await shielded(kube, () => runWrites(kube, ns, plan, input.pcs, false, done));
  } catch (e) {
    if (!done.length) throw e;
    const rest = plan.writes.filter((w) => !done.includes(w));
    throw new GroveError(
      `scale of podcliqueset "${plan.name}" stopped part way: ${(e as Error).message}\n  done: ${
        done.map(describeWrite).join("; ")
      }\n  not done: ${rest.map(describeWrite).join("; ")}`,
      {
        hint: `to finish, run again (targets are absolute): ${
          forwardHint(plan)
        }; to revert what was done: ${revertHint(plan)}`,
        cause: e,
      },
    );
  }
  result.applied = done;
  result.outcome = "applied";
  for (const w of done) opts.onProgress?.(`scaled: ${describeWrite(w)}`);
  if (plan.writes.some((w) => w.how === "template")) {
    try {
      result.revision = await shielded(kube, () =>
        recordChange(kube, {
          pcs: input.pcs,
          before: input.pcs.spec.template,
          after: templateObject(input.pcs, plan.writes)!.spec.template,
          limit: opts.historyLimit ?? 10,
          meta: {
            changeCause: `kubectl grove scale: ${
              plan.changes.map((c) => `${c.role} ${c.current} -> ${c.target}`).join(", ")
            }`,
            now: new Date(),
          },
        }));
    } catch (e) {
      result.warnings.push(
        `the template change was not recorded as a revision: ${(e as Error).message}`,
      );
    }
  }
  if (opts.wait === false) return result;
  await follow(kube, ns, input, plan, result, opts);
  return result;
}

async function follow(
  kube: Kube,
  ns: string,
  input: ScaleCollected,
  plan: ScalePlan,
  result: ScaleResult,
  opts: ScaleOptions,
): Promise<void> {
  const before = new Set(input.pods.map((p) => p.metadata.name));
  const going = new Set(plan.removedPods);
  const topo = resolveTopology({
    bindings: input.bindings,
    legacy: input.legacy,
    nodes: input.nodes,
  });
  const states = new Map(
    nodeGpuStates(input.nodes, [], topo.levels).nodes.map((n) => [n.name, n]),
  );
  const domainOf = (node: string) => {
    const st = states.get(node);
    if (!st) return undefined;
    return topo.levels.map((l, i) => ({ l, v: st.domains[i] }))
      .filter((x) => x.l.key !== HOST_KEY)
      .map((x) => `${x.l.domain} ${x.v}`).join(", ");
  };
  const timeout = opts.timeoutMs ?? 600_000;
  const interval = opts.intervalMs ?? 2000;
  const start = Date.now();
  const seen = new Map<string, string>();
  let last = "";
  for (;;) {
    const pods = (await kube.list<Pod>(Resources.pods, {
      namespace: ns,
      labelSelector: partOfSelector(plan.name),
    })).items;
    const fresh = pods.filter((p) => !before.has(p.metadata.name) && !p.metadata.deletionTimestamp);
    result.newPods = fresh.map((p) => ({
      name: p.metadata.name,
      node: p.spec?.nodeName,
      domain: p.spec?.nodeName ? domainOf(p.spec.nodeName) : undefined,
      ready: isPodReady(p),
      ...(p.spec?.nodeName ? {} : (() => {
        const why = unschedulableReason(p);
        return why ? { unschedulable: why.message || why.reason } : {};
      })()),
    })).sort((a, b) => a.name.localeCompare(b.name));
    result.stillGoing = pods.filter((p) => going.has(p.metadata.name)).map((p) => p.metadata.name);
    for (const p of result.newPods) {
      const state = `${p.node ?? ""}|${p.ready}|${p.unschedulable ?? ""}`;
      if (seen.get(p.name) === state) continue;
      seen.set(p.name, state);
      if (p.ready) {
        opts.onProgress?.(`pod ${p.name} ready on ${p.node}${p.domain ? ` (${p.domain})` : ""}`);
      } else if (p.node) {
        opts.onProgress?.(
          `pod ${p.name} scheduled on ${p.node}${p.domain ? ` (${p.domain})` : ""}`,
        );
      } else if (p.unschedulable) {
        opts.onProgress?.(`pod ${p.name} pending: ${p.unschedulable}`);
      }
    }
    const scheduled = fresh.filter(isPodScheduled).length;
    const ready = result.newPods.filter((p) => p.ready).length;
    const line = `${ready}/${plan.addedPods} new pods ready, ${scheduled} scheduled${
      going.size ? `; ${going.size - result.stillGoing.length}/${going.size} removed pods gone` : ""
    }`;
    if (line !== last) {
      opts.onProgress?.(line);
      last = line;
    }
    if (
      ready >= plan.addedPods && result.newPods.every((p) => p.ready) && !result.stillGoing.length
    ) {
      return;
    }
    if (opts.signal?.aborted) {
      result.outcome = "aborted";
      return;
    }
    if (Date.now() - start >= timeout) {
      result.outcome = "timeout";
      const waiting = result.newPods.filter((p) => !p.ready).map((p) =>
        `${p.name} (${
          p.node
            ? `on ${p.node}, not ready`
            : `not scheduled${p.unschedulable ? `: ${p.unschedulable}` : ""}`
        })`
      );
      throw new GroveError(
        `scaled podcliqueset "${plan.name}", but after ${Math.round(timeout / 1000)}s ${line}${
          waiting.length ? `: waiting for ${waiting.join(", ")}` : ""
        }${result.stillGoing.length ? `; still there: ${result.stillGoing.join(", ")}` : ""}`,
        {
          exitCode: ExitCode.TIMEOUT,
          hint: `the change is applied; follow it with: kubectl grove status ${plan.name} -n ${ns}`,
        },
      );
    }
    await sleep(interval, opts.signal);
  }
}
