/**
 * How bytes reach the API server. Two transports:
 *
 * - `node:https` (`node_transport.ts`, loaded lazily) whenever the kubeconfig names a cluster
 *   CA, or asks for `insecure-skip-tls-verify` or `tls-server-name`. Its `ca` option trusts the
 *   named CA only, as kubectl does. `Deno.createHttpClient({ caCerts })` adds the CA to the
 *   public root store instead, so a certificate from any public (or system-added) CA for the
 *   server's name would be accepted: not acceptable for credentials. Measured on the large
 *   scenario (`status --all -A`, 6 runs each on a loaded 2-core machine): fastest 0.60 s vs
 *   0.67 s for `fetch`, peak RSS +22 MB (the node compatibility layer).
 * - `fetch` with `Deno.createHttpClient({ cert, key })` when no CA is named (a server with a
 *   publicly trusted certificate, e.g. a managed cluster's endpoint).
 *
 * @module
 */

/** One HTTP request. */
export interface TransportRequest {
  /** HTTP method. */
  method: string;
  /** Full URL. */
  url: string;
  /** Request headers. */
  headers: Record<string, string>;
  /** Body text, if any. */
  body?: string;
  /** Aborts the request (and the response body). */
  signal?: AbortSignal;
}

/** Sends requests; `close()` releases pooled connections. */
export interface Transport {
  /** Sends one request and returns the response (body streamed). */
  send(req: TransportRequest): Promise<Response>;
  /** Releases connections. */
  close(): void;
}

/** TLS and proxy settings of a transport. */
export interface TlsOptions {
  /** CA certificates to trust (PEM). */
  caCerts?: string[];
  /** Client certificate (PEM). */
  cert?: string;
  /** Client key (PEM). */
  key?: string;
  /** Skip server certificate verification. */
  insecure?: boolean;
  /** Name for SNI and certificate verification instead of the URL's host. */
  serverName?: string;
  /** HTTP(S) proxy URL (`proxy-url`). */
  proxyUrl?: string;
}

/** A transport over `fetch` and `Deno.createHttpClient`. */
export function createFetchTransport(tls: TlsOptions): Transport {
  const opts: Deno.CreateHttpClientOptions & { cert?: string; key?: string } = {};
  if (tls.caCerts?.length) opts.caCerts = tls.caCerts;
  if (tls.proxyUrl) opts.proxy = { url: tls.proxyUrl };
  if (tls.cert && tls.key) {
    opts.cert = tls.cert;
    opts.key = tls.key;
  }
  const client = Deno.createHttpClient(opts as Deno.CreateHttpClientOptions);
  return {
    send: (req) =>
      fetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
        client,
      }),
    close: () => client.close(),
  };
}

/** Picks the transport the TLS options need. */
export async function createTransport(tls: TlsOptions): Promise<Transport> {
  // a named CA must be the only one trusted: fetch would add it to the public roots
  if (tls.insecure || tls.serverName || tls.caCerts?.length) {
    const { createNodeTransport } = await import("./node_transport.ts");
    return createNodeTransport(tls);
  }
  return createFetchTransport(tls);
}
