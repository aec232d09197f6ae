/**
 * Engine-specific container commands for the generated workers. The workers
 * run the Dynamo wrappers of each engine (`python3 -m dynamo.<engine>`), as
 * AIConfigurator's own Kubernetes output does, with the engine's flags for
 * model, tensor/pipeline/data parallel sizes and metrics; the frontend runs
 * `python3 -m dynamo.frontend`. Multi-node workers follow Grove's
 * conventions: the leader is pod 0 of the `<role>-ldr` clique of the same
 * scaling group replica, reached as
 * `$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-<role>-ldr-0.$(GROVE_HEADLESS_SERVICE)`.
 *
 * @module
 */

import type { Backend, RolePlan } from "./results.ts";

/** The HTTP port of the frontend (OpenAI-compatible API). */
export const FRONTEND_PORT = 8000;
/** The port workers serve `/metrics` and health on (Dynamo system server). */
export const WORKER_METRICS_PORT = 9090;
/** Port of the SSH daemon on TensorRT-LLM follower pods (Dynamo's operator uses the same). */
export const MPI_SSH_PORT = 2222;
/** Where the SSH key pair Secret is mounted in multi-node TensorRT-LLM pods. */
export const MPI_SSH_MOUNT = "/etc/mpi-ssh";

/**
 * The Secret a multi-node TensorRT-LLM set needs: an SSH key pair (keys
 * `private.key`, `private.key.pub`) the leader's `mpirun` uses to start the
 * ranks on the follower pods.
 */
export function mpiSshSecretName(pcs: string): string {
  return `${pcs}-mpi-ssh`;
}

/** Dynamo release whose runtime images we default to. */
export const DEFAULT_DYNAMO_VERSION = "1.3.0";

/** The default runtime image of a backend. */
export function defaultImage(backend: Backend): string {
  const name = backend === "trtllm" ? "tensorrtllm" : backend;
  return `nvcr.io/nvidia/ai-dynamo/${name}-runtime:${DEFAULT_DYNAMO_VERSION}`;
}

/** A worker's role in the deployment. */
export type WorkerRole = "prefill" | "decode" | "worker";

/** Where in a multi-node worker a pod sits. */
export type NodePart = "single" | "leader" | "follower";

/** A container's command and arguments. */
export interface EngineCommand {
  command: string[];
  args: string[];
}

/** Inputs of {@link workerCommand}. */
export interface WorkerCommandInput {
  backend: Backend;
  model: string;
  role: WorkerRole;
  plan: RolePlan;
  /** Nodes one worker spans (1 for single-node workers). */
  nodes: number;
  part: NodePart;
  /** Name of the leader clique (multi-node), e.g. `prefill-ldr`. */
  leaderClique?: string;
  /** Name of the follower clique (multi-node), e.g. `prefill-wkr`. */
  followerClique?: string;
  /** GPUs of one pod (multi-node: the worker's GPUs over its nodes). */
  gpusPerPod?: number;
}

function leaderHost(clique: string): string {
  return podHost(clique, 0);
}

/** Pod `index` of a clique of the same scaling group replica, through the headless service. */
function podHost(clique: string, index: number): string {
  return `$(GROVE_PCSG_NAME)-$(GROVE_PCSG_INDEX)-${clique}-${index}.$(GROVE_HEADLESS_SERVICE)`;
}

function engineArgs(i: WorkerCommandInput): string[] {
  const { plan, model, role } = i;
  switch (i.backend) {
    case "vllm": {
      const a = [
        "--model",
        model,
        "--served-model-name",
        model,
        "--tensor-parallel-size",
        String(plan.tp),
        "--pipeline-parallel-size",
        String(plan.pp),
        "--data-parallel-size",
        String(plan.dp),
      ];
      if (plan.ep && plan.ep > 1) a.push("--enable-expert-parallel");
      if (role === "prefill") a.push("--is-prefill-worker");
      if (i.nodes > 1 && vllmDataParallelNodes(i)) {
        // Data-parallel ranks spread over the nodes: every node runs vLLM with its share of
        // the ranks, coordinated by the leader (followers headless), as Dynamo's operator does.
        const local = plan.dp / i.nodes;
        a.push(
          "--data-parallel-size-local",
          String(local),
          "--data-parallel-address",
          leaderHost(i.leaderClique!),
          "--data-parallel-rpc-port",
          "13445",
          "--data-parallel-start-rank",
          i.part === "leader" ? "0" : `$(( (GROVE_PCLQ_POD_INDEX + 1) * ${local} ))`,
        );
        if (i.part === "follower") a.push("--headless");
      } else if (i.nodes > 1) a.push("--distributed-executor-backend", "ray");
      return ["python3", "-m", "dynamo.vllm", ...a];
    }
    case "sglang": {
      const a = [
        "--model-path",
        model,
        "--served-model-name",
        model,
        // SGLang's --tp-size is the worker's world size; attention DP splits it (AIC's
        // tp1dp16 is --tp-size 16 --dp-size 16 --enable-dp-attention).
        "--tp-size",
        String(plan.tp * plan.dp),
        "--pp-size",
        String(plan.pp),
        "--dp-size",
        String(plan.dp),
        "--enable-metrics",
      ];
      if (plan.dp > 1) a.push("--enable-dp-attention");
      if (plan.ep && plan.ep > 1) a.push("--ep-size", String(plan.ep));
      if (role !== "worker") {
        a.push("--disaggregation-mode", role, "--disaggregation-transfer-backend", "nixl");
      }
      if (i.nodes > 1) {
        a.push(
          "--dist-init-addr",
          `${leaderHost(i.leaderClique!)}:29500`,
          "--nnodes",
          String(i.nodes),
          "--node-rank",
          i.part === "leader" ? "0" : "$((GROVE_PCLQ_POD_INDEX + 1))",
        );
      }
      return ["python3", "-m", "dynamo.sglang", ...a];
    }
    case "trtllm": {
      const a = [
        "--model-path",
        model,
        "--served-model-name",
        model,
        // TensorRT-LLM counts attention DP ranks in its tensor-parallel size (AIC's generated
        // engine config for tp1dp16: tensor_parallel_size 16, enable_attention_dp True).
        "--tensor-parallel-size",
        String(plan.tp * plan.dp),
        "--pipeline-parallel-size",
        String(plan.pp),
      ];
      if (plan.dp > 1) a.push("--enable-attention-dp");
      if (plan.ep && plan.ep > 1) a.push("--expert-parallel-size", String(plan.ep));
      if (role !== "worker") a.push("--disaggregation-mode", role);
      return ["python3", "-m", "dynamo.trtllm", ...a];
    }
  }
}

/**
 * vLLM across nodes by data parallelism: one tensor/pipeline group fits a
 * node and the DP ranks divide evenly over the nodes (else Ray spreads one
 * tensor/pipeline group over the nodes).
 */
function vllmDataParallelNodes(i: WorkerCommandInput): boolean {
  const { tp, pp, dp } = i.plan;
  const gpn = i.gpusPerPod ?? Math.ceil(i.plan.gpusPerWorker / i.nodes);
  return dp > 1 && tp * pp <= gpn && dp % i.nodes === 0;
}

/** Quotes a word for `sh -c` when it holds anything but safe characters. */
function shQuote(w: string): string {
  if (/^[\w@%+=:,./-]+$/.test(w)) return w;
  if (/^\$\(\([A-Z_ +0-9()*]+\)\)$/.test(w)) return `"${w}"`;
  return `'${w.replaceAll("'", `'\\''`)}'`;
}

/**
 * TensorRT-LLM across nodes: all ranks of a worker form one MPI world
 * (TensorRT-LLM's requirement), as Dynamo's operator sets it up. The leader
 * installs the key of the mounted SSH Secret and runs the engine under
 * `mpirun` with one slot per GPU on each pod of the worker (itself and the
 * follower pods, by their stable names through the headless service);
 * followers run only an SSH daemon on {@link MPI_SSH_PORT} that accepts that
 * key, with host keys generated in /tmp (no root needed).
 */
function trtllmMultiNode(i: WorkerCommandInput, words: string[]): EngineCommand {
  const gpn = i.gpusPerPod ?? Math.ceil(i.plan.gpusPerWorker / i.nodes);
  if (i.part === "follower") {
    const d = "/tmp/mpi-sshd";
    const script = [
      `mkdir -p ${d} /run/sshd 2>/dev/null; mkdir -p ${d}`,
      `ssh-keygen -q -t ed25519 -N '' -f ${d}/host_key`,
      `cp ${MPI_SSH_MOUNT}/private.key.pub ${d}/authorized_keys`,
      `chmod 600 ${d}/authorized_keys`,
      `exec /usr/sbin/sshd -D -e -p ${MPI_SSH_PORT} -h ${d}/host_key -o AuthorizedKeysFile=${d}/authorized_keys -o StrictModes=no -o PidFile=${d}/sshd.pid`,
    ].join(" && ");
    return { command: ["sh", "-c"], args: [script] };
  }
  const hosts = [
    `${podHost(i.leaderClique!, 0)}:${gpn}`,
    ...Array.from({ length: i.nodes - 1 }, (_, k) => `${podHost(i.followerClique!, k)}:${gpn}`),
  ].join(",");
  const mpirun = [
    "mpirun",
    "--allow-run-as-root",
    "--oversubscribe",
    "-n",
    String(i.plan.gpusPerWorker),
    "-H",
    hosts,
    "--mca",
    "pml",
    "ob1",
    "--mca",
    "plm_rsh_args",
    `"-p ${MPI_SSH_PORT} -i $HOME/.ssh/mpi_key -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"`,
    "-x",
    "OMPI_MCA_orte_keep_fqdn_hostnames",
    "-x",
    "DYN_NAMESPACE",
    "-x",
    "DYN_SYSTEM_ENABLED",
    "-x",
    "DYN_SYSTEM_PORT",
    "trtllm-llmapi-launch",
  ].join(" ");
  const script = [
    `mkdir -p $HOME/.ssh`,
    `cp ${MPI_SSH_MOUNT}/private.key $HOME/.ssh/mpi_key`,
    `chmod 600 $HOME/.ssh/mpi_key`,
    `exec ${mpirun} ${words.map(shQuote).join(" ")}`,
  ].join(" && ");
  return { command: ["sh", "-c"], args: [script] };
}

/**
 * The container command of a worker pod. Single-node workers and leaders
 * run the engine directly; followers of a multi-node worker run the engine
 * with their node rank (SGLang) or join the leader's Ray cluster (vLLM).
 * A TensorRT-LLM worker across nodes is one MPI world started by the
 * leader's `mpirun` over SSH into the followers (see {@link mpiSshSecretName}).
 */
export function workerCommand(i: WorkerCommandInput): EngineCommand {
  const words = engineArgs(i);
  if (i.nodes > 1 && i.backend === "trtllm") return trtllmMultiNode(i, words);
  if (i.nodes === 1) return { command: words.slice(0, 3), args: words.slice(3) };
  if (i.backend === "vllm" && vllmDataParallelNodes(i)) {
    if (i.part === "leader") return { command: words.slice(0, 3), args: words.slice(3) };
    return { command: ["sh", "-c"], args: [`exec ${words.map(shQuote).join(" ")}`] };
  }
  if (i.backend === "vllm") {
    const host = leaderHost(i.leaderClique!);
    if (i.part === "leader") {
      return {
        command: ["sh", "-c"],
        args: [`ray start --head --port=6379 && exec ${words.map(shQuote).join(" ")}`],
      };
    }
    return { command: ["sh", "-c"], args: [`exec ray start --address=${host}:6379 --block`] };
  }
  // sglang: every node runs the engine with its rank; the follower's rank needs shell arithmetic.
  if (i.part === "leader") return { command: words.slice(0, 3), args: words.slice(3) };
  return { command: ["sh", "-c"], args: [`exec ${words.map(shQuote).join(" ")}`] };
}

/** The frontend's command: Dynamo's OpenAI-compatible HTTP frontend and router. */
export function frontendCommand(): EngineCommand {
  return {
    command: ["python3", "-m", "dynamo.frontend"],
    args: ["--http-port", String(FRONTEND_PORT)],
  };
}

/**
 * Reads tensor/pipeline/data parallel sizes back from a container's command
 * and args (any engine's flag spelling, `--flag N` or `--flag=N`, also
 * inside `sh -c` strings). Used by `plan diff` on a deployed PodCliqueSet.
 */
export function parallelFromArgs(words: string[]): { tp?: number; pp?: number; dp?: number } {
  const tokens = words.flatMap((w) => w.split(/\s+/)).filter(Boolean);
  const names: Record<string, "tp" | "pp" | "dp"> = {
    "--tensor-parallel-size": "tp",
    "--tp-size": "tp",
    "--tp": "tp",
    "--pipeline-parallel-size": "pp",
    "--pp-size": "pp",
    "--pp": "pp",
    "--data-parallel-size": "dp",
    "--dp-size": "dp",
    "--dp": "dp",
  };
  const out: { tp?: number; pp?: number; dp?: number } = {};
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k].replace(/^['"]|['"]$/g, "");
    const eq = t.indexOf("=");
    const flag = eq > 0 ? t.slice(0, eq) : t;
    const key = names[flag];
    if (!key) continue;
    const raw = eq > 0 ? t.slice(eq + 1) : tokens[k + 1]?.replace(/^['"]|['"]$/g, "");
    const n = Number(raw);
    if (Number.isInteger(n) && n > 0) out[key] = n;
  }
  // Attention DP inside the tensor-parallel world: SGLang --enable-dp-attention (tp/dp per
  // attention group), TensorRT-LLM --enable-attention-dp (every rank its own attention).
  const flags = new Set(tokens.map((t) => t.replace(/^['"]|['"]$/g, "")));
  if (flags.has("--enable-dp-attention") && out.tp && out.dp && out.tp % out.dp === 0) {
    out.tp = out.tp / out.dp;
  } else if (flags.has("--enable-attention-dp") && out.tp && out.dp === undefined) {
    out.dp = out.tp;
    out.tp = 1;
  }
  return out;
}

/** Reads the model from a container's args (`--model`, `--model-path`, or `vllm serve M`). */
export function modelFromArgs(words: string[]): string | undefined {
  const tokens = words.flatMap((w) => w.split(/\s+/)).filter(Boolean);
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k].replace(/^['"]|['"]$/g, "");
    for (const f of ["--model-path", "--model"]) {
      if (t === f) return tokens[k + 1]?.replace(/^['"]|['"]$/g, "");
      if (t.startsWith(`${f}=`)) return t.slice(f.length + 1);
    }
  }
  return undefined;
}
