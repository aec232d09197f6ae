/**
 * `deno task sim [scenario] [--from <dir>] [--port <n>]`: starts the
 * simulated Grove cluster, prints `export KUBECONFIG=<path>` on stdout and a
 * summary on stderr, and serves until Ctrl-C.
 *
 * @module
 */

import { GroveError } from "../lib/errors.ts";
import { listScenarios } from "../lib/sim/fixtures.ts";
import { startSimCluster } from "../lib/sim/server.ts";
import { openBundle } from "../tasks/diag/open.ts";

const USAGE =
  `usage: deno task sim [scenario] [--from <diag-bundle-dir-or-tar.gz>] [--port <n>] [--no-shift-times]

Starts the simulated Grove cluster (an HTTPS Kubernetes API server on 127.0.0.1)
and prints the line that points kubectl and kubectl-grove at it. It serves
until Ctrl-C, so run it in one terminal and, in another:

  export KUBECONFIG=<the printed path>
  kubectl get pcs,pclq,pods

  --operator        run the Grove operator simulation (scaling and rollouts act on pods,
                    deletions finish); without it the scenario stays as recorded
  --no-shift-times  keep the recorded timestamps instead of moving them to now

Metrics: recorded scrapes are served in order, then at the recorded rate; with a
fixture scenario, running engine pods without recordings (a rollout's or a
scale-up's new pods) get synthesized engine metrics.

scenarios: ${listScenarios().join(", ") || "(none found)"}`;

function fail(msg: string, code = 2): never {
  console.error(`error: ${msg}\n\n${USAGE}`);
  Deno.exit(code);
}

function parseArgs(
  args: string[],
): { scenario: string; port: number; shiftTimes: boolean; operator: boolean } {
  let scenario: string | undefined;
  let port = 0;
  let shiftTimes = true;
  let operator = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      const v = a.includes("=") ? a.slice(a.indexOf("=") + 1) : args[++i];
      if (v === undefined) fail(`${a.split("=")[0]} needs a value`);
      return v;
    };
    if (a === "-h" || a === "--help") {
      console.log(USAGE);
      Deno.exit(0);
    } else if (a === "--from" || a.startsWith("--from=")) scenario = value();
    else if (a === "--port" || a.startsWith("--port=")) {
      const v = value();
      port = Number(v);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        fail(`--port must be 0..65535, got "${v}"`);
      }
    } else if (a === "--no-shift-times") shiftTimes = false;
    else if (a === "--operator") operator = true;
    else if (a.startsWith("-")) fail(`unknown flag ${a}`);
    else if (scenario === undefined) scenario = a;
    else fail(`unexpected argument "${a}"`);
  }
  return { scenario: scenario ?? "healthy", port, shiftTimes, operator };
}

if (import.meta.main) {
  const opts = parseArgs(Deno.args);
  const t0 = performance.now();
  try {
    const operator = opts.operator
      ? (await import("../lib/sim/operator/mod.ts")).simOperator()
      : undefined;
    // a bundle directory given by a relative path, or a diag --archive .tar.gz
    const bundle = await openBundle(opts.scenario);
    // fixture scenarios get engine metrics for pods without recordings (new
    // pods of a rollout or a scale-up); a bundle is served as it was recorded
    const synthesizeMetrics = bundle.scenario === opts.scenario && !/[\\/]/.test(opts.scenario);
    const sim = await startSimCluster({
      ...opts,
      scenario: bundle.scenario,
      operator,
      synthesizeMetrics,
    }).catch(
      async (e) => {
        await bundle.cleanup();
        throw e;
      },
    );
    // Handlers first: a caller may send SIGINT as soon as it reads the
    // export line, and it must get the clean-up, not the default exit.
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      await sim.stop();
      await bundle.cleanup();
      console.error(`sim: stopped after ${sim.requestLog.length} requests`);
      Deno.exit(0);
    };
    Deno.addSignalListener("SIGINT", stop);
    if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
    const ms = Math.round(performance.now() - t0);
    console.error(
      `sim: serving "${opts.scenario}" (${sim.store.size} objects) at ${sim.server}, started in ${ms} ms${
        operator ? " with the operator simulation" : ""
      }; contexts sim (admin) and sim-readonly; Ctrl-C stops`,
    );
    console.log(`export KUBECONFIG=${sim.kubeconfigPath}`);
  } catch (e) {
    if (e instanceof GroveError) {
      console.error(`error: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ""}`);
      Deno.exit(e.exitCode);
    }
    throw e;
  }
}
