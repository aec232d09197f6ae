/**
 * Several clusters at once: which kubeconfig contexts to read (`--context`
 * repeated, `--all-contexts`), and a concurrent read of each with its own
 * timeout. A cluster that cannot be reached, refuses, or answers too slowly
 * becomes a named failure next to the other clusters' reports, never a hang.
 *
 * The per-cluster work is a callback, so every read-only task (status,
 * health, topology, recommend, a dashboard) uses the same fleet layer with
 * the same number of requests per cluster as for one.
 *
 * @module
 */

import { ConfigError, GroveError, UsageError } from "../errors.ts";
import { REPORT_API_VERSION } from "../render/output.ts";
import { connect, type ConnectOptions } from "./connect.ts";
import { findKubeconfigFiles, loadKubeconfigFiles } from "./kubeconfig.ts";
import type { Kube } from "./types.ts";

/** Per-cluster timeout when none is given: 30 seconds. */
export const FLEET_TIMEOUT_DEFAULT_MS = 30_000;

/** Which contexts a fleet command reads. */
export interface FleetSelection {
  /** `--context`, in the order given (duplicates are dropped). */
  contexts?: string[];
  /** `--all-contexts`: every context of the merged kubeconfig, sorted by name. */
  allContexts?: boolean;
}

/**
 * True when the flags ask for more than one cluster (or for every context),
 * i.e. when a command should print a fleet report instead of a single one.
 */
export function isFleet(sel: FleetSelection): boolean {
  return sel.allContexts === true || (sel.contexts?.length ?? 0) > 1;
}

/**
 * Resolves the context names to read. `--context` names must exist in the
 * kubeconfig (an error lists the existing ones); `--all-contexts` takes
 * every context, sorted. Reads the kubeconfig files, makes no request.
 */
export async function resolveFleetContexts(
  sel: FleetSelection,
  opts: Pick<ConnectOptions, "kubeconfig" | "env"> = {},
): Promise<string[]> {
  if (sel.allContexts && sel.contexts?.length) {
    throw new UsageError(
      `give --context or --all-contexts, not both (got --context ${sel.contexts.join(", ")})`,
      "kubectl grove --all-contexts <command>   or   kubectl grove --context a --context b <command>",
    );
  }
  const found = findKubeconfigFiles({ kubeconfig: opts.kubeconfig, env: opts.env ?? {} });
  if (found.files.length === 0) {
    throw new ConfigError(
      `no kubeconfig found to read contexts from (looked at ${
        found.considered.join(", ") || "nothing: no KUBECONFIG and no home directory"
      })`,
      { hint: "pass --kubeconfig <file> or set KUBECONFIG" },
    );
  }
  const merged = await loadKubeconfigFiles(found.files);
  const known = [...merged.contexts.keys()];
  if (sel.allContexts) {
    if (known.length === 0) {
      throw new ConfigError(`kubeconfig ${found.files.join(", ")} defines no contexts`, {
        hint: "add one with: kubectl config set-context <name> --cluster=<cluster> --user=<user>",
      });
    }
    return known.sort();
  }
  const wanted = [...new Set(sel.contexts ?? [])];
  const unknown = wanted.filter((c) => !merged.contexts.has(c));
  if (unknown.length) {
    throw new ConfigError(
      `context${unknown.length > 1 ? "s" : ""} ${
        unknown.map((c) => `"${c}"`).join(", ")
      } not found in kubeconfig ${found.files.join(", ")}`,
      {
        hint: `available: ${
          known.sort().join(", ") || "none"
        }; list them with: kubectl config get-contexts`,
      },
    );
  }
  return wanted;
}

/** One cluster that answered. */
export interface FleetItem<R> {
  /** Kubeconfig context. */
  context: string;
  /** API server URL. */
  server: string;
  /** How long the read took, ms. */
  ms: number;
  /** Requests made to this cluster. */
  requests: number;
  /** The task's report. */
  report: R;
}

/** One cluster that did not. */
export interface FleetFailure {
  /** Kubeconfig context. */
  context: string;
  /** API server URL, when the context resolved. */
  server?: string;
  /** `timeout`, `unreachable`, `refused` (401/403), `config`, `error`. */
  reason: "timeout" | "unreachable" | "refused" | "config" | "error";
  /** What happened, in words. */
  message: string;
  /** The next step, when known. */
  hint?: string;
  /** How long we waited, ms. */
  ms: number;
}

/** The answer of a fleet read (`-o json` with several contexts). */
export interface FleetReport<R> {
  /** `kubectl-grove.io/v1alpha1`. */
  apiVersion: string;
  /** `FleetReport`. */
  kind: "FleetReport";
  /** When the read started. */
  generatedAt: string;
  /** Contexts asked for, in order. */
  contexts: string[];
  /** Per-cluster timeout, ms. */
  timeoutMs: number;
  /** One report per context that answered, in the order asked. */
  items: FleetItem<R>[];
  /** Contexts that did not answer, in the order asked. */
  failures: FleetFailure[];
}

/** Options of {@link readFleet}. */
export interface ReadFleetOptions extends Omit<ConnectOptions, "context"> {
  /** Per-cluster timeout, ms (default {@link FLEET_TIMEOUT_DEFAULT_MS}). */
  timeoutMs?: number;
  /** The present, for `generatedAt` (default now). */
  now?: Date | number;
  /** Builds the client of one context (default: {@link connect}); tests inject clients. */
  connect?: (opts: ConnectOptions) => Promise<Kube>;
  /** Clock, ms (tests). */
  clock?: () => number;
}

class FleetTimeout extends Error {}

/**
 * Reads every context concurrently: connects, then runs `read`, racing each
 * cluster against its own timeout. Never throws for a cluster's failure; the
 * failure is in `failures`, named and explained. Each API request of a
 * cluster is also bounded by the timeout, so nothing is left waiting.
 *
 * @example
 * ```ts ignore
 * import { readFleet } from "./fleet.ts";
 * import { health } from "../../tasks/health/mod.ts";
 * const f = await readFleet(["east", "west"], (kube) => health(kube, { namespace: null }));
 * for (const x of f.failures) console.error(`${x.context}: ${x.message}`);
 * ```
 */
export async function readFleet<R>(
  contexts: string[],
  read: (kube: Kube, context: string) => Promise<R>,
  opts: ReadFleetOptions = {},
): Promise<FleetReport<R>> {
  const timeoutMs = opts.timeoutMs ?? FLEET_TIMEOUT_DEFAULT_MS;
  const clock = opts.clock ?? Date.now;
  const doConnect = opts.connect ?? connect;
  const now = opts.now ?? Date.now();
  const outcomes = await Promise.all(contexts.map(async (context) => {
    const t0 = clock();
    let kube: Kube | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FleetTimeout()), timeoutMs);
    });
    try {
      const work = (async () => {
        kube = await doConnect({
          ...opts,
          context,
          // each request of this cluster ends by the cluster's deadline
          requestTimeout: requestTimeoutWithin(opts.requestTimeout, timeoutMs),
        });
        return await read(kube, context);
      })();
      work.catch(() => {}); // a late failure after the timeout is not unhandled
      const report = await Promise.race([work, timedOut]);
      return {
        ok: true as const,
        item: {
          context,
          server: kube!.server,
          ms: clock() - t0,
          requests: kube!.requests.length,
          report,
        },
      };
    } catch (e) {
      return {
        ok: false as const,
        failure: describeFailure(context, kube, e, clock() - t0, timeoutMs),
      };
    } finally {
      clearTimeout(timer);
    }
  }));
  return {
    apiVersion: REPORT_API_VERSION,
    kind: "FleetReport",
    generatedAt: new Date(now).toISOString(),
    contexts,
    timeoutMs,
    items: outcomes.flatMap((o) => (o.ok ? [o.item] : [])),
    failures: outcomes.flatMap((o) => (o.ok ? [] : [o.failure])),
  };
}

function requestTimeoutWithin(flag: string | undefined, clusterMs: number): string {
  const secs = Math.max(1, Math.ceil(clusterMs / 1000));
  if (flag === undefined || flag === "" || flag === "0") return `${secs}s`;
  return flag; // the user's own per-request bound; the cluster deadline still applies
}

function describeFailure(
  context: string,
  kube: Kube | undefined,
  e: unknown,
  ms: number,
  timeoutMs: number,
): FleetFailure {
  const server = kube?.server;
  const base = { context, ...(server ? { server } : {}), ms };
  if (e instanceof FleetTimeout) {
    return {
      ...base,
      reason: "timeout",
      message: `no answer within ${fmtSeconds(timeoutMs)}${server ? ` from ${server}` : ""}`,
      hint:
        `check the cluster is up and reachable (kubectl --context ${context} get --raw /readyz), or raise --cluster-timeout`,
    };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const status = (e as { status?: number }).status;
  const hint = e instanceof GroveError ? e.hint : undefined;
  if (e instanceof ConfigError) return { ...base, reason: "config", message: err.message, hint };
  if (status === 401 || status === 403) {
    return { ...base, reason: "refused", message: err.message, hint };
  }
  if (/connect|connection|refused|unreachable|network|dns|timed out|timeout/i.test(err.message)) {
    return { ...base, reason: "unreachable", message: err.message, hint };
  }
  return { ...base, reason: "error", message: err.message, hint };
}

function fmtSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Prefixes rendered per-context text with a CONTEXT column: the first
 * context's header line (when `header` is true) gets `CONTEXT`, later
 * contexts' header lines are dropped, every other non-empty line gets the
 * context name. Blank lines stay blank.
 */
export function withContextColumn(
  parts: { context: string; text: string }[],
  header: boolean,
): string {
  const width = Math.max("CONTEXT".length, ...parts.map((p) => p.context.length));
  const out: string[] = [];
  parts.forEach((p, i) => {
    const lines = p.text.replace(/\n$/, "").split("\n");
    lines.forEach((line, j) => {
      if (header && j === 0) {
        if (i === 0) out.push(`${"CONTEXT".padEnd(width)}   ${line}`);
        return;
      }
      out.push(line.trim() === "" ? "" : `${p.context.padEnd(width)}   ${line}`);
    });
    if (!header && i < parts.length - 1) out.push("");
  });
  return out.join("\n") + "\n";
}

/** One line per failed context, for stderr and the table output. */
export function failureLines(failures: FleetFailure[]): string[] {
  return failures.map((f) =>
    `context "${f.context}"${f.server ? ` (${f.server})` : ""}: ${f.reason}: ${f.message}` +
    (f.hint ? `\n  hint: ${f.hint}` : "")
  );
}
