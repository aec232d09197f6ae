/**
 * Benchmark of `kubectl grove status --all -A` against
 * `kubectl get pcs,pclq,pg,pods -A` on the same server, as cold processes,
 * interleaved run by run so both see the same machine load. Also counts the
 * requests one `status --all -A` and one `status <pcs>` make.
 *
 * Used by `bench/run.ts` (`benchStatus(...)`), or on its own:
 *
 * ```
 * deno run -A bench/status_bench.ts [--runs 10]
 * ```
 * which starts the `large` simulated scenario and prints the result as JSON.
 *
 * @module
 */

/** Options of {@link benchStatus}. */
export interface StatusBenchOptions {
  /** Kubeconfig of the server to measure against (the `large` simulated scenario). */
  kubeconfigPath: string;
  /** Timed runs of each command after one warm-up (default 10). */
  runs?: number;
  /** The request log of a simulated cluster, to count requests per run. */
  requestLog?: { reset(): void; readonly length: number };
  /** A PodCliqueSet for the single-PCS request count (default: none). */
  pcs?: string;
  /** Its namespace. */
  namespace?: string;
}

/** What {@link benchStatus} measured (wall-clock medians of cold processes, ms). */
export interface StatusBenchResult {
  /** `status --all -A` median. */
  statusMs: number;
  /** `kubectl get pcs,pclq,pg,pods -A` median (undefined without kubectl on PATH). */
  kubectlMs?: number;
  /** statusMs / kubectlMs. */
  ratio?: number;
  /** The budget of issue 4: ratio <= 1.5. */
  withinBudget?: boolean;
  /** Requests of one `status --all -A`. */
  requestsAll?: number;
  /** Requests of one `status <pcs>`. */
  requestsOne?: number;
  /** Timed runs per command. */
  runs: number;
}

const ROOT = new URL("../", import.meta.url).pathname;

async function timeOnce(cmd: string, args: string[], env: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const out = await new Deno.Command(cmd, {
    args,
    env,
    cwd: ROOT,
    stdout: "null",
    stderr: "piped",
  }).output();
  const ms = performance.now() - t0;
  if (!out.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed (${out.code}): ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return ms;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function hasKubectl(): Promise<boolean> {
  try {
    return (await new Deno.Command("kubectl", {
      args: ["version", "--client"],
      stdout: "null",
      stderr: "null",
    }).output()).success;
  } catch {
    return false;
  }
}

/**
 * Measures `status --all -A` beside `kubectl get pcs,pclq,pg,pods -A`.
 *
 * @example
 * ```ts ignore
 * import { startSimCluster } from "../lib/sim/server.ts";
 * import { benchStatus } from "./status_bench.ts";
 * const sim = await startSimCluster({ scenario: "large" });
 * const r = await benchStatus({ kubeconfigPath: sim.kubeconfigPath, requestLog: sim.requestLog });
 * console.log(r.ratio); // e.g. 0.85
 * await sim.stop();
 * ```
 */
export async function benchStatus(opts: StatusBenchOptions): Promise<StatusBenchResult> {
  const runs = opts.runs ?? 10;
  const env = {
    KUBECONFIG: opts.kubeconfigPath,
    HOME: "/nonexistent",
    PATH: Deno.env.get("PATH") ?? "",
    NO_COLOR: "1",
  };
  const deno = Deno.execPath();
  const status = ["run", "-A", "--quiet", "cli/main.ts", "status", "--all", "-A"];
  const kubectl = ["get", "pcs,pclq,pg,pods", "-A"];
  const withKubectl = await hasKubectl();

  const result: StatusBenchResult = { statusMs: NaN, runs };
  if (opts.requestLog) {
    opts.requestLog.reset();
    await timeOnce(deno, status, env);
    result.requestsAll = opts.requestLog.length;
    if (opts.pcs) {
      opts.requestLog.reset();
      await timeOnce(deno, [
        "run",
        "-A",
        "--quiet",
        "cli/main.ts",
        "status",
        opts.pcs,
        ...(opts.namespace ? ["-n", opts.namespace] : []),
      ], env);
      result.requestsOne = opts.requestLog.length;
    }
  }

  // Warm-up (module cache, kubectl discovery cache), then interleaved timed runs.
  await timeOnce(deno, status, env);
  if (withKubectl) await timeOnce("kubectl", kubectl, env);
  const s: number[] = [];
  const k: number[] = [];
  for (let i = 0; i < runs; i++) {
    s.push(await timeOnce(deno, status, env));
    if (withKubectl) k.push(await timeOnce("kubectl", kubectl, env));
  }
  result.statusMs = Math.round(median(s) * 10) / 10;
  if (withKubectl) {
    result.kubectlMs = Math.round(median(k) * 10) / 10;
    result.ratio = Math.round((result.statusMs / result.kubectlMs) * 100) / 100;
    result.withinBudget = result.ratio <= 1.5;
  }
  return result;
}

if (import.meta.main) {
  const { startSimCluster } = await import("../lib/sim/server.ts");
  const i = Deno.args.indexOf("--runs");
  const runs = i >= 0 ? Number(Deno.args[i + 1]) : 10;
  const sim = await startSimCluster({ scenario: "large" });
  try {
    const first = sim.store.list("podcliquesets")[0];
    const r = await benchStatus({
      kubeconfigPath: sim.kubeconfigPath,
      runs,
      requestLog: sim.requestLog,
      pcs: first?.metadata.name,
      namespace: first?.metadata.namespace,
    });
    console.log(JSON.stringify(r, null, 2));
  } finally {
    await sim.stop();
  }
}
