/**
 * How bytes reach the API server. The normal path is `fetch` with
 * `Deno.createHttpClient({ caCerts, cert, key })`. Deno 2.9's HTTP client can
 * neither skip certificate verification nor set the TLS server name, so
 * clusters with `insecure-skip-tls-verify` or `tls-server-name` use a
 * `node:https` transport, loaded only then (`node_transport.ts`).
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
  if (tls.insecure || tls.serverName) {
    const { createNodeTransport } = await import("./node_transport.ts");
    return createNodeTransport(tls);
  }
  return createFetchTransport(tls);
}
