/**
 * `status --all`, `health --all` and `topology --cluster` over several
 * clusters: each context read with the task's own library entry (the same
 * requests as for one cluster), printed with a CONTEXT column.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { ExitCode, UsageError } from "../../lib/errors.ts";
import { runFleet } from "./fleet.ts";

const NO_WATCH = "--watch reads one cluster; drop it, or give a single --context";

/** `kubectl grove --context a --context b status --all`. */
export async function runFleetStatus(
  ctx: CliContext,
  name: string | undefined,
  opts: { output: string; watch?: boolean; noHeaders?: boolean },
): Promise<void> {
  if (name) {
    throw new UsageError(
      `with several contexts, status reads every PodCliqueSet (--all); got "${name}"`,
      "kubectl grove --all-contexts status --all   or give one --context for a single set",
    );
  }
  const { status, renderStatus } = await import("../../tasks/status/mod.ts");
  await runFleet(
    ctx,
    (kube, namespace) =>
      status(kube, { namespace, all: true, allNamespaces: namespace === undefined }),
    {
      output: opts.output,
      header: !opts.noHeaders,
      refuse: opts.watch ? NO_WATCH : undefined,
      render: (r, style) =>
        renderStatus(r, { style, wide: opts.output === "wide", noHeaders: opts.noHeaders }),
    },
  );
}

/** `kubectl grove --context a --context b health --all`. */
export async function runFleetHealth(
  ctx: CliContext,
  pcs: string | undefined,
  opts: { output: string; all?: boolean; watch?: boolean },
): Promise<void> {
  if (pcs || !opts.all) {
    throw new UsageError(
      "with several contexts, health checks every gang: pass --all (and no PodCliqueSet name)",
      "kubectl grove --all-contexts health --all -A",
    );
  }
  const { health, renderHealth } = await import("../../tasks/health/mod.ts");
  await runFleet(
    ctx,
    (kube, namespace) => health(kube, { namespace: namespace ?? null }),
    {
      output: opts.output,
      header: false,
      refuse: opts.watch ? NO_WATCH : undefined,
      render: (r, style) => renderHealth(r, style),
      exitCode: (r) => (r.healthy ? ExitCode.OK : ExitCode.CHECK_FAILED),
    },
  );
}

/** `kubectl grove --context a --context b topology --cluster`. */
export async function runFleetTopology(
  ctx: CliContext,
  pcs: string | undefined,
  opts: { output: string; cluster?: boolean; watch?: boolean; lowScore?: number },
): Promise<void> {
  if (pcs || !opts.cluster) {
    throw new UsageError(
      "with several contexts, topology shows whole clusters: pass --cluster (and no PodCliqueSet name)",
      "kubectl grove --all-contexts topology --cluster",
    );
  }
  const { topology, renderTopology } = await import("../../tasks/topology/mod.ts");
  await runFleet(
    ctx,
    (kube, namespace) =>
      topology(kube, { namespace: namespace ?? null, cluster: true, lowScore: opts.lowScore }),
    {
      output: opts.output,
      header: false,
      refuse: opts.watch ? NO_WATCH : undefined,
      render: (r, style) => renderTopology(r, style),
    },
  );
}
