/**
 * A `node:https` transport for the two TLS settings `fetch` cannot express in
 * Deno 2.9: `insecure-skip-tls-verify` and `tls-server-name`. Loaded lazily
 * by `transport.ts` (the first `node:` import costs ~25 ms).
 *
 * @module
 */

import * as https from "node:https";
import type { TlsOptions, Transport, TransportRequest } from "./transport.ts";

/** Builds a keep-alive `node:https` transport. */
export function createNodeTransport(tls: TlsOptions): Transport {
  const agent = new https.Agent({
    keepAlive: true,
    rejectUnauthorized: !tls.insecure,
    ca: tls.caCerts?.length ? tls.caCerts : undefined,
    cert: tls.cert,
    key: tls.key,
    servername: tls.serverName,
  });
  return {
    send: (req) => send(agent, tls, req),
    close: () => agent.destroy(),
  };
}

function send(agent: https.Agent, tls: TlsOptions, req: TransportRequest): Promise<Response> {
  return new Promise((resolve, reject) => {
    if (req.signal?.aborted) return reject(req.signal.reason);
    const url = new URL(req.url);
    const payload = req.body === undefined ? undefined : new TextEncoder().encode(req.body);
    // an explicit length: without one a DELETE's body (DeleteOptions) is not sent
    const headers = payload === undefined
      ? req.headers
      : { ...req.headers, "content-length": String(payload.byteLength) };
    const cr = https.request({
      agent,
      method: req.method,
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port: url.port || 443,
      path: url.pathname + url.search,
      headers,
      servername: tls.serverName,
      rejectUnauthorized: !tls.insecure,
    }, (res) => {
      // the stream ends once: data after a cancel, or an error after the end, is dropped
      let ended = false;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          const finish = (e?: unknown) => {
            if (ended) return;
            ended = true;
            if (e === undefined) controller.close();
            else controller.error(e);
          };
          res.on("data", (c: Uint8Array) => {
            if (!ended) controller.enqueue(new Uint8Array(c));
          });
          res.on("end", () => finish());
          res.on("error", (e: Error) => finish(e));
          res.on("aborted", () => finish(new Error("connection reset: response aborted")));
          req.signal?.addEventListener(
            "abort",
            () => finish(req.signal?.reason ?? new Error("aborted")),
            { once: true },
          );
        },
        cancel() {
          ended = true;
          res.destroy();
        },
      });
      const headers = new Headers();
      for (const [k, v] of Object.entries(res.headers)) {
        if (Array.isArray(v)) v.forEach((x) => headers.append(k, x));
        else if (v !== undefined) headers.set(k, String(v));
      }
      const status = res.statusCode ?? 0;
      // We ask for gzip (client.ts); fetch decodes it itself, node:https does not.
      const gzip = /^\s*(x-)?gzip\s*$/i.test(headers.get("content-encoding") ?? "");
      resolve(
        new Response(
          status === 204 || status === 304 ? null : gzip
            ? body.pipeThrough(
              new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
            )
            : body,
          {
            status,
            statusText: res.statusMessage,
            headers,
          },
        ),
      );
    });
    const onAbort = () => cr.destroy(req.signal?.reason ?? new Error("aborted"));
    req.signal?.addEventListener("abort", onAbort, { once: true });
    cr.on("error", (e: Error) => reject(e));
    cr.on("close", () => req.signal?.removeEventListener("abort", onAbort));
    if (payload !== undefined) cr.write(payload);
    cr.end();
  });
}
