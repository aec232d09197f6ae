/**
 * A PodCliqueSet definition expanded the way the Grove operator expands it:
 * the PCS object, PodCliques, PodCliqueScalingGroups, PodGangs and pods,
 * with owner references, labels, and statuses derived from the pods.
 *
 * @module
 */

import {
  AnnotationKeys,
  ComponentValues,
  ConditionReasons,
  ConditionTypes,
  GPU_RESOURCE,
  LabelKeys,
  MANAGED_BY_GROVE,
} from "../../grove/labels.ts";
import {
  baseGangName,
  cliqueName,
  headlessServiceName,
  podHostname,
  scalingGroupName,
} from "../../grove/names.ts";
import type {
  Condition,
  Container,
  Pod,
  PodClique,
  PodCliqueScalingGroup,
  PodCliqueSet,
  PodGang,
  PodGangPhase,
} from "../../grove/types.ts";
import { expandPodCliqueSet } from "../expansion.ts";
import type { ScenarioBuilder } from "./builder.ts";
import { enginePort, SCENARIO_ENGINES } from "./engines.ts";
import { shortHash, suffixFor, uidFor } from "./ids.ts";
import { DOMAIN_KEYS } from "./topology.ts";
import type { CliqueDef, GroupDef, PcsDef, PcsPlan, PodSlot } from "./types.ts";

function groveLabels(
  pcs: string,
  extra: Record<string, string | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {
    [LabelKeys.managedBy]: MANAGED_BY_GROVE,
    [LabelKeys.partOf]: pcs,
  };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) out[k] = v;
  return out;
}

function engineArgs(c: CliqueDef): string[] {
  const tp = Math.max(c.gpus, 1);
  switch (c.engine) {
    case "vllm":
      return [
        "python3",
        "-m",
        "dynamo.vllm",
        "--model",
        c.model,
        ...(c.args?.includes("--tensor-parallel-size")
          ? []
          : ["--tensor-parallel-size", String(tp)]),
        ...(c.args ?? []),
      ];
    case "vllm-follower":
      return ["python3", "-m", "dynamo.vllm", "--model", c.model, "--headless", ...(c.args ?? [])];
    case "sglang":
      return [
        "python3",
        "-m",
        "dynamo.sglang",
        "--model-path",
        c.model,
        "--tp",
        String(tp),
        "--enable-metrics",
        ...(c.args ?? []),
      ];
    case "sglang-follower":
      return ["python3", "-m", "dynamo.sglang", "--model-path", c.model, ...(c.args ?? [])];
    case "dynamo-frontend":
      return ["python3", "-m", "dynamo.frontend", "--http-port", "8000", ...(c.args ?? [])];
  }
}

function containerFor(c: CliqueDef, image?: string): Container {
  const e = SCENARIO_ENGINES[c.engine];
  const port = enginePort(c.engine);
  const argv = engineArgs(c);
  const limits: Record<string, string> = { cpu: String(c.cpu), memory: c.memory };
  if (c.gpus) limits[GPU_RESOURCE] = String(c.gpus);
  const out: Container = {
    name: e.container,
    image: image ?? c.image ?? e.image,
    command: argv.slice(0, 3),
    args: argv.slice(3),
    resources: { requests: { ...limits }, limits },
  };
  if (port) {
    out.ports = [{ containerPort: port, name: "http", protocol: "TCP" }];
    out.readinessProbe = {
      httpGet: { path: "/health", port },
      periodSeconds: 10,
      failureThreshold: 3,
    };
  }
  return out;
}

function podSpecTemplate(def: PcsDef, c: CliqueDef, image?: string): Record<string, unknown> {
  return {
    ...(def.schedulerName ? { schedulerName: def.schedulerName } : {}),
    containers: [containerFor(c, image)],
    tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }],
    terminationGracePeriodSeconds: 30,
  };
}

function condition(
  b: ScenarioBuilder,
  type: string,
  status: "True" | "False",
  reason: string,
  message: string,
  ago: number,
  gen = 1,
): Condition {
  return { type, status, reason, message, lastTransitionTime: b.t(ago), observedGeneration: gen };
}

interface CliqueInstance {
  def: CliqueDef;
  fullName: string;
  replica: number;
  group?: GroupDef;
  groupFullName?: string;
  groupReplica?: number;
  gang: string;
  pods: Pod[];
}

/**
 * Builds a PodCliqueSet and everything the Grove operator makes of it: its
 * cliques and scaling groups (the expansion of `../expansion.ts`), pods,
 * gangs, owner references, labels and statuses derived from the pods.
 */
export function expandPcs(
  b: ScenarioBuilder,
  def: PcsDef,
  plan: PcsPlan,
): { pods: Pod[]; gangs: string[] } {
  const ns = def.namespace;
  const gen = def.generation ?? 1;
  const genHash = plan.generationHash ?? shortHash(`${def.name}/gen/${gen}`);
  const byName = new Map(def.cliques.map((c) => [c.name, c]));
  const groups = def.groups ?? [];
  const pcsUid = uidFor(`PodCliqueSet/${ns}/${def.name}`);
  const topologyKeyOf = (domain?: string) => domain ? DOMAIN_KEYS[domain] ?? domain : undefined;

  // --- PCS object ---
  const template: Record<string, unknown> = {
    cliqueStartupType: def.cliqueStartupType ?? "CliqueStartupTypeAnyOrder",
    cliques: def.cliques.map((c) => ({
      name: c.name,
      spec: {
        roleName: c.role ?? c.name,
        replicas: c.replicas,
        ...(c.minAvailable !== undefined ? { minAvailable: c.minAvailable } : {}),
        ...(c.startsAfter ? { startsAfter: c.startsAfter } : {}),
        podSpec: podSpecTemplate(def, c),
      },
    })),
    headlessServiceConfig: { publishNotReadyAddresses: true },
    ...(def.priorityClassName ? { priorityClassName: def.priorityClassName } : {}),
    ...(def.terminationDelay ? { terminationDelay: def.terminationDelay } : {}),
    ...(def.topologyName && def.pack
      ? { topologyConstraint: { topologyName: def.topologyName, pack: def.pack } }
      : {}),
    ...(groups.length
      ? {
        podCliqueScalingGroups: groups.map((g) => ({
          name: g.name,
          cliqueNames: g.cliqueNames,
          replicas: g.replicas,
          minAvailable: g.minAvailable ?? 1,
          ...(def.topologyName && g.pack
            ? { topologyConstraint: { topologyName: def.topologyName, pack: g.pack } }
            : {}),
        })),
      }
      : {}),
  };

  // --- instances: the Grove expansion of the template ---
  const groupByName = new Map(groups.map((g) => [g.name, g]));
  const expansion = expandPodCliqueSet({
    apiVersion: "grove.io/v1alpha1",
    kind: "PodCliqueSet",
    metadata: { name: def.name, namespace: ns },
    spec: { replicas: def.replicas, template },
  } as unknown as PodCliqueSet);
  const instances: CliqueInstance[] = expansion.cliques.map((c) => ({
    def: byName.get(c.template.name)!,
    fullName: c.name,
    replica: c.replica,
    group: c.groupTemplate !== undefined ? groupByName.get(c.groupTemplate) : undefined,
    groupFullName: c.group,
    groupReplica: c.groupReplica,
    gang: c.gang,
    pods: [],
  }));

  // --- pods ---
  const allPods: Pod[] = [];
  for (const inst of instances) {
    const cp = plan.cliques?.[inst.fullName];
    const currentHash = cp?.templateHash ?? shortHash(`${inst.fullName}/tpl/${gen}`);
    for (let i = 0; i < inst.def.replicas; i++) {
      const slot: PodSlot = {
        pcs: def.name,
        replica: inst.replica,
        clique: inst.def.name,
        cliqueFullName: inst.fullName,
        group: inst.group?.name,
        groupReplica: inst.groupReplica,
        index: i,
        gang: inst.gang,
        gpus: inst.def.gpus,
        engine: inst.def.engine,
      };
      const pp = plan.pod(slot);
      const name = `${inst.fullName}-${
        suffixFor(`${inst.fullName}/${i}/${pp.templateHash ?? currentHash}`)
      }`;
      const labels = groveLabels(def.name, {
        [LabelKeys.component]: inst.group
          ? ComponentValues.pcsgPodClique
          : ComponentValues.pcsPodClique,
        [LabelKeys.pcsReplicaIndex]: String(inst.replica),
        [LabelKeys.podTemplateHash]: pp.templateHash ?? currentHash,
        [LabelKeys.scalingGroup]: inst.groupFullName,
        [LabelKeys.scalingGroupReplicaIndex]: inst.groupReplica !== undefined
          ? String(inst.groupReplica)
          : undefined,
        [LabelKeys.podClique]: inst.fullName,
        [LabelKeys.podGang]: inst.gang,
        [LabelKeys.podIndex]: String(i),
      });
      const e = SCENARIO_ENGINES[inst.def.engine];
      const container = containerFor(inst.def, pp.image ?? cp?.image);
      container.env = [
        { name: "GROVE_PCS_NAME", value: def.name },
        { name: "GROVE_PCS_INDEX", value: String(inst.replica) },
        { name: "GROVE_PCLQ_NAME", value: inst.fullName },
        {
          name: "GROVE_HEADLESS_SERVICE",
          value: `${headlessServiceName(def.name, inst.replica)}.${ns}.svc.cluster.local`,
        },
        { name: "GROVE_PCLQ_POD_INDEX", value: String(i) },
        ...(inst.group
          ? [
            { name: "GROVE_PCSG_NAME", value: inst.groupFullName },
            { name: "GROVE_PCSG_INDEX", value: String(inst.groupReplica) },
          ]
          : []),
      ];
      const pod = b.pod({
        name,
        namespace: ns,
        labels,
        ownerRef: { apiVersion: "grove.io/v1alpha1", kind: "PodClique", name: inst.fullName },
        containers: [container],
        plan: { createdAgo: def.createdAgo - 5, ...pp },
        schedulerName: def.schedulerName,
        hostname: podHostname(inst.fullName, i),
        subdomain: headlessServiceName(def.name, inst.replica),
        priorityClassName: def.priorityClassName,
      });
      inst.pods.push(pod);
      allPods.push(pod);
      const st = pp.state ?? "running";
      if (e.metrics && pp.node && (st === "running" || st === "notready")) {
        b.metrics.set(`${ns}/${name}`, e.metrics.map((s) => ({ sample: s })));
      }
    }
  }

  // --- cliques ---
  const cliqueBreached = new Map<string, boolean>();
  for (const inst of instances) {
    const cp = plan.cliques?.[inst.fullName];
    const c = inst.def;
    const min = c.minAvailable ?? c.replicas;
    const ready = inst.pods.filter((p) =>
      p.status?.conditions?.some((x) =>
        x.type === "Ready" && x.status === "True"
      )
    ).length;
    const scheduled = inst.pods.filter((p) => p.spec.nodeName).length;
    const gated = inst.pods.filter((p) => (p.spec.schedulingGates?.length ?? 0) > 0).length;
    const currentHash = cp?.templateHash ?? shortHash(`${inst.fullName}/tpl/${gen}`);
    const updated =
      inst.pods.filter((p) => p.metadata.labels?.[LabelKeys.podTemplateHash] === currentHash)
        .length;
    const breached = ready < min;
    cliqueBreached.set(inst.fullName, breached);
    const created = cp?.createdAgo ?? def.createdAgo - 2;
    const conditions: Condition[] = [
      breached
        ? condition(
          b,
          ConditionTypes.minAvailableBreached,
          "True",
          ConditionReasons.insufficientReadyPods,
          `Insufficient ready pods. expected at least: ${min}, found: ${ready}`,
          cp?.breachedAgo ?? 600,
          gen,
        )
        : condition(
          b,
          ConditionTypes.minAvailableBreached,
          "False",
          ConditionReasons.sufficientReadyPods,
          `Sufficient ready pods found. expected at least: ${min}, found: ${ready}`,
          Math.max(created - 300, 0),
          gen,
        ),
      scheduled >= min
        ? condition(
          b,
          ConditionTypes.podCliqueScheduled,
          "True",
          ConditionReasons.sufficientScheduledPods,
          `Sufficient scheduled pods found. expected at least: ${min}, found: ${scheduled}`,
          Math.max(created - 10, 0),
          gen,
        )
        : condition(
          b,
          ConditionTypes.podCliqueScheduled,
          "False",
          ConditionReasons.insufficientScheduledPods,
          `Insufficient scheduled pods. expected at least: ${min}, found: ${scheduled}`,
          Math.max(created - 10, 0),
          gen,
        ),
    ];
    const labels = groveLabels(def.name, {
      [LabelKeys.component]: inst.group
        ? ComponentValues.pcsgPodClique
        : ComponentValues.pcsPodClique,
      [LabelKeys.pcsReplicaIndex]: String(inst.replica),
      [LabelKeys.podTemplateHash]: currentHash,
      [LabelKeys.scalingGroup]: inst.groupFullName,
      [LabelKeys.scalingGroupReplicaIndex]: inst.groupReplica !== undefined
        ? String(inst.groupReplica)
        : undefined,
      [LabelKeys.podGang]: inst.gang,
    });
    const owner = inst.group
      ? {
        apiVersion: "grove.io/v1alpha1",
        kind: "PodCliqueScalingGroup",
        name: inst.groupFullName!,
      }
      : { apiVersion: "grove.io/v1alpha1", kind: "PodCliqueSet", name: def.name };
    b.add<PodClique>({
      apiVersion: "grove.io/v1alpha1",
      kind: "PodClique",
      metadata: b.meta("PodClique", inst.fullName, ns, created, {
        generation: 1,
        labels,
        finalizers: ["grove.io/podclique.grove.io"],
        ownerReferences: [{
          ...owner,
          uid: uidFor(`${owner.kind}/${ns}/${owner.name}`),
          controller: true,
          blockOwnerDeletion: true,
        }],
      }),
      spec: {
        roleName: c.role ?? c.name,
        replicas: c.replicas,
        ...(c.minAvailable !== undefined
          ? { minAvailable: c.minAvailable }
          : { minAvailable: c.replicas }),
        ...(c.startsAfter
          ? { startsAfter: c.startsAfter.map((s) => cliqueName(def.name, inst.replica, s)) }
          : {}),
        podSpec: podSpecTemplate(def, c, cp?.image) as never,
      },
      status: {
        observedGeneration: 1,
        replicas: inst.pods.length,
        readyReplicas: ready,
        updatedReplicas: updated,
        scheduleGatedReplicas: gated,
        scheduledReplicas: scheduled,
        hpaPodSelector: `${LabelKeys.podClique}=${inst.fullName}`,
        currentPodTemplateHash: currentHash,
        currentPodCliqueSetGenerationHash: genHash,
        conditions,
        ...(cp?.updateProgress ? { updateProgress: cp.updateProgress as never } : {}),
        ...(cp?.statusExtra ?? {}),
      },
    });
  }

  // --- scaling groups ---
  const pcsgBreached = new Map<string, boolean>();
  for (let r = 0; r < def.replicas; r++) {
    for (const g of groups) {
      const full = scalingGroupName(def.name, r, g.name);
      const members = instances.filter((i) => i.groupFullName === full);
      let available = 0;
      let scheduledReplicas = 0;
      for (let j = 0; j < g.replicas; j++) {
        const m = members.filter((i) => i.groupReplica === j);
        if (m.every((i) => !cliqueBreached.get(i.fullName))) available++;
        if (
          m.every((i) =>
            i.pods.filter((p) => p.spec.nodeName).length >= (i.def.minAvailable ?? i.def.replicas)
          )
        ) {
          scheduledReplicas++;
        }
      }
      const min = g.minAvailable ?? 1;
      const breached = available < min;
      pcsgBreached.set(full, breached);
      const breachAgo = Math.min(
        ...members.filter((i) => cliqueBreached.get(i.fullName)).map((i) =>
          plan.cliques?.[i.fullName]?.breachedAgo ?? 600
        ),
        600,
      );
      b.add<PodCliqueScalingGroup>({
        apiVersion: "grove.io/v1alpha1",
        kind: "PodCliqueScalingGroup",
        metadata: b.meta("PodCliqueScalingGroup", full, ns, def.createdAgo - 1, {
          generation: 1,
          labels: groveLabels(def.name, {
            [LabelKeys.component]: ComponentValues.scalingGroup,
            [LabelKeys.pcsReplicaIndex]: String(r),
          }),
          finalizers: ["grove.io/podcliquescalinggroup.grove.io"],
          ownerReferences: [{
            apiVersion: "grove.io/v1alpha1",
            kind: "PodCliqueSet",
            name: def.name,
            uid: pcsUid,
            controller: true,
            blockOwnerDeletion: true,
          }],
        }),
        spec: { replicas: g.replicas, minAvailable: min, cliqueNames: g.cliqueNames },
        status: {
          observedGeneration: 1,
          replicas: g.replicas,
          scheduledReplicas,
          availableReplicas: available,
          updatedReplicas: g.replicas,
          selector:
            `${LabelKeys.managedBy}=${MANAGED_BY_GROVE},${LabelKeys.partOf}=${def.name},${LabelKeys.scalingGroup}=${full}`,
          currentPodCliqueSetGenerationHash: genHash,
          conditions: [
            breached
              ? condition(
                b,
                ConditionTypes.minAvailableBreached,
                "True",
                ConditionReasons.insufficientAvailablePCSGReplicas,
                `Insufficient PodCliqueScalingGroup ready replicas, expected at least: ${min}, found: ${available}`,
                breachAgo,
              )
              : condition(
                b,
                ConditionTypes.minAvailableBreached,
                "False",
                ConditionReasons.sufficientAvailablePCSGReplicas,
                `Sufficient PodCliqueScalingGroup ready replicas, expected at least: ${min}, found: ${available}`,
                Math.max(def.createdAgo - 300, 0),
              ),
          ],
        },
      });
    }
  }

  // --- gangs ---
  const gangNames: string[] = [];
  const gangStatuses: { name: string; phase: PodGangPhase }[] = [];
  for (let r = 0; r < def.replicas; r++) {
    const base = baseGangName(def.name, r);
    // the base gang, then the scaled gangs of this replica, in expansion order
    const gangList: { name: string; group?: GroupDef }[] = [{ name: base }];
    for (const gang of expansion.gangs.keys()) {
      const first = instances.find((i) => i.gang === gang);
      if (gang !== base && first?.replica === r) gangList.push({ name: gang, group: first.group });
    }
    for (const gg of gangList) {
      const members = instances.filter((i) => i.gang === gg.name);
      const pods = members.flatMap((i) => i.pods);
      const gp = plan.gangs?.[gg.name] ?? {};
      const allScheduled = pods.every((p) => p.spec.nodeName);
      const noneScheduled = pods.every((p) => !p.spec.nodeName);
      const allRunning = pods.every((p) => p.status?.phase === "Running");
      const phase: PodGangPhase = gp.phase ??
        (noneScheduled ? "Pending" : allScheduled && allRunning ? "Running" : "Starting");
      const groupConfigs = [];
      if (def.topologyName) {
        for (const g of groups) {
          if (!g.pack) continue;
          const replicas = [
            ...new Set(members.filter((i) => i.group === g).map((i) => i.groupReplica!)),
          ];
          for (const j of replicas) {
            groupConfigs.push({
              name: `${scalingGroupName(def.name, r, g.name)}-${j}`,
              podGroupNames: members.filter((i) => i.group === g && i.groupReplica === j).map((i) =>
                i.fullName
              ),
              topologyConstraint: {
                packConstraint: {
                  ...(g.pack.required ? { required: topologyKeyOf(g.pack.required) } : {}),
                  ...(g.pack.preferred ? { preferred: topologyKeyOf(g.pack.preferred) } : {}),
                },
              },
            });
          }
        }
      }
      const labels = groveLabels(def.name, {
        [LabelKeys.component]: ComponentValues.podGang,
        [LabelKeys.pcsReplicaIndex]: String(r),
        [LabelKeys.scalingGroup]: gg.group
          ? scalingGroupName(def.name, r, gg.group.name)
          : undefined,
        [LabelKeys.basePodGang]: gg.group ? base : undefined,
      });
      const oldestPod = Math.max(
        0,
        ...pods.map((p) => (b.base - Date.parse(p.metadata.creationTimestamp!)) / 1000),
      );
      b.add<PodGang>({
        apiVersion: "scheduler.grove.io/v1alpha1",
        kind: "PodGang",
        metadata: b.meta("PodGang", gg.name, ns, Math.min(def.createdAgo - 3, oldestPod + 1), {
          generation: 1,
          labels,
          ...(def.topologyName
            ? { annotations: { [AnnotationKeys.topologyName]: def.topologyName } }
            : {}),
          ownerReferences: [{
            apiVersion: "grove.io/v1alpha1",
            kind: "PodCliqueSet",
            name: def.name,
            uid: pcsUid,
            controller: true,
            blockOwnerDeletion: true,
          }],
        }),
        spec: {
          podgroups: members.map((i) => ({
            name: i.fullName,
            podReferences: i.pods
              .map((p) => ({ namespace: ns, name: p.metadata.name }))
              .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
            minReplicas: i.def.minAvailable ?? i.def.replicas,
          })),
          ...(def.topologyName && def.pack
            ? {
              topologyConstraint: {
                packConstraint: {
                  ...(def.pack.required ? { required: topologyKeyOf(def.pack.required) } : {}),
                  ...(def.pack.preferred ? { preferred: topologyKeyOf(def.pack.preferred) } : {}),
                },
              },
            }
            : {}),
          ...(groupConfigs.length ? { topologyConstraintGroupConfigs: groupConfigs } : {}),
          ...(def.priorityClassName ? { priorityClassName: def.priorityClassName } : {}),
        },
        status: {
          phase,
          ...(gp.placementScore !== undefined ? { placementScore: gp.placementScore } : {}),
          ...(gp.conditions ? { conditions: gp.conditions } : {}),
        },
      });
      gangNames.push(gg.name);
      gangStatuses.push({ name: gg.name, phase });
    }
  }

  // --- PCS ---
  let available = 0;
  for (let r = 0; r < def.replicas; r++) {
    const standaloneOk = instances
      .filter((i) => i.replica === r && !i.group)
      .every((i) => !cliqueBreached.get(i.fullName));
    const groupsOk = groups.every((g) => !pcsgBreached.get(scalingGroupName(def.name, r, g.name)));
    if (standaloneOk && groupsOk) available++;
  }
  const pcsStatus: Record<string, unknown> = {
    observedGeneration: gen,
    replicas: def.replicas,
    updatedReplicas: def.replicas,
    availableReplicas: available,
    hpaPodSelector: `${LabelKeys.managedBy}=${MANAGED_BY_GROVE},${LabelKeys.partOf}=${def.name}`,
    podGangStatuses: gangStatuses,
    currentGenerationHash: genHash,
    ...(plan.pcsStatus ?? {}),
  };
  b.add<PodCliqueSet>({
    apiVersion: "grove.io/v1alpha1",
    kind: "PodCliqueSet",
    metadata: b.meta("PodCliqueSet", def.name, ns, def.createdAgo, {
      generation: gen,
      ...(def.labels ? { labels: def.labels } : {}),
      finalizers: ["grove.io/podcliqueset.grove.io"],
    }),
    spec: {
      replicas: def.replicas,
      updateStrategy: { type: def.updateStrategy ?? "RollingRecreate" },
      template: template as never,
    },
    status: pcsStatus as never,
  });
  return { pods: allPods, gangs: gangNames };
}
