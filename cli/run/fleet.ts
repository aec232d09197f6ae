/**
 * The CLI side of fleet reads: `--context` repeated or `--all-contexts` on
 * `status --all`, `health --all`, `topology --cluster` (and `recommend`).
 * Resolves the contexts, reads every cluster concurrently with its own
 * timeout ({@link readFleet}), prints the per-context reports with a CONTEXT
 * column (or one FleetReport with `-o json|yaml`), names the clusters that
 * could not be read, and sets exit code 5 (partial result) when any failed.
 *
 * @module
 */

import type { CliContext } from "../context.ts";
import { parseDurationMs } from "../common.ts";
import { ExitCode, GroveError, UsageError } from "../../lib/errors.ts";
import {
  failureLines,
  FLEET_TIMEOUT_DEFAULT_MS,
  type FleetReport,
  isFleet,
  readFleet,
  resolveFleetContexts,
  withContextColumn,
} from "../../lib/kube/fleet.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { toJson, toYaml } from "../../lib/render/output.ts";
import type { Style } from "../../lib/render/style.ts";

/** True when the global flags ask for several clusters. */
export function fleetRequested(ctx: CliContext): boolean {
  return isFleet({ contexts: ctx.globals.contexts, allContexts: ctx.globals.allContexts });
}

/** How a fleet command prints. */
export interface FleetPrint<R> {
  /** `-o`. */
  output: string;
  /** Renders one context's report as a table (plain text). */
  render: (r: R, style: Style) => string;
  /** The rendering starts with a header line shared by every context (tables). */
  header: boolean;
  /** The exit code one context's report asks for (checks), default 0. */
  exitCode?: (r: R) => number;
  /** Renders every context's report at once (replaces the per-context CONTEXT-column layout). */
  renderAll?: (items: FleetReport<R>["items"], style: Style) => string;
  /** Refuses `--watch` and the like; return a message to refuse. */
  refuse?: string;
}

/**
 * Reads every selected context with `read` and prints the result. The
 * namespace is `-n` (the same in every cluster), `-A` (all), else each
 * context's own namespace (passed as undefined to `read` with `-A`).
 */
export async function runFleet<R>(
  ctx: CliContext,
  read: (kube: Kube, namespace: string | undefined, context: string) => Promise<R>,
  print: FleetPrint<R>,
): Promise<FleetReport<R>> {
  if (print.refuse) throw new UsageError(print.refuse);
  const g = ctx.globals;
  if (g.replay) {
    throw new UsageError(
      "--replay serves one bundle as one cluster; drop --context/--all-contexts",
    );
  }
  const env = envOf(ctx);
  const contexts = await resolveFleetContexts(
    { contexts: g.contexts, allContexts: g.allContexts },
    { kubeconfig: g.kubeconfig, env },
  );
  const timeoutMs = g.clusterTimeout ? parseDurationMs(g.clusterTimeout) : FLEET_TIMEOUT_DEFAULT_MS;
  if (timeoutMs <= 0) {
    throw new UsageError(
      `--cluster-timeout must be more than 0 (got "${g.clusterTimeout}")`,
      "e.g. --cluster-timeout 10s",
    );
  }
  const configured = ctx.config.values["defaults.namespace"];
  const fleet = await readFleet(
    contexts,
    (kube, context) => read(kube, g.allNamespaces ? undefined : kube.namespace, context),
    {
      kubeconfig: g.kubeconfig,
      namespace: g.namespace ?? (configured === undefined ? undefined : String(configured)),
      requestTimeout: g.requestTimeout,
      verbose: g.verbose,
      env,
      stderr: (l) => ctx.note(l),
      timeoutMs,
    },
  );
  printFleet(ctx, fleet, print);
  return fleet;
}

/** Prints a fleet report and sets the exit code (5 when a cluster failed). */
export function printFleet<R>(ctx: CliContext, fleet: FleetReport<R>, print: FleetPrint<R>): void {
  if (print.output === "json") ctx.write(toJson(fleet));
  else if (print.output === "yaml") ctx.write(toYaml(fleet));
  else if (print.renderAll) {
    const text = print.renderAll(fleet.items, ctx.style);
    ctx.write(text);
    if (fleet.failures.length) {
      ctx.write(
        `${
          text ? "\n" : ""
        }Not read (${fleet.failures.length} of ${fleet.contexts.length} contexts):\n` +
          failureLines(fleet.failures).map((l) => `  ! ${l}`).join("\n") + "\n",
      );
    }
  } else {
    const parts = fleet.items
      .map((i) => ({ context: i.context, text: print.render(i.report, ctx.style) }))
      .filter((p) => p.text.trim() !== "");
    if (parts.length) ctx.write(withContextColumn(parts, print.header));
    if (fleet.failures.length) {
      ctx.write(
        `${
          parts.length ? "\n" : ""
        }Not read (${fleet.failures.length} of ${fleet.contexts.length} contexts):\n` +
          failureLines(fleet.failures).map((l) => `  ! ${l}`).join("\n") + "\n",
      );
    }
  }
  for (const l of failureLines(fleet.failures)) ctx.warn(l);
  const checks = fleet.items.map((i) => print.exitCode?.(i.report) ?? 0);
  const worst = checks.reduce((a, b) => Math.max(a, b), 0);
  if (fleet.items.length === 0 && fleet.failures.length) {
    throw new GroveError(`none of the ${fleet.contexts.length} contexts could be read`, {
      hint: "see the lines above for each context's reason",
      exitCode: ExitCode.ERROR,
    });
  }
  ctx.exitCode = fleet.failures.length ? ExitCode.PARTIAL : worst;
}

function envOf(ctx: CliContext): Record<string, string | undefined> {
  return Object.fromEntries(
    ["KUBECONFIG", "HOME", "USERPROFILE", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"]
      .map((k) => [k, ctx.io.env(k)]),
  );
}
