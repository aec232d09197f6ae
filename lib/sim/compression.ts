/**
 * Response compression of the simulated API server, as the real one does
 * it: a response body larger than 128 KB is sent gzip-encoded when the
 * client accepts gzip (kube-apiserver's `APIResponseCompression`, on by
 * default, gzip level 1, not for watches). Switch it off at run time with
 * `cluster.compression.enabled = false` to compare. Pod-proxy answers are
 * passed on as the pod sent them.
 *
 * @module
 */

/** Settings of the simulator's response compression (mutable at run time). */
export interface SimCompression {
  /** Compress at all (default true). */
  enabled: boolean;
  /** Smallest body that is compressed, bytes (default 128 KiB, as kube-apiserver). */
  minBytes: number;
}

/** kube-apiserver's threshold: 128 KiB. */
export const DEFAULT_MIN_COMPRESS_BYTES = 128 * 1024;

/** Whether an `Accept-Encoding` header admits gzip (q=0 refuses it). */
export function acceptsGzip(header: string | null): boolean {
  if (!header) return false;
  for (const part of header.split(",")) {
    const [coding, ...params] = part.trim().toLowerCase().split(";").map((s) => s.trim());
    if (coding !== "gzip" && coding !== "x-gzip" && coding !== "*") continue;
    const q = params.find((p) => p.startsWith("q="));
    if (q && Number(q.slice(2)) === 0) continue;
    return true;
  }
  return false;
}

let zlib: typeof import("node:zlib") | undefined;

/**
 * The response to send: `res` itself, or its body gzip-encoded (level 1,
 * as kube-apiserver) with `Content-Encoding: gzip` when the client accepts
 * gzip and the body is larger than `minBytes`. Watches, streams
 * (`follow=true`) and bodies already encoded are left alone.
 */
export async function maybeCompress(
  req: Request,
  url: URL,
  res: Response,
  settings: SimCompression,
): Promise<Response> {
  if (!settings.enabled || !res.body || res.headers.has("content-encoding")) return res;
  if (!acceptsGzip(req.headers.get("accept-encoding"))) return res;
  const q = url.searchParams;
  if (["true", "1"].includes(q.get("watch") ?? "") || url.pathname.includes("/watch/")) return res;
  if (q.get("follow") === "true") return res;
  // the pod proxy passes the pod's own answer on
  if (/\/proxy(\/|$)/.test(url.pathname)) return res;
  const length = Number(res.headers.get("content-length") ?? NaN);
  if (Number.isFinite(length) && length <= settings.minBytes) return res;
  const body = new Uint8Array(await res.arrayBuffer());
  const headers = new Headers(res.headers);
  if (body.length <= settings.minBytes) {
    return new Response(body, { status: res.status, statusText: res.statusText, headers });
  }
  zlib ??= await import("node:zlib");
  const gz = await new Promise<Uint8Array<ArrayBuffer>>((resolve, reject) =>
    zlib!.gzip(body, { level: 1 }, (e, out) => e ? reject(e) : resolve(Uint8Array.from(out)))
  );
  headers.set("content-encoding", "gzip");
  headers.delete("content-length");
  headers.append("vary", "Accept-Encoding");
  return new Response(gz, { status: res.status, statusText: res.statusText, headers });
}
