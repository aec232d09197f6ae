/**
 * Helpers of the real test tier: one test bed per test file, polling, and
 * running the CLI or the machine's kubectl against it.
 *
 * @module
 */

import { startTestbed, type Testbed, type TestbedOptions } from "../../testbed/ts/bed.ts";
import { type CliResult, runCli } from "../helpers/cli.ts";
import type { KubeObject } from "../../lib/kube/types.ts";
import type { ResourceDescriptor } from "../../lib/kube/resources.ts";

/** Test options: the bed's child process and timers outlive single steps. */
export const opts = { sanitizeResources: false, sanitizeOps: false, sanitizeExit: false };

/** Starts a bed (the binary must be built: scripts/ci_real.sh or deno task testbed builds it). */
export function bed(o: TestbedOptions): Promise<Testbed> {
  return startTestbed({ log: (l) => console.error(`  testbed: ${l}`), ...o });
}

/** Polls `fn` until it returns a truthy value; throws with `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 60_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${
          last ? ` (last error: ${last})` : ""
        }`,
      );
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Runs the CLI in process against the bed (admin context unless `context` is given). */
export function cli(b: Testbed, argv: string[], context?: string): Promise<CliResult> {
  const args = context ? ["--context", context, ...argv] : argv;
  return runCli(args, { env: { KUBECONFIG: b.kubeconfig } });
}

/** Runs the machine's kubectl against the bed. */
export async function kubectl(
  b: Testbed,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command("kubectl", {
    args: ["--kubeconfig", b.kubeconfig, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { HOME: `${b.dir}/kubectl-home` },
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** True when kubectl is on PATH. */
export function haveKubectl(): boolean {
  try {
    return new Deno.Command("kubectl", {
      args: ["version", "--client"],
      stdout: "null",
      stderr: "null",
    })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** Lists objects of a resource in a namespace through the admin client. */
export async function list(
  b: Testbed,
  r: ResourceDescriptor,
  namespace?: string,
): Promise<KubeObject[]> {
  return (await b.kube.list(r, { namespace })).items;
}

/** Pods of a PodCliqueSet, and how many are Running and Ready. */
export async function podsOf(b: Testbed, ns: string, pcs: string) {
  const { Resources } = await import("../../lib/kube/resources.ts");
  const pods = (await b.kube.list(Resources.pods, {
    namespace: ns,
    labelSelector: `app.kubernetes.io/part-of=${pcs}`,
  })).items;
  const live = pods.filter((p) => !p.metadata.deletionTimestamp);
  const ready = live.filter((p) =>
    p.status?.phase === "Running" &&
    (p.status?.conditions ?? []).some((c: { type: string; status: string }) =>
      c.type === "Ready" && c.status === "True"
    )
  );
  return { pods: live, ready };
}

/** True when tmux is on PATH (the tui step needs a terminal). */
export function hasTmux(): boolean {
  try {
    return new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}
