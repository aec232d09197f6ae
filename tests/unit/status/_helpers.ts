/**
 * Helpers of the status tests: reports of fixture scenarios at their
 * recorded time, and small hand-made objects for edge cases.
 *
 * @module
 */

import { loadScenario } from "../../../lib/sim/fixtures.ts";
import type { KubeObject } from "../../../lib/kube/types.ts";
import {
  buildStatusReport,
  selectStatusObjects,
  type StatusObjects,
  type StatusReport,
  type StatusScope,
} from "../../../tasks/status/report.ts";

/**
 * The scenarios with recorded files, and the PodCliqueSet each one is about
 * (`namespace/name` when it is not in the scenario's namespace).
 */
export const SCENARIOS: Record<string, string> = {
  healthy: "qwen-disagg",
  fragmented: "llama-disagg",
  aggregated: "qwen-agg",
  rollout: "chat-disagg",
  // 60 PCS; agg-11 has schedule-gated pods
  large: "team-c/agg-11",
};

/** The report of a scenario at its `recordedAt` (times not shifted). */
export async function scenarioReport(
  scenario: string,
  scope: Partial<StatusScope> = {},
): Promise<StatusReport> {
  const sc = await loadScenario(scenario, { shiftTimes: false });
  const full: StatusScope = {
    namespace: sc.meta.namespace ?? "default",
    all: false,
    allNamespaces: false,
    ...scope,
  };
  return buildStatusReport(selectStatusObjects(sc.objects, full), {
    now: new Date(sc.meta.recordedAt),
  });
}

/** A fixed time for hand-made objects. */
export const NOW = Date.parse("2026-11-01T12:00:00Z");

/** An RFC 3339 time `minutes` before {@link NOW}. */
export function ago(minutes: number): string {
  return new Date(NOW - minutes * 60_000).toISOString().replace(".000Z", "Z");
}

const ns = "team";

/** A minimal PCS `demo` with one standalone clique `w` (replicas 2, min 1) and one set replica. */
export function demoPcs(extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: "grove.io/v1alpha1",
    kind: "PodCliqueSet",
    metadata: { name: "demo", namespace: ns, creationTimestamp: ago(60), generation: 1 },
    spec: {
      replicas: 1,
      template: {
        cliques: [{
          name: "w",
          spec: { roleName: "worker", replicas: 2, minAvailable: 1, podSpec: { containers: [] } },
        }],
      },
    },
    status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 },
    ...extra,
  };
}

/** The PodClique `demo-0-w`. */
export function demoClique(
  status: unknown,
  spec: unknown = { roleName: "worker", replicas: 2, minAvailable: 1 },
): KubeObject {
  return {
    apiVersion: "grove.io/v1alpha1",
    kind: "PodClique",
    metadata: {
      name: "demo-0-w",
      namespace: ns,
      creationTimestamp: ago(59),
      labels: {
        "app.kubernetes.io/part-of": "demo",
        "grove.io/podcliqueset-replica-index": "0",
      },
    },
    spec,
    ...(status === undefined ? {} : { status }),
  };
}

/** A pod of `demo-0-w`. */
export function demoPod(
  i: number,
  opts: { ready?: boolean; node?: string; gated?: boolean } = {},
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: `demo-0-w-${i}`,
      namespace: ns,
      labels: {
        "app.kubernetes.io/part-of": "demo",
        "grove.io/podclique": "demo-0-w",
        "grove.io/podgang": "demo-0",
        "grove.io/pod-template-hash": "abc123",
      },
    },
    spec: {
      containers: [{ name: "c" }],
      ...(opts.node ? { nodeName: opts.node } : {}),
      ...(opts.gated ? { schedulingGates: [{ name: "grove.io/podgang-pending-creation" }] } : {}),
      schedulerName: "kai-scheduler",
    },
    status: {
      phase: opts.node ? "Running" : "Pending",
      conditions: [{ type: "Ready", status: opts.ready ? "True" : "False" }],
    },
  };
}

/** The base PodGang `demo-0`. */
export function demoGang(status?: unknown): KubeObject {
  return {
    apiVersion: "scheduler.grove.io/v1alpha1",
    kind: "PodGang",
    metadata: {
      name: "demo-0",
      namespace: ns,
      creationTimestamp: ago(58),
      labels: { "app.kubernetes.io/part-of": "demo", "grove.io/podcliqueset-replica-index": "0" },
    },
    spec: {
      podgroups: [{
        name: "demo-0-w",
        podReferences: [{ namespace: ns, name: "demo-0-w-0" }, {
          namespace: ns,
          name: "demo-0-w-1",
        }],
        minReplicas: 1,
      }],
    },
    ...(status === undefined ? {} : { status }),
  };
}

/** Builds the report of hand-made objects (scope: `demo` in `team`). */
export function reportOf(objects: KubeObject[], scope: Partial<StatusScope> = {}): StatusReport {
  const s: StatusScope = {
    name: "demo",
    namespace: ns,
    all: false,
    allNamespaces: false,
    ...scope,
  };
  const o: StatusObjects = selectStatusObjects(objects, s);
  return buildStatusReport(o, { now: NOW });
}
