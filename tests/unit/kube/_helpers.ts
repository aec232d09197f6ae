/**
 * Test helpers for lib/kube: temp dirs, kubeconfig writing, and a small local
 * HTTPS server (own CA from createSimPki) with a programmable handler.
 */

import { createSimPki, type SimPki } from "../../../lib/sim/tls.ts";
import { KubeClient, type KubeClientOptions } from "../../../lib/kube/client.ts";
import type { ResolvedConfig } from "../../../lib/kube/kubeconfig.ts";

let pkiPromise: Promise<SimPki> | undefined;
/** One PKI shared by the tests of a file (generation costs a few ms). */
export function pki(): Promise<SimPki> {
  pkiPromise ??= createSimPki();
  return pkiPromise;
}

/** A temp dir removed by the returned cleanup. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "kube-test-" });
  return { dir, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

/** A running HTTPS test server. */
export interface TestServer {
  url: string;
  port: number;
  /** Requests seen: method, path+query, headers, body. */
  seen: { method: string; path: string; headers: Headers; body: string }[];
  stop(): Promise<void>;
}

/** Starts an HTTPS server on 127.0.0.1 with the given handler. */
export async function startServer(
  handler: (req: Request, body: string, n: number) => Response | Promise<Response>,
): Promise<TestServer> {
  const p = await pki();
  const ac = new AbortController();
  const seen: TestServer["seen"] = [];
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    cert: p.server.cert,
    key: p.server.key,
    signal: ac.signal,
    onListen() {},
  }, async (req) => {
    const body = await req.text();
    const u = new URL(req.url);
    seen.push({
      method: req.method,
      path: u.pathname + u.search,
      headers: new Headers(req.headers),
      body,
    });
    return await handler(req, body, seen.length);
  });
  const port = server.addr.port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    seen,
    stop: async () => {
      ac.abort();
      await server.finished;
    },
  };
}

/** A resolved config for a test server (token auth, our CA). */
export async function configFor(
  server: string,
  over: Partial<ResolvedConfig> = {},
): Promise<ResolvedConfig> {
  const p = await pki();
  return {
    contextName: "test-ctx",
    clusterName: "test-cluster",
    userName: "test-user",
    cluster: {
      server,
      caCerts: [p.ca.cert],
      caSource: "/tmp/ca.crt",
      insecureSkipTlsVerify: false,
    },
    user: { token: "secret-token-123" },
    files: [],
    inCluster: false,
    ...over,
  };
}

/** A client for a test server, collecting stderr lines. */
export async function clientFor(
  server: string,
  opts: Partial<KubeClientOptions> & { config?: ResolvedConfig } = {},
): Promise<{ client: KubeClient; stderr: string[] }> {
  const stderr: string[] = [];
  const client = new KubeClient({
    namespace: "default",
    backoff: { baseMs: 5, maxMs: 20 },
    watchReconnect: { baseMs: 5, maxMs: 20, healthyAfterMs: 60_000 },
    stderr: (l) => stderr.push(l),
    ...opts,
    config: opts.config ?? await configFor(server),
  });
  return { client, stderr };
}

/** A JSON response. */
export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** A Kubernetes Status failure response. */
export function status(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Response {
  return json(
    { kind: "Status", apiVersion: "v1", status: "Failure", code, reason, message, details },
    code,
    headers,
  );
}

/** Rejects if `p` does not reject; returns the error. */
export async function rejects<E = Error>(p: Promise<unknown>): Promise<E> {
  try {
    await p;
  } catch (e) {
    return e as E;
  }
  throw new Error("expected a rejection");
}
