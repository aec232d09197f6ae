/**
 * The reports the TUI shows, built from one snapshot by the other commands'
 * own pure builders (status, health, topology, rollout status). Nothing is
 * recomputed here: objects are only sorted into each builder's input. A
 * builder that throws gives an error text for its view instead of a crash.
 *
 * @module
 */

import { LabelKeys } from "../../lib/grove/labels.ts";
import type { Event, Pod, PodClique, PodCliqueSet } from "../../lib/grove/types.ts";
import type { KubeObject } from "../../lib/kube/types.ts";
import { RevisionLabels } from "../../lib/revisions/keys.ts";
import { isPaused } from "../../lib/revisions/pause.ts";
import { type ControllerRevision, readRevision } from "../../lib/revisions/revision.ts";
import { healthObjectsFrom } from "../health/from_objects.ts";
import { buildHealthReport, type HealthReport } from "../health/report.ts";
import { buildRolloutStatus, type RolloutStatusReport } from "../rollout/status_report.ts";
import { buildStatusReport, selectStatusObjects, type StatusReport } from "../status/report.ts";
import { topologyObjectsFrom } from "../topology/from_objects.ts";
import { buildTopologyReport, type TopologyReport } from "../topology/report.ts";
import type { TuiScope, TuiSnapshot } from "./source.ts";

/** A report, or why it could not be built. */
export type Built<T> = { report: T; error?: undefined } | { report?: undefined; error: string };

function attempt<T>(f: () => T): Built<T> {
  try {
    return { report: f() };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** The status report of every PodCliqueSet in scope. */
export function tuiStatus(snap: TuiSnapshot, scope: TuiScope, now: number): Built<StatusReport> {
  return attempt(() =>
    buildStatusReport(
      selectStatusObjects(snap.objects, {
        namespace: scope.allNamespaces ? undefined : scope.namespace,
        all: true,
        allNamespaces: scope.allNamespaces,
      }),
      { now },
    )
  );
}

/** The health report of every PodCliqueSet in scope. */
export function tuiHealth(snap: TuiSnapshot, scope: TuiScope, now: number): Built<HealthReport> {
  return attempt(() => {
    const objects = healthObjectsFrom(snap.objects, {
      namespace: scope.allNamespaces ? undefined : scope.namespace,
    });
    objects.missing = snap.missing.filter((m) => m.startsWith("events"));
    return buildHealthReport(objects, { now });
  });
}

/**
 * The topology report of the workloads in scope (`cluster: false`) or of
 * the whole cluster's capacity (`cluster: true`).
 */
export function tuiTopology(
  snap: TuiSnapshot,
  scope: TuiScope,
  now: number,
  cluster = false,
): Built<TopologyReport> {
  return attempt(() => {
    const objects = topologyObjectsFrom(snap.objects, {
      namespace: scope.allNamespaces ? undefined : scope.namespace,
    });
    objects.nodesForbidden = snap.missing.some((m) => m.startsWith("nodes"));
    objects.missing = snap.missing.filter((m) =>
      m.startsWith("nodes") || m.startsWith("pods") || m.startsWith("clustertopology")
    );
    return buildTopologyReport(objects, { now, cluster });
  });
}

const partOf = (o: KubeObject) => o.metadata?.labels?.[LabelKeys.partOf];

/**
 * The rollout status of every PodCliqueSet in scope that is updating or
 * paused (the only ones the Rollouts view lists).
 */
export function tuiRollouts(
  snap: TuiSnapshot,
  status: StatusReport,
  now: number,
): Built<RolloutStatusReport[]> {
  return attempt(() => {
    const active = new Set(
      status.podCliqueSets.filter((p) => p.update.inProgress).map((p) =>
        `${p.namespace}/${p.name}`
      ),
    );
    const sets = (snap.byKind.podcliquesets ?? []) as PodCliqueSet[];
    const out: RolloutStatusReport[] = [];
    for (const pcs of sets) {
      const ns = pcs.metadata.namespace ?? "";
      const name = pcs.metadata.name;
      if (!active.has(`${ns}/${name}`) && !isPaused(pcs)) continue;
      const mine = (kind: keyof TuiSnapshot["byKind"]) =>
        (snap.byKind[kind] ?? []).filter((o) => o.metadata.namespace === ns && partOf(o) === name);
      const revisions = (snap.byKind.controllerrevisions ?? [])
        .filter((r) =>
          r.metadata.namespace === ns && r.metadata.labels?.[RevisionLabels.podCliqueSet] === name
        )
        .map((r) => readRevision(r as ControllerRevision));
      out.push(buildRolloutStatus({
        pcs,
        cliques: mine("podcliques") as PodClique[],
        pods: mine("pods") as Pod[],
        gangs: mine("podgangs"),
        events: ((snap.byKind.events ?? []) as Event[]).filter((e) => e.metadata.namespace === ns),
        revisions,
        now: new Date(now),
      }));
    }
    return out;
  });
}
