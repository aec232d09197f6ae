/**
 * Turns an AIConfigurator recommendation into a PodCliqueSet manifest:
 * a `frontend` clique (HTTP API and router), then `prefill` and `decode`
 * cliques (disagg) or one `worker` clique (agg). Replicas are the worker
 * counts of the whole deployment; each pod asks for the GPUs of one worker.
 * A worker that needs more GPUs than a node has becomes a
 * PodCliqueScalingGroup named after the role, with a leader clique
 * `<role>-ldr` (1 pod) and a follower clique `<role>-wkr` (nodes - 1 pods),
 * one group replica per worker. A TensorRT-LLM worker across nodes is one MPI
 * world: its pods mount the SSH key pair Secret `<pcs>-mpi-ssh`, which must
 * exist before the set starts (`generate` prints how to create it).
 *
 * The PodCliqueSet carries the label `grove.io/aic-plan=<pcs>` (the same
 * label as its plan ConfigMap) and its plan as JSON in the
 * `grove.io/aic-plan-json` annotation, so `plan store -f <manifest>` works.
 *
 * @module
 */

import { yamlDump } from "../deps.ts";
import { GroveError } from "../errors.ts";
import { GPU_RESOURCE } from "../grove/labels.ts";
import type {
  Container,
  PodCliqueScalingGroupConfig,
  PodCliqueSet,
  PodCliqueTemplateSpec,
} from "../grove/types.ts";
import {
  defaultImage,
  type EngineCommand,
  FRONTEND_PORT,
  frontendCommand,
  MPI_SSH_MOUNT,
  MPI_SSH_PORT,
  mpiSshSecretName,
  type NodePart,
  WORKER_METRICS_PORT,
  workerCommand,
  type WorkerRole,
} from "./engines.ts";
import { type Plan, PLAN_JSON_ANNOTATION, PLAN_LABEL } from "./plan.ts";
import type { AicResults, Backend, RolePlan, ServingMode } from "./results.ts";

/** Label on each generated clique naming its role (frontend, prefill, decode, worker). */
export const ROLE_LABEL = "grove.io/aic-role";

/** Options of {@link buildManifest}. */
export interface ManifestOptions {
  /** PodCliqueSet name. */
  name: string;
  /** Namespace, when known. */
  namespace?: string;
  /** Container image of workers and frontend (default: the backend's Dynamo runtime). */
  image?: string;
  /** GPUs per node (default 8). */
  gpusPerNode?: number;
  /** Backend for the commands (default: the results' backend). */
  backend?: Backend;
  /** The plan to embed (annotation). */
  plan?: Plan;
}

/** A role as laid out in the manifest. */
export interface RoleLayout {
  role: WorkerRole;
  /** Workers (clique replicas, or scaling group replicas for multi-node). */
  workers: number;
  /** Nodes (pods) per worker. */
  nodes: number;
  /** GPUs per pod. */
  gpusPerPod: number;
  /** TP/PP/DP and GPUs per worker. */
  plan: RolePlan;
}

/** Normalises a model id into a DNS-label PCS name: `Qwen/Qwen3-32B-FP8` -> `qwen3-32b-fp8`. */
export function defaultName(model: string, mode?: ServingMode): string {
  const base = (model.split("/").filter(Boolean).pop() ?? "llm").toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^-|-$/g, "").slice(0, 28)
    .replace(/-$/, "") || "llm";
  const start = /^[a-z]/.test(base) ? base : `m-${base}`;
  return mode ? `${start}-${mode}` : start;
}

/** Checks a PCS name: a DNS label short enough for the names Grove derives from it. */
export function checkPcsName(name: string): void {
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
    throw new GroveError(
      `invalid name "${name}": use lower-case letters, digits and '-', starting with a letter`,
      { hint: "pass --name my-inference" },
    );
  }
  if (name.length > 40) {
    throw new GroveError(
      `name "${name}" is ${name.length} characters: Grove derives pod names from it (<pcs>-<replica>-<group>-<j>-<clique>-<n>), keep it to 40 or fewer`,
      { hint: "pass a shorter --name" },
    );
  }
}

/** Lays a role out on nodes: multi-node when a worker needs more GPUs than a node has. */
export function layoutRole(role: WorkerRole, plan: RolePlan, gpusPerNode: number): RoleLayout {
  if (!Number.isInteger(gpusPerNode) || gpusPerNode < 1) {
    throw new GroveError(`--gpus-per-node must be a whole number >= 1, got ${gpusPerNode}`);
  }
  const gpus = plan.gpusPerWorker;
  if (gpus <= gpusPerNode) return { role, workers: plan.workers, nodes: 1, gpusPerPod: gpus, plan };
  const nodes = Math.ceil(gpus / gpusPerNode);
  if (gpus % nodes !== 0) {
    throw new GroveError(
      `a ${role} worker needs ${gpus} GPUs, which do not split evenly over ${nodes} nodes of ${gpusPerNode} GPUs`,
      { hint: "pass --gpus-per-node with the GPUs your nodes really have" },
    );
  }
  return { role, workers: plan.workers, nodes, gpusPerPod: gpus / nodes, plan };
}

function container(
  name: string,
  image: string,
  cmd: EngineCommand,
  gpus: number,
  ports: { name: string; containerPort: number }[],
  env: { name: string; value: string }[],
): Container {
  const c: Container = {
    name,
    image,
    command: cmd.command,
    args: cmd.args,
    ports: ports.map((p) => ({ ...p, protocol: "TCP" })),
    env,
  };
  if (gpus > 0) {
    c.resources = {
      requests: { [GPU_RESOURCE]: String(gpus) },
      limits: { [GPU_RESOURCE]: String(gpus) },
    };
  } else {
    c.resources = { requests: { cpu: "1", memory: "2Gi" } };
  }
  return c;
}

function workerEnv(pcs: string): { name: string; value: string }[] {
  return [
    { name: "DYN_NAMESPACE", value: pcs },
    { name: "DYN_SYSTEM_ENABLED", value: "true" },
    { name: "DYN_SYSTEM_PORT", value: String(WORKER_METRICS_PORT) },
  ];
}

function clique(
  name: string,
  role: string,
  replicas: number,
  c: Container,
  metricsPort: number,
  extra: Partial<PodCliqueTemplateSpec["spec"]> = {},
): PodCliqueTemplateSpec {
  return {
    name,
    labels: { [ROLE_LABEL]: role },
    annotations: metricsAnnotations(metricsPort),
    spec: {
      roleName: name,
      replicas,
      minAvailable: replicas > 0 ? 1 : 0,
      ...extra,
      podSpec: {
        containers: [c],
        terminationGracePeriodSeconds: 60,
      },
    },
  };
}

function metricsAnnotations(port: number): Record<string, string> {
  return {
    "prometheus.io/scrape": "true",
    "prometheus.io/port": String(port),
    "prometheus.io/path": "/metrics",
  };
}

/**
 * Builds the PodCliqueSet for one mode of a results directory (pure).
 *
 * @example
 * ```ts ignore
 * import { buildManifest } from "./manifest.ts";
 * const pcs = buildManifest(results, "disagg", { name: "qwen3-disagg", gpusPerNode: 8 });
 * ```
 */
export function buildManifest(
  r: AicResults,
  mode: ServingMode,
  opts: ManifestOptions,
): PodCliqueSet {
  checkPcsName(opts.name);
  const m = r[mode];
  if (!m) {
    throw new GroveError(`no ${mode} configuration in ${r.dir}`, {
      hint: `only the ${mode === "disagg" ? "agg" : "disagg"} manifest can be generated`,
    });
  }
  const backend = (opts.backend ?? r.backend) as Backend;
  if (!["sglang", "vllm", "trtllm"].includes(backend)) {
    throw new GroveError(`backend "${backend}" is not supported for manifests`, {
      hint: "use --backend sglang, vllm or trtllm",
    });
  }
  const image = opts.image ??
    (r.suggestedImage && r.backend === backend ? r.suggestedImage : defaultImage(backend));
  const gpusPerNode = opts.gpusPerNode ?? r.gpusPerNode ?? 8;
  const pcs = opts.name;
  const roles: [WorkerRole, RolePlan][] = mode === "disagg"
    ? [["prefill", m.prefill!], ["decode", m.decode!]]
    : [["worker", m.worker!]];

  const cliques: PodCliqueTemplateSpec[] = [
    clique(
      "frontend",
      "frontend",
      1,
      container(
        "frontend",
        image,
        frontendCommand(),
        0,
        [{ name: "http", containerPort: FRONTEND_PORT }],
        [{ name: "DYN_NAMESPACE", value: pcs }],
      ),
      FRONTEND_PORT,
    ),
  ];
  const groups: PodCliqueScalingGroupConfig[] = [];
  let explicitOrder = false;
  for (const [role, plan] of roles) {
    const lay = layoutRole(role, plan, gpusPerNode);
    const ports = [{ name: "metrics", containerPort: WORKER_METRICS_PORT }];
    const ldr = `${role}-ldr`, wkr = `${role}-wkr`;
    // TensorRT-LLM across nodes: one MPI world over SSH, keys from a Secret (see engines.ts).
    const mpi = lay.nodes > 1 && backend === "trtllm";
    const make = (part: NodePart) => {
      const c = container(
        role,
        image,
        workerCommand({
          backend,
          model: r.model,
          role,
          plan,
          nodes: lay.nodes,
          part,
          leaderClique: lay.nodes > 1 ? ldr : undefined,
          followerClique: lay.nodes > 1 ? wkr : undefined,
          gpusPerPod: lay.gpusPerPod,
        }),
        lay.gpusPerPod,
        mpi && part === "follower" ? [{ name: "ssh", containerPort: MPI_SSH_PORT }] : ports,
        mpi
          ? [...workerEnv(pcs), { name: "OMPI_MCA_orte_keep_fqdn_hostnames", value: "1" }]
          : workerEnv(pcs),
      );
      if (mpi) c.volumeMounts = [{ name: "mpi-ssh", mountPath: MPI_SSH_MOUNT, readOnly: true }];
      return c;
    };
    const withSecret = (t: PodCliqueTemplateSpec): PodCliqueTemplateSpec => {
      if (!mpi) return t;
      t.spec.podSpec.volumes = [{
        name: "mpi-ssh",
        secret: { secretName: mpiSshSecretName(pcs), defaultMode: 0o440 },
      }];
      return t;
    };
    if (lay.nodes === 1) {
      cliques.push(clique(role, role, lay.workers, make("single"), WORKER_METRICS_PORT));
      continue;
    }
    explicitOrder = true;
    // vLLM and SGLang followers join a leader that listens first; TensorRT-LLM's leader runs
    // mpirun, which needs the followers' SSH daemons up: there the leader starts after them.
    cliques.push(
      withSecret(
        clique(
          ldr,
          role,
          1,
          make("leader"),
          WORKER_METRICS_PORT,
          mpi ? { startsAfter: [wkr] } : {},
        ),
      ),
    );
    cliques.push(
      withSecret(
        clique(
          wkr,
          role,
          lay.nodes - 1,
          make("follower"),
          WORKER_METRICS_PORT,
          mpi ? {} : { startsAfter: [ldr] },
        ),
      ),
    );
    groups.push({ name: role, cliqueNames: [ldr, wkr], replicas: lay.workers, minAvailable: 1 });
  }

  const annotations: Record<string, string> = {
    "grove.io/aic-model": r.model,
    "grove.io/aic-system": r.system,
    "grove.io/aic-serving-mode": mode,
  };
  if (opts.plan) annotations[PLAN_JSON_ANNOTATION] = JSON.stringify(opts.plan);
  const out: PodCliqueSet = {
    apiVersion: "grove.io/v1alpha1",
    kind: "PodCliqueSet",
    metadata: {
      name: pcs,
      ...(opts.namespace ? { namespace: opts.namespace } : {}),
      labels: {
        [PLAN_LABEL]: pcs,
        "app.kubernetes.io/name": pcs,
        "app.kubernetes.io/created-by": "kubectl-grove",
      },
      annotations,
    },
    spec: {
      replicas: 1,
      template: {
        ...(explicitOrder ? { cliqueStartupType: "CliqueStartupTypeExplicit" as const } : {}),
        ...(explicitOrder ? { headlessServiceConfig: { publishNotReadyAddresses: true } } : {}),
        cliques,
        ...(groups.length ? { podCliqueScalingGroups: groups } : {}),
      },
    },
  };
  return out;
}

/** The manifest as YAML with a header comment naming its source. */
export function manifestYaml(pcs: PodCliqueSet, header: string[] = []): string {
  const comment = header.map((l) => `# ${l}\n`).join("");
  return comment + "---\n" +
    yamlDump(pcs, { noRefs: true, lineWidth: -1, sortKeys: false });
}
