/**
 * The `rollout` scenario: PodCliqueSet `chat-disagg` mid-way through a
 * RollingRecreate update from Dynamo 0.6.0 to 0.6.1 images (generation 2):
 * the frontend clique is done, the prefill clique is half way (one new pod
 * ready, one new pod creating, one old pod left), the decode scaling group has
 * not started. kubectl-grove recorded both templates as ControllerRevisions
 * (revisions 1 and 2). The cluster has no ClusterTopologyBinding nor ClusterTopology
 * and its nodes carry only zone and hostname labels, so commands must fall
 * back to well-known node labels; the scheduler wrote no placement scores.
 *
 * @module
 */

import type { BuiltScenario, PodPlan, PodSlot } from "./types.ts";
import { ScenarioBuilder } from "./builder.ts";
import { shortHash, suffixFor } from "./ids.ts";
import { buildRevision } from "../../revisions/revision.ts";
import type { PodCliqueSet, PodCliqueSetTemplateSpec } from "../../grove/types.ts";
import {
  addNodes,
  addSystemPods,
  MODEL,
  NS,
  reconcileLines,
  RECORDED_AT,
  startupLines,
} from "./common.ts";

/** The worker image before the update. */
export const OLD_IMAGE = "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.0";
/** The worker image after the update. */
export const NEW_IMAGE = "nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.6.1";

/** Builds the rollout scenario. */
export function buildRollout(): BuiltScenario {
  const b = new ScenarioBuilder(RECORDED_AT);
  b.namespaces(["default", "kube-system", "grove-system", NS]);
  const racks = [
    { zone: "us-east-1a", rack: "", nodes: ["gpu-a-01", "gpu-a-02", "gpu-a-03", "gpu-a-04"] },
    { zone: "us-east-1b", rack: "", nodes: ["gpu-b-01", "gpu-b-02", "gpu-b-03", "gpu-b-04"] },
  ];
  const cpu = [{ name: "cpu-a-01", zone: "us-east-1a" }];
  addNodes(b, racks, cpu, { withRack: false });

  const name = "chat-disagg";
  const age = 9 * 86400 + 4 * 3600;
  const updateStarted = 12 * 60;
  const oldHash = (full: string) => shortHash(`${full}/tpl/1`);
  const newHash = (full: string) => shortHash(`${full}/tpl/2`);
  const oldPodName = (full: string, i: number) =>
    `${full}-${suffixFor(`${full}/${i}/${oldHash(full)}`)}`;
  const nodes: Record<string, string> = {
    "frontend/0": "cpu-a-01",
    "frontend/1": "cpu-a-01",
    "prefill/0": "gpu-a-01",
    "prefill/1": "gpu-a-01",
    "prefill/2": "gpu-a-02",
    "dleader/0/0": "gpu-a-03",
    "dworker/0/0": "gpu-a-04",
  };
  const key = (s: PodSlot) =>
    s.group !== undefined ? `${s.clique}/${s.groupReplica}/${s.index}` : `${s.clique}/${s.index}`;
  const oldPod = (): PodPlan => ({ image: OLD_IMAGE, createdAgo: age - 5, readyAgo: age - 420 });
  const plan = (s: PodSlot): PodPlan => {
    const node = nodes[key(s)];
    if (s.clique === "frontend") {
      return { node, createdAgo: 600 - s.index * 60, readyAgo: 560 - s.index * 60 };
    }
    if (s.clique === "prefill") {
      if (s.index === 0) return { node, createdAgo: 400, readyAgo: 95 };
      if (s.index === 1) return { node, createdAgo: 40, state: "creating" };
      return { node, ...oldPod(), templateHash: oldHash(s.cliqueFullName) };
    }
    return { node, ...oldPod(), templateHash: oldHash(s.cliqueFullName) };
  };
  const prefill = `${name}-0-prefill`;
  const genOld = shortHash(`${name}/gen/1`);
  const genNew = shortHash(`${name}/gen/2`);
  const decodeCliques = [`${name}-0-decode-0-dleader`, `${name}-0-decode-0-dworker`];
  b.pcs(
    {
      name,
      namespace: NS,
      replicas: 1,
      createdAgo: age,
      generation: 2,
      updateStrategy: "RollingRecreate",
      schedulerName: "kai-scheduler",
      cliques: [
        {
          name: "frontend",
          role: "frontend",
          replicas: 2,
          minAvailable: 1,
          gpus: 0,
          cpu: 8,
          memory: "32Gi",
          engine: "dynamo-frontend",
          model: MODEL,
        },
        {
          name: "prefill",
          role: "prefill",
          replicas: 3,
          minAvailable: 2,
          gpus: 4,
          cpu: 48,
          memory: "512Gi",
          engine: "vllm",
          model: MODEL,
          image: NEW_IMAGE,
          args: ["--is-prefill-worker"],
        },
        {
          name: "dleader",
          role: "decode-leader",
          replicas: 1,
          gpus: 8,
          cpu: 96,
          memory: "1024Gi",
          engine: "vllm",
          model: MODEL,
          image: NEW_IMAGE,
          args: ["--tensor-parallel-size", "16", "--nnodes", "2", "--node-rank", "0"],
        },
        {
          name: "dworker",
          role: "decode-worker",
          replicas: 1,
          gpus: 8,
          cpu: 96,
          memory: "1024Gi",
          engine: "vllm-follower",
          model: MODEL,
          image: NEW_IMAGE,
          args: ["--nnodes", "2", "--node-rank", "1"],
        },
      ],
      groups: [{
        name: "decode",
        cliqueNames: ["dleader", "dworker"],
        replicas: 1,
        minAvailable: 1,
      }],
    },
    {
      pod: plan,
      generationHash: genNew,
      gangs: { [`${name}-0`]: { phase: "Running" } },
      cliques: {
        [prefill]: {
          templateHash: newHash(prefill),
          updateProgress: {
            updateStartedAt: b.t(updateStarted - 5),
            podCliqueSetGenerationHash: genNew,
            podTemplateHash: newHash(prefill),
            readyPodsSelectedToUpdate: {
              current: oldPodName(prefill, 1),
              completed: [oldPodName(prefill, 0)],
            },
          },
        },
        ...Object.fromEntries(decodeCliques.map((c) => [c, {
          templateHash: oldHash(c),
          image: OLD_IMAGE,
          statusExtra: { currentPodCliqueSetGenerationHash: genOld },
        }])),
      },
      pcsStatus: {
        updatedReplicas: 0,
        conditions: [{
          type: "UpdateInProgress",
          status: "True",
          reason: "UpdateInProgress",
          message: "PodCliqueSet is being updated to generation hash " + genNew,
          lastTransitionTime: b.t(updateStarted),
          observedGeneration: 2,
        }],
        updateProgress: {
          updateStartedAt: b.t(updateStarted),
          updatedPodCliquesCount: 1,
          totalPodCliquesCount: 4,
          updatedPodCliqueScalingGroupsCount: 0,
          totalPodCliqueScalingGroupsCount: 1,
          currentlyUpdating: [{ replicaIndex: 0, updateStartedAt: b.t(updateStarted) }],
        },
      },
    },
  );
  // kubectl-grove recorded both templates as ControllerRevisions: revision 1 at
  // creation, revision 2 when `kubectl grove update` made the change.
  const pcs = b.objects.find((o) => o.kind === "PodCliqueSet") as PodCliqueSet;
  const newTemplate = pcs.spec.template;
  const oldTemplate = JSON.parse(
    JSON.stringify(newTemplate)
      .replaceAll(NEW_IMAGE, OLD_IMAGE)
      .replaceAll("dynamo-frontend:0.6.1", "dynamo-frontend:0.6.0"),
  ) as PodCliqueSetTemplateSpec;
  const revisions = [
    buildRevision(pcs, oldTemplate, 1, {
      now: new Date(b.t(age)),
      changeCause: "initial deployment of Qwen3-32B disaggregated serving",
      createdBy: "alice@prod-us-east",
    }),
    buildRevision(pcs, newTemplate, 2, {
      now: new Date(b.t(updateStarted)),
      changeCause: "Dynamo 0.6.0 -> 0.6.1",
      createdBy: "alice@prod-us-east",
    }),
  ];
  revisions.forEach((cr, i) => {
    const ago = i === 0 ? age : updateStarted;
    cr.metadata = { ...b.meta("ControllerRevision", cr.metadata.name, NS, ago), ...cr.metadata };
    b.add(cr);
  });
  // Other teams' pods:
  b.otherPod({
    name: `embedder-6b9f5d7c8-${suffixFor("embedder-r")}`,
    namespace: "default",
    node: "gpu-b-01",
    gpus: 2,
    app: "embedder",
    owner: { apiVersion: "apps/v1", kind: "ReplicaSet", name: "embedder-6b9f5d7c8" },
    createdAgo: 3 * 86400,
  });
  addSystemPods(b, racks.flatMap((r) => r.nodes), cpu.map((c) => c.name));

  const newPrefill = b.objects.filter((o) =>
    o.kind === "Pod" && o.metadata.labels?.["grove.io/podclique"] === prefill &&
    o.metadata.labels?.["grove.io/pod-template-hash"] === newHash(prefill)
  );
  const creating = newPrefill.find((o) => o.status?.phase === "Pending");
  b.event({
    namespace: NS,
    involved: { kind: "Pod", name: oldPodName(prefill, 1), fieldPath: "spec.containers{vllm}" },
    type: "Normal",
    reason: "Killing",
    message: "Stopping container vllm",
    firstAgo: 45,
    lastAgo: 45,
    count: 1,
    component: "kubelet",
    host: "gpu-a-01",
  });
  if (creating) {
    b.event({
      namespace: NS,
      involved: { kind: "Pod", name: creating.metadata.name },
      type: "Normal",
      reason: "Scheduled",
      message: `Successfully assigned ${NS}/${creating.metadata.name} to gpu-a-01`,
      firstAgo: 38,
      lastAgo: 38,
      count: 1,
      component: "kai-scheduler",
    });
    b.event({
      namespace: NS,
      involved: { kind: "Pod", name: creating.metadata.name, fieldPath: "spec.containers{vllm}" },
      type: "Normal",
      reason: "Pulling",
      message: `Pulling image "${NEW_IMAGE}"`,
      firstAgo: 36,
      lastAgo: 36,
      count: 1,
      component: "kubelet",
      host: "gpu-a-01",
    });
  }
  b.operator({
    node: "cpu-a-01",
    logLines: [
      ...startupLines(b, 12 * 86400),
      ...reconcileLines(b, name, age),
      b.opLog(
        updateStarted,
        "info",
        "podcliqueset-controller",
        "Detected PodCliqueSet generation change, starting rolling update",
        {
          podcliqueset: { name, namespace: NS },
          generationHash: genNew,
          previousGenerationHash: genOld,
          strategy: "RollingRecreate",
        },
      ),
      b.opLog(updateStarted - 5, "info", "podclique-controller", "Selected ready pod for update", {
        podclique: { name: prefill, namespace: NS },
        pod: oldPodName(prefill, 0),
      }),
      b.opLog(45, "info", "podclique-controller", "Selected ready pod for update", {
        podclique: { name: prefill, namespace: NS },
        pod: oldPodName(prefill, 1),
      }),
      ...reconcileLines(b, name, 20),
    ],
  });
  return b.build({
    description:
      "Mid-rollout: PCS chat-disagg (generation 2, RollingRecreate, Dynamo images 0.6.0 -> 0.6.1): frontend updated, prefill 2 of 3 pods on the new template (one still ContainerCreating), decode group not started; ControllerRevisions 1 and 2 recorded by kubectl-grove; no topology object and no rack labels, no placement scores.",
    namespace: NS,
    groveInstalled: true,
  });
}
