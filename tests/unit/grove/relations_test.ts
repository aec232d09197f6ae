import { expectedCliques, expectedGangs } from "../../../lib/grove/expansion.ts";
import {
  cliqueRef,
  cliqueRole,
  crashLoops,
  gpusAllocatedByNode,
  isNodeCordoned,
  isNodeReady,
  isPodReady,
  isPodScheduled,
  isPodTerminated,
  nodeGpus,
  nodeHasGpuResource,
  ownerOf,
  parseQuantity,
  podDisplayStatus,
  podGpus,
  podReadyCount,
  podRef,
  podRestarts,
  terminationCountdown,
  terminationDelayMs,
  unschedulableReason,
} from "../../../lib/grove/relations.ts";
import type { Node, Pod, PodClique, PodCliqueSet } from "../../../lib/grove/types.ts";
import { UsageError } from "../../../lib/errors.ts";
import { assert, assertEquals, assertThrows } from "../../helpers/assert.ts";

function pod(extra: Partial<Pod> & { labels?: Record<string, string> } = {}): Pod {
  const { labels, ...rest } = extra;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "inference", labels },
    spec: { containers: [{ name: "main" }] },
    ...rest,
  } as Pod;
}

const gpu = (n: string | number, kind: "limits" | "requests" = "limits") => ({
  [kind]: { "nvidia.com/gpu": n },
});

/** The multinode disaggregated sample from the Grove user guide (defaults left out). */
const SAMPLE: PodCliqueSet = {
  apiVersion: "grove.io/v1alpha1",
  kind: "PodCliqueSet",
  metadata: { name: "mn-disagg", namespace: "default" },
  spec: {
    replicas: 1,
    template: {
      cliques: [
        { name: "frontend", spec: { roleName: "", replicas: 2, podSpec: { containers: [] } } },
        {
          name: "pleader",
          spec: { roleName: "pleader", replicas: 1, podSpec: { containers: [] } },
        },
        {
          name: "pworker",
          spec: { roleName: "pworker", replicas: 3, podSpec: { containers: [] } },
        },
        {
          name: "dleader",
          spec: { roleName: "dleader", replicas: 1, podSpec: { containers: [] } },
        },
        {
          name: "dworker",
          spec: { roleName: "dworker", replicas: 2, minAvailable: 1, podSpec: { containers: [] } },
        },
      ],
      podCliqueScalingGroups: [
        { name: "prefill", cliqueNames: ["pleader", "pworker"], replicas: 2 },
        { name: "decode", cliqueNames: ["dleader", "dworker"], replicas: 1 },
      ],
    },
  },
};

Deno.test("relations: podRef from Grove labels, member clique parts derived", () => {
  const r = podRef(pod({
    labels: {
      "app.kubernetes.io/part-of": "mn-disagg",
      "grove.io/podclique": "mn-disagg-0-prefill-1-pworker",
      "grove.io/podcliqueset-replica-index": "0",
      "grove.io/podcliquescalinggroup": "mn-disagg-0-prefill",
      "grove.io/podcliquescalinggroup-replica-index": "1",
      "grove.io/podgang": "mn-disagg-0-prefill-0",
      "grove.io/podclique-pod-index": "2",
      "grove.io/pod-template-hash": "abc",
    },
  }));
  assertEquals(r, {
    pcs: "mn-disagg",
    replica: 0,
    clique: "mn-disagg-0-prefill-1-pworker",
    cliqueTemplate: "pworker",
    scalingGroup: "mn-disagg-0-prefill",
    scalingGroupReplica: 1,
    gang: "mn-disagg-0-prefill-0",
    podIndex: 2,
    podTemplateHash: "abc",
  });
});

Deno.test("relations: podRef falls back to the PodClique owner and the name", () => {
  const p = pod({ labels: { "app.kubernetes.io/part-of": "q" } });
  p.metadata.ownerReferences = [{
    apiVersion: "grove.io/v1alpha1",
    kind: "PodClique",
    name: "q-1-frontend",
    uid: "u",
    controller: true,
  }];
  const r = podRef(p)!;
  assertEquals([r.clique, r.replica, r.cliqueTemplate, r.gang], [
    "q-1-frontend",
    1,
    "frontend",
    undefined,
  ]);
  assertEquals(ownerOf(p)?.kind, "PodClique");
  assertEquals(podRef(pod({ labels: { app: "nginx" } })), undefined);
  assertEquals(podRef(pod()), undefined);
});

Deno.test("relations: cliqueRef and cliqueRole", () => {
  const pclq: PodClique = {
    metadata: {
      name: "q-0-decode-0-dleader",
      labels: {
        "app.kubernetes.io/part-of": "q",
        "grove.io/podcliqueset-replica-index": "0",
        "grove.io/podcliquescalinggroup": "q-0-decode",
      },
    },
    spec: { roleName: "", replicas: 1, podSpec: { containers: [] } },
  };
  assertEquals(cliqueRef(pclq)?.cliqueTemplate, "dleader");
  assertEquals(cliqueRole(pclq), "dleader");
  pclq.spec.roleName = "decode-leader";
  assertEquals(cliqueRole(pclq), "decode-leader");
  assertEquals(cliqueRole(SAMPLE.spec.template.cliques[0]), "frontend");
});

Deno.test("relations: expected cliques and gangs of the Grove user-guide sample", () => {
  const cl = expectedCliques(SAMPLE);
  assertEquals(cl.map((c) => c.name), [
    "mn-disagg-0-frontend",
    "mn-disagg-0-prefill-0-pleader",
    "mn-disagg-0-prefill-0-pworker",
    "mn-disagg-0-prefill-1-pleader",
    "mn-disagg-0-prefill-1-pworker",
    "mn-disagg-0-decode-0-dleader",
    "mn-disagg-0-decode-0-dworker",
  ]);
  const w = cl.find((c) => c.name === "mn-disagg-0-decode-0-dworker")!;
  assertEquals([w.minAvailable, w.replicas, w.gang, w.scalingGroupFullName], [
    1,
    2,
    "mn-disagg-0",
    "mn-disagg-0-decode",
  ]);
  assertEquals(
    cl.find((c) => c.name === "mn-disagg-0-prefill-1-pworker")!.gang,
    "mn-disagg-0-prefill-0",
  );
  const gangs = expectedGangs(SAMPLE);
  assertEquals(gangs.map((g) => [g.name, g.base, g.cliques.length]), [
    ["mn-disagg-0", true, 5],
    ["mn-disagg-0-prefill-0", false, 2],
  ]);
  assertEquals(expectedCliques({ ...SAMPLE, spec: { ...SAMPLE.spec, replicas: 0 } }), []);
});

Deno.test("relations: GPUs requested (limits, requests, sidecars, init containers)", () => {
  assertEquals(podGpus(pod({ spec: { containers: [{ name: "a", resources: gpu("4") }] } })), 4);
  assertEquals(
    podGpus(pod({ spec: { containers: [{ name: "a", resources: gpu(2, "requests") }] } })),
    2,
  );
  assertEquals(
    podGpus(pod({
      spec: {
        containers: [{ name: "a", resources: gpu(2) }, { name: "b", resources: gpu(1) }],
        initContainers: [{ name: "init", resources: gpu(8) }],
      },
    })),
    8,
  );
  assertEquals(
    podGpus(pod({
      spec: {
        containers: [{ name: "a", resources: gpu(2) }],
        initContainers: [{ name: "sidecar", restartPolicy: "Always", resources: gpu(1) }],
      },
    })),
    3,
  );
  assertEquals(podGpus(pod()), 0);
});

Deno.test("relations: quantities", () => {
  assertEquals(parseQuantity("8"), 8);
  assertEquals(parseQuantity("500m"), 0.5);
  assertEquals(parseQuantity("64Gi"), 64 * 2 ** 30);
  assertEquals(parseQuantity("1k"), 1000);
  assertEquals(parseQuantity("1e3"), 1000);
  assertEquals(parseQuantity(3), 3);
  assertEquals(parseQuantity("eight"), undefined);
  assertEquals(parseQuantity(undefined), undefined);
});

Deno.test("relations: node GPUs, readiness, cordon, allocation by node", () => {
  const node: Node = {
    metadata: { name: "n1" },
    spec: { unschedulable: true },
    status: {
      allocatable: { "nvidia.com/gpu": "8" },
      conditions: [{ type: "Ready", status: "True" }],
    },
  };
  assertEquals(nodeGpus(node), 8);
  assert(nodeHasGpuResource(node));
  assert(isNodeReady(node) && isNodeCordoned(node));
  assert(!nodeHasGpuResource({ metadata: { name: "cpu" }, status: { allocatable: { cpu: "4" } } }));
  const on = (n: string, g: number, phase = "Running") =>
    pod({
      spec: { nodeName: n, containers: [{ name: "a", resources: gpu(g) }] },
      status: { phase: phase as "Running" },
    });
  const m = gpusAllocatedByNode([on("n1", 4), on("n1", 2), on("n2", 1), on("n1", 8, "Succeeded")]);
  assertEquals([...m], [["n1", 6], ["n2", 1]]);
});

Deno.test("relations: pod state helpers (crash loop, pending, display status)", () => {
  const crash = pod({
    spec: { nodeName: "n", containers: [{ name: "vllm" }] },
    status: {
      phase: "Running",
      conditions: [{ type: "Ready", status: "False" }],
      containerStatuses: [{
        name: "vllm",
        ready: false,
        restartCount: 7,
        state: { waiting: { reason: "CrashLoopBackOff" } },
        lastState: {
          terminated: { exitCode: 1, reason: "Error", finishedAt: "2026-11-01T11:59:15Z" },
        },
      }],
    },
  });
  assertEquals(crashLoops(crash), [{
    container: "vllm",
    restartCount: 7,
    reason: "CrashLoopBackOff",
    lastExitCode: 1,
    lastReason: "Error",
    lastFinishedAt: "2026-11-01T11:59:15Z",
  }]);
  assertEquals(podDisplayStatus(crash), "CrashLoopBackOff");
  assertEquals(podRestarts(crash), 7);
  assertEquals(podReadyCount(crash), { ready: 0, total: 1 });
  assert(!isPodReady(crash) && isPodScheduled(crash));

  const pending = pod({
    status: {
      phase: "Pending",
      conditions: [{
        type: "PodScheduled",
        status: "False",
        reason: "Unschedulable",
        message: "0/18 nodes are available",
      }],
    },
  });
  assertEquals(unschedulableReason(pending), {
    reason: "Unschedulable",
    message: "0/18 nodes are available",
  });
  assert(!isPodScheduled(pending));
  assertEquals(podDisplayStatus(pending), "Pending");

  const creating = pod({
    spec: { nodeName: "n", containers: [{ name: "a" }] },
    status: {
      phase: "Pending",
      containerStatuses: [{
        name: "a",
        ready: false,
        restartCount: 0,
        state: { waiting: { reason: "ContainerCreating" } },
      }],
    },
  });
  assertEquals(podDisplayStatus(creating), "ContainerCreating");
  const running = pod({
    status: {
      phase: "Running",
      conditions: [{ type: "Ready", status: "True" }],
      containerStatuses: [{ name: "main", ready: true, restartCount: 0, state: { running: {} } }],
    },
  });
  assertEquals(podDisplayStatus(running), "Running");
  const evicted = pod({ status: { phase: "Failed", reason: "Evicted" } });
  assertEquals(podDisplayStatus(evicted), "Evicted");
  assert(isPodTerminated(evicted));
  const deleting = pod({ status: { phase: "Running" } });
  deleting.metadata.deletionTimestamp = "2026-11-01T11:59:00Z";
  assertEquals(podDisplayStatus(deleting), "Terminating");
  const init = pod({
    spec: { containers: [{ name: "a" }], initContainers: [{ name: "wait" }] },
    status: {
      phase: "Pending",
      initContainerStatuses: [{
        name: "wait",
        ready: false,
        restartCount: 0,
        state: { running: {} },
      }],
    },
  });
  assertEquals(podDisplayStatus(init), "Init:0/1");
});

Deno.test("relations: termination countdown from MinAvailableBreached", () => {
  const now = Date.parse("2026-11-01T12:00:00Z");
  const clique = {
    status: {
      conditions: [{
        type: "MinAvailableBreached",
        status: "True" as const,
        reason: "InsufficientReadyPods",
        message: "",
        lastTransitionTime: "2026-11-01T11:20:00Z",
      }],
    },
  };
  const c = terminationCountdown(clique, 3_600_000, now)!;
  assertEquals([c.remainingMs, c.expired, c.deadline], [
    20 * 60_000,
    false,
    "2026-11-01T12:20:00Z",
  ]);
  const late = terminationCountdown(clique, 3_600_000, now + 30 * 60_000)!;
  assertEquals([late.remainingMs, late.expired], [-10 * 60_000, true]);
  clique.status.conditions[0].status = "False" as "True";
  assertEquals(terminationCountdown(clique, 3_600_000, now), undefined);
  assertEquals(terminationCountdown({}, 3_600_000, now), undefined);
});

Deno.test("relations: terminationDelay defaults to 4h; a bad value names the PCS", () => {
  assertEquals(terminationDelayMs(SAMPLE), 4 * 3_600_000);
  const withDelay = structuredClone(SAMPLE);
  withDelay.spec.template.terminationDelay = "1h30m";
  assertEquals(terminationDelayMs(withDelay), 90 * 60_000);
  withDelay.spec.template.terminationDelay = "soon";
  const e = assertThrows(() => terminationDelayMs(withDelay), UsageError);
  assert(e.message.includes('podcliqueset "mn-disagg"') && e.message.includes('"soon"'));
});
