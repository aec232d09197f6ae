/**
 * Exec credential plugins (`client.authentication.k8s.io/v1` and `v1beta1`):
 * runs the plugin with an argument array (never a shell), passes
 * `KUBERNETES_EXEC_INFO`, reads the `ExecCredential` it prints and caches it
 * until its `expirationTimestamp`. Concurrent callers share one run.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import type { ClusterInfo, ExecConfig } from "./kubeconfig.ts";

/** What a plugin gave us. */
export interface ExecCredential {
  /** Bearer token. */
  token?: string;
  /** Client certificate, PEM. */
  clientCertificate?: string;
  /** Client key, PEM. */
  clientKey?: string;
  /** Expiry in epoch ms; undefined means valid until the server rejects it. */
  expiresAt?: number;
}

/** Options of {@link getExecCredential}. */
export interface ExecRunOptions {
  /** The cluster, passed to the plugin when `provideClusterInfo` is set. */
  cluster?: ClusterInfo;
  /** Whether stdin is a terminal (defaults to `Deno.stdin.isTerminal()`). */
  stdinIsTerminal?: boolean;
  /** Clock, for tests. */
  now?: () => number;
}

/** Credentials are refreshed this long before they expire. */
const EXPIRY_SKEW_MS = 5_000;
const STDERR_LINES = 8;

const cache = new Map<string, Promise<ExecCredential>>();

function cacheKey(exec: ExecConfig, cluster?: ClusterInfo): string {
  return JSON.stringify([exec.command, exec.args, exec.env, exec.apiVersion, cluster?.server]);
}

/**
 * Returns the plugin's credential, from the cache while it is valid,
 * otherwise by running the plugin (one run shared by concurrent callers).
 */
export async function getExecCredential(
  exec: ExecConfig,
  opts: ExecRunOptions = {},
): Promise<ExecCredential> {
  const now = opts.now ?? Date.now;
  const key = cacheKey(exec, opts.cluster);
  const hit = cache.get(key);
  if (hit) {
    try {
      const cred = await hit;
      if (cred.expiresAt === undefined || now() < cred.expiresAt - EXPIRY_SKEW_MS) return cred;
    } catch {
      // a failed run is not cached: fall through and run again
    }
    if (cache.get(key) !== hit) return getExecCredential(exec, opts);
  }
  const run = runExecPlugin(exec, opts);
  cache.set(key, run);
  run.catch(() => {
    if (cache.get(key) === run) cache.delete(key);
  });
  return await run;
}

/** Forgets a cached credential (after the server answered 401). */
export function invalidateExecCredential(exec: ExecConfig, cluster?: ClusterInfo): void {
  cache.delete(cacheKey(exec, cluster));
}

/** Forgets every cached credential (tests). */
export function clearExecCredentialCache(): void {
  cache.clear();
}

/** The `KUBERNETES_EXEC_INFO` object passed to a plugin. Pure. */
export function buildExecInfo(
  exec: ExecConfig,
  interactive: boolean,
  cluster?: ClusterInfo,
): Record<string, unknown> {
  const spec: Record<string, unknown> = { interactive };
  if (exec.provideClusterInfo && cluster) {
    const c: Record<string, unknown> = { server: cluster.server };
    if (cluster.tlsServerName) c["tls-server-name"] = cluster.tlsServerName;
    if (cluster.insecureSkipTlsVerify) c["insecure-skip-tls-verify"] = true;
    if (cluster.caDataBase64) c["certificate-authority-data"] = cluster.caDataBase64;
    if (cluster.proxyUrl) c["proxy-url"] = cluster.proxyUrl;
    if (cluster.execExtension !== undefined) c.config = cluster.execExtension;
    spec.cluster = c;
  }
  return { apiVersion: exec.apiVersion, kind: "ExecCredential", spec };
}

function pluginName(exec: ExecConfig): string {
  return `exec credential plugin "${exec.command}" (user "${exec.userName}")`;
}

/** Parses a plugin's standard output into a credential; errors name the plugin. Pure. */
export function parseExecCredentialOutput(stdout: string, exec: ExecConfig): ExecCredential {
  const name = pluginName(exec);
  // deno-lint-ignore no-explicit-any
  let doc: any;
  try {
    doc = JSON.parse(stdout);
  } catch {
    const head = stdout.trim().slice(0, 80);
    throw new ConfigError(
      `${name} printed something that is not an ExecCredential JSON object${
        head ? `: "${head}"` : " (empty output)"
      }`,
      {
        hint: `run it by hand to check its output: ${[exec.command, ...exec.args].join(" ")}`,
      },
    );
  }
  if (!doc || typeof doc !== "object" || doc.kind !== "ExecCredential") {
    throw new ConfigError(`${name} printed JSON whose kind is not ExecCredential`);
  }
  if (doc.apiVersion !== exec.apiVersion) {
    throw new ConfigError(
      `${name} answered with apiVersion "${doc.apiVersion}" but the kubeconfig asks for "${exec.apiVersion}"`,
      { hint: "make exec.apiVersion in the kubeconfig match the plugin's version" },
    );
  }
  const st = doc.status ?? {};
  const cred: ExecCredential = {};
  if (typeof st.token === "string" && st.token) cred.token = st.token;
  if (typeof st.clientCertificateData === "string" && st.clientCertificateData) {
    cred.clientCertificate = st.clientCertificateData;
  }
  if (typeof st.clientKeyData === "string" && st.clientKeyData) cred.clientKey = st.clientKeyData;
  if (!!cred.clientCertificate !== !!cred.clientKey) {
    throw new ConfigError(
      `${name} returned a client certificate without a key, or a key without a certificate`,
    );
  }
  if (!cred.token && !cred.clientCertificate) {
    throw new ConfigError(`${name} returned neither a token nor a client certificate`, {
      hint: `run it by hand to check its output: ${[exec.command, ...exec.args].join(" ")}`,
    });
  }
  if (st.expirationTimestamp) {
    const t = Date.parse(st.expirationTimestamp);
    if (Number.isNaN(t)) {
      throw new ConfigError(
        `${name} returned an invalid expirationTimestamp "${st.expirationTimestamp}"`,
      );
    }
    cred.expiresAt = t;
  }
  return cred;
}

/** Runs the plugin once (no cache) and returns its credential. */
export async function runExecPlugin(
  exec: ExecConfig,
  opts: ExecRunOptions = {},
): Promise<ExecCredential> {
  const name = pluginName(exec);
  const isTerminal = opts.stdinIsTerminal ?? safeIsTerminal();
  if (exec.interactiveMode === "Always" && !isTerminal) {
    throw new ConfigError(
      `${name} needs an interactive terminal (interactiveMode: Always) but stdin is not one`,
      {
        hint: "run the command from a terminal, or log in with the plugin first",
      },
    );
  }
  const interactive = exec.interactiveMode !== "Never" && isTerminal;
  const env: Record<string, string> = {};
  for (const e of exec.env) env[e.name] = e.value;
  env.KUBERNETES_EXEC_INFO = JSON.stringify(buildExecInfo(exec, interactive, opts.cluster));
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(exec.command, {
      args: exec.args,
      env,
      stdin: interactive ? "inherit" : "null",
      stdout: "piped",
      stderr: interactive ? "inherit" : "piped",
    }).output();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new ConfigError(
        `${name} was not found${exec.command.includes("/") ? "" : " on PATH"}`,
        {
          hint: exec.installHint?.trim() ||
            "install the plugin, or fix users[].user.exec.command in the kubeconfig",
          cause: e,
        },
      );
    }
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      throw new ConfigError(`${name} could not be started: ${(e as Error).message}`, {
        hint: "allow running it (deno run --allow-run) or check the file's execute permission",
        cause: e,
      });
    }
    throw new ConfigError(`${name} could not be started: ${(e as Error).message}`, { cause: e });
  }
  if (!out.success) {
    const tail = interactive ? "" : lastLines(new TextDecoder().decode(out.stderr), STDERR_LINES);
    throw new ConfigError(
      `${name} failed with exit code ${out.code}${
        tail ? `: ${tail}` : interactive ? " (see its output above)" : ""
      }`,
      {
        hint: `check that you are logged in; run it by hand: ${
          [exec.command, ...exec.args].join(" ")
        }`,
      },
    );
  }
  return parseExecCredentialOutput(new TextDecoder().decode(out.stdout), exec);
}

function lastLines(text: string, n: number): string {
  return text.split("\n").map((l) => l.trimEnd()).filter((l) => l).slice(-n).join(" | ");
}

function safeIsTerminal(): boolean {
  try {
    return Deno.stdin.isTerminal();
  } catch {
    return false;
  }
}
