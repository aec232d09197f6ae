/**
 * `connect()`: from global flags to a ready {@link KubeClient}. Picks the
 * kubeconfig (`--kubeconfig` > `KUBECONFIG` > `~/.kube/config`) or the
 * in-cluster service account, selects the context and the namespace
 * (explicit > context > in-cluster namespace file > `default`).
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import { KubeClient } from "./client.ts";
import { parseRequestTimeout } from "./duration.ts";
import { inClusterAvailable, loadInClusterConfig, SERVICE_ACCOUNT_DIR } from "./in_cluster.ts";
import {
  findKubeconfigFiles,
  loadKubeconfigFiles,
  resolveContext,
  type ResolvedConfig,
} from "./kubeconfig.ts";
import type { Kube } from "./types.ts";

/** Options of {@link connect}: the global flags plus injectable environment. */
export interface ConnectOptions {
  /** `--kubeconfig`. */
  kubeconfig?: string;
  /** `--context`. */
  context?: string;
  /** `-n/--namespace`. */
  namespace?: string;
  /** `--request-timeout` (`0`, `30`, `5s`, `1m`); default 30s. */
  requestTimeout?: string;
  /** `-v`: log each request to stderr. */
  verbose?: boolean;
  /** Environment; defaults to `Deno.env`. */
  env?: Record<string, string | undefined>;
  /** Where warnings and verbose lines go; defaults to `console.error`. */
  stderr?: (line: string) => void;
  /** Service account directory (tests); defaults to the standard mount. */
  serviceAccountDir?: string;
  /** Aborts reads and server-side dry runs of this client (Ctrl-C); writes run to completion. */
  signal?: AbortSignal;
}

/**
 * Resolves the configuration {@link connect} would use, without a client.
 * Throws {@link ConfigError} when no kubeconfig can be found.
 */
export async function resolveConfig(opts: ConnectOptions = {}): Promise<ResolvedConfig> {
  const env = opts.env ?? readEnv();
  const found = findKubeconfigFiles({ kubeconfig: opts.kubeconfig, env });
  if (found.files.length === 0) {
    const saDir = opts.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
    if (inClusterAvailable(env, saDir)) return loadInClusterConfig(env, saDir);
    const where = found.origin === "KUBECONFIG"
      ? `none of the files in KUBECONFIG exist (${found.considered.join(", ")})`
      : found.considered.length
      ? `"${found.considered[0]}" does not exist and KUBECONFIG is not set`
      : "KUBECONFIG is not set and there is no home directory";
    throw new ConfigError(`no kubeconfig found: ${where}`, {
      hint:
        "pass --kubeconfig <file>, set KUBECONFIG, or run inside a pod with a service account " +
        "(try the simulated cluster: deno task sim healthy)",
    });
  }
  const merged = await loadKubeconfigFiles(found.files);
  return resolveContext(merged, opts.context, env);
}

const ENV_NAMES = [
  "KUBECONFIG",
  "HOME",
  "USERPROFILE",
  "KUBERNETES_SERVICE_HOST",
  "KUBERNETES_SERVICE_PORT",
];

/** Reads only the variables we use, so a scoped `--allow-env` suffices. */
function readEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const n of ENV_NAMES) {
    try {
      env[n] = Deno.env.get(n);
    } catch {
      // not allowed: treat as unset
    }
  }
  return env;
}

/** Connects: resolves the configuration and builds a client (no request is made). */
export async function connect(opts: ConnectOptions = {}): Promise<KubeClient> {
  const requestTimeoutMs = opts.requestTimeout !== undefined && opts.requestTimeout !== ""
    ? parseRequestTimeout(opts.requestTimeout)
    : undefined;
  const config = await resolveConfig(opts);
  const namespace = opts.namespace || config.namespace || "default";
  return new KubeClient({
    config,
    namespace,
    requestTimeoutMs,
    verbose: opts.verbose,
    stderr: opts.stderr,
    signal: opts.signal,
  });
}

/** `context "X" (server https://...)`, for error messages. */
export function describeTarget(client: Pick<Kube, "contextName" | "server">): string {
  return `context "${client.contextName}" (server ${client.server})`;
}
