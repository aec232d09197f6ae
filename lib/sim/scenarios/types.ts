/**
 * The inputs and output of the scenario builders: PodCliqueSet, clique,
 * scaling group and node definitions, the per-pod, per-clique and per-gang
 * plans that say what state each object is in, and the built scenario.
 *
 * @module
 */

import type { KubeObject } from "../../kube/types.ts";
import type { Condition, PodGangPhase } from "../../grove/types.ts";
import type { Engine } from "./engines.ts";

/** What a scenario builder produces. */
export interface BuiltScenario {
  /** meta.json content. */
  meta: {
    recordedAt: string;
    description: string;
    namespace: string;
    groveInstalled: boolean;
    generator?: string;
  };
  /** All objects. */
  objects: KubeObject[];
  /** Logs by `<ns>/<pod>/<container>` or `<ns>/<pod>/<container>.previous`. */
  logs: Map<string, string>;
  /** Metrics by `<ns>/<pod>`: sample file names (in fixtures/metrics-samples/) or texts, in scrape order. */
  metrics: Map<string, { sample: string }[]>;
}

/** A clique of a PCS definition. */
export interface CliqueDef {
  /** Template name. */
  name: string;
  /** roleName (defaults to name). */
  role?: string;
  /** Pods. */
  replicas: number;
  /** minAvailable (omitted: defaults to replicas). */
  minAvailable?: number;
  /** GPUs per pod. */
  gpus: number;
  /** CPU cores per pod. */
  cpu: number;
  /** Memory per pod, e.g. `256Gi`. */
  memory: string;
  /** Engine. */
  engine: Engine;
  /** Model served. */
  model: string;
  /** Extra engine arguments. */
  args?: string[];
  /** startsAfter. */
  startsAfter?: string[];
  /** Image override. */
  image?: string;
}

/** A scaling group of a PCS definition. */
export interface GroupDef {
  /** Template name. */
  name: string;
  /** Member cliques. */
  cliqueNames: string[];
  /** Group replicas. */
  replicas: number;
  /** minAvailable (default 1). */
  minAvailable?: number;
  /** Pack by domain name. */
  pack?: { required?: string; preferred?: string };
}

/** A PodCliqueSet definition. */
export interface PcsDef {
  /** Name. */
  name: string;
  /** Namespace. */
  namespace: string;
  /** Set replicas. */
  replicas: number;
  /** Seconds before recordedAt the PCS was created. */
  createdAgo: number;
  /** terminationDelay (omitted: the 4h default applies). */
  terminationDelay?: string;
  /** Update strategy type. */
  updateStrategy?: "RollingRecreate" | "OnDelete";
  /** Topology name (when the cluster has a topology object). */
  topologyName?: string;
  /** PCS-level pack by domain name. */
  pack?: { required?: string; preferred?: string };
  /** Cliques in template order. */
  cliques: CliqueDef[];
  /** Scaling groups. */
  groups?: GroupDef[];
  /** Scheduler name. */
  schedulerName?: string;
  /** Priority class. */
  priorityClassName?: string;
  /** Startup type. */
  cliqueStartupType?:
    | "CliqueStartupTypeAnyOrder"
    | "CliqueStartupTypeInOrder"
    | "CliqueStartupTypeExplicit";
  /** metadata.generation (default 1). */
  generation?: number;
  /** Labels on the PCS. */
  labels?: Record<string, string>;
}

/** State of a pod. */
export type PodState = "running" | "crashloop" | "pending" | "creating" | "notready" | "gated";

/** How one pod of a PCS looks, decided by the scenario. */
export interface PodPlan {
  /** Node (absent for pending/gated pods). */
  node?: string;
  /** State (default running). */
  state?: PodState;
  /** Restarts (crash loops: required). */
  restarts?: number;
  /** Seconds before recordedAt the pod was created (default: PCS age minus a little). */
  createdAgo?: number;
  /** Pod template hash (default: the clique's current hash). */
  templateHash?: string;
  /** Image override (e.g. the old image during a rollout). */
  image?: string;
  /** PodScheduled=False message for pending pods. */
  unschedulableMessage?: string;
  /** Seconds before recordedAt the pod became ready / started. */
  readyAgo?: number;
  /** Seconds before recordedAt the current state began (crash loop last exit, pending since). */
  stateSince?: number;
}

/** Identity of one pod slot of a PCS, passed to the scenario's planner. */
export interface PodSlot {
  /** PCS name. */
  pcs: string;
  /** PCS replica. */
  replica: number;
  /** Clique template. */
  clique: string;
  /** Full PodClique name. */
  cliqueFullName: string;
  /** Scaling group template, for members. */
  group?: string;
  /** Scaling group replica. */
  groupReplica?: number;
  /** Pod index in the clique. */
  index: number;
  /** Gang name. */
  gang: string;
  /** GPUs per pod. */
  gpus: number;
  /** Engine. */
  engine: Engine;
}

/** Per-gang status decided by the scenario. */
export interface GangPlan {
  /** Phase (default: derived from pods). */
  phase?: PodGangPhase;
  /** placementScore (omitted: none written). */
  placementScore?: number;
  /** Conditions. */
  conditions?: Condition[];
}

/** Per-clique status overrides. */
export interface CliquePlan {
  /** When MinAvailableBreached became True (seconds before recordedAt). */
  breachedAgo?: number;
  /** Current pod template hash (rollouts). */
  templateHash?: string;
  /** updateProgress (rollouts). */
  updateProgress?: Record<string, unknown>;
  /** Status extra fields. */
  statusExtra?: Record<string, unknown>;
  /** Template overrides for the PodClique spec (e.g. the new image). */
  image?: string;
  /** Seconds before recordedAt the PodClique was created (default: with the PCS; later after a scale-up). */
  createdAgo?: number;
}

/** What a scenario decides about a PCS. */
export interface PcsPlan {
  /** Pod placement and state per slot. */
  pod: (slot: PodSlot) => PodPlan;
  /** Gang status per gang name. */
  gangs?: Record<string, GangPlan>;
  /** Clique overrides by full name. */
  cliques?: Record<string, CliquePlan>;
  /** Extra PCS status fields (updateProgress, conditions, lastErrors). */
  pcsStatus?: Record<string, unknown>;
  /** Generation hash of the PCS (default derived). */
  generationHash?: string;
}

// ---------------------------------------------------------------------------
// The builder
// ---------------------------------------------------------------------------

/** A node definition. */
export interface NodeDef {
  /** Name (also the hostname label). */
  name: string;
  /** Topology labels (zone, rack, ...). */
  labels: Record<string, string>;
  /** GPUs (0: a CPU node without the GPU resource). */
  gpus: number;
  /** CPU cores. */
  cpu?: number;
  /** Memory, e.g. `2048Gi`. */
  memory?: string;
  /** Cordoned. */
  unschedulable?: boolean;
  /** NotReady. */
  notReady?: boolean;
  /** GPU product label. */
  gpuProduct?: string;
  /** Instance type label. */
  instanceType?: string;
}
