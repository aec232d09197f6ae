/**
 * Turning failed requests into typed errors: API `Status` answers become
 * {@link ApiError}, network and TLS failures become {@link ConnectionError},
 * both naming the context, server or resource and the next step.
 *
 * @module
 */

import { ApiError, type ApiErrorDetails, ConnectionError } from "../errors.ts";
import { formatTimeout } from "./duration.ts";

/** What a request was about, for messages. */
export interface RequestContext {
  /** Kubernetes verb: get, list, watch, create, update, patch, delete. */
  verb: string;
  /** `plural.group`, maybe with `/subresource`. */
  resource: string;
  /** Object name. */
  name?: string;
  /** Namespace. */
  namespace?: string;
  /** HTTP method. */
  method: string;
  /** Path and query. */
  path: string;
  /** `apiVersion` of the resource, for "not served" messages. */
  apiVersion?: string;
  /** True for a collection request that may fail because the kind is not served. */
  collection?: boolean;
  /** True when the resource kind is namespaced. */
  namespaced?: boolean;
}

/** The cluster being talked to, for messages. */
export interface TargetContext {
  /** Context name. */
  contextName: string;
  /** Server URL. */
  server: string;
  /** Where the CA came from, if anywhere. */
  caSource?: string;
  /** What kind of credential is used ("token", "exec plugin ..."). */
  credentialKind?: string;
}

/** Builds an {@link ApiError} from a non-2xx answer. Pure. */
export function apiErrorFromResponse(
  status: number,
  statusText: string,
  bodyText: string,
  retryAfterSeconds: number | undefined,
  req: RequestContext,
  target: TargetContext,
): ApiError {
  // deno-lint-ignore no-explicit-any
  let st: any;
  try {
    const parsed = JSON.parse(bodyText);
    if (parsed && parsed.kind === "Status") st = parsed;
  } catch {
    // not JSON: a proxy, a load balancer or a plain "404 page not found"
  }
  const details: ApiErrorDetails = {
    status,
    reason: st?.reason || reasonFor(status, statusText),
    verb: req.verb,
    resource: req.resource,
    name: req.name,
    namespace: req.namespace,
    serverMessage: st?.message || (st ? undefined : bodyText.trim().slice(0, 200) || undefined),
    retryAfterSeconds: retryAfterSeconds ?? numberOrUndefined(st?.details?.retryAfterSeconds),
    allNamespaces: req.collection && req.namespaced && !req.namespace ? true : undefined,
  };
  const causes = st?.details?.causes;
  if (Array.isArray(causes) && causes.length) {
    details.causes = causes.map((c: Record<string, unknown>) => ({
      field: typeof c.field === "string" ? c.field : undefined,
      message: typeof c.message === "string" ? c.message : undefined,
      reason: typeof c.reason === "string" ? c.reason : undefined,
    }));
  }
  const ctx = `context "${target.contextName}"`;
  if (status === 401) {
    return new ApiError(
      details,
      `the API server ${target.server} rejected the credentials of ${ctx} (401 Unauthorized): the ${
        target.credentialKind ?? "token or client certificate"
      } is expired or invalid`,
      target.credentialKind?.startsWith("exec plugin")
        ? "log in again with your credential plugin, then retry"
        : "log in again or refresh the credentials in your kubeconfig (e.g. your cloud's get-credentials command)",
    );
  }
  if (status === 404 && isNotServed(st, req)) {
    const grove = /grove\.io/.test(req.resource);
    const crd = req.resource.split("/")[0];
    return new ApiError(
      { ...details, reason: "NotFound", notServed: true },
      `the API server of ${ctx} does not serve ${req.resource}${
        req.apiVersion ? ` (${req.apiVersion})` : ""
      }`,
      grove
        ? `is the Grove operator installed? check with: kubectl get crd ${crd}`
        : `check the resource exists on this cluster: kubectl api-resources`,
    );
  }
  return new ApiError(details);
}

// deno-lint-ignore no-explicit-any
function isNotServed(st: any, req: RequestContext): boolean {
  if (!req.resource.includes(".")) return false; // core kinds are always served
  if (!st) return true; // "404 page not found": the group/version is unknown
  // kube-apiserver names the object in details when the object is missing; a kind it does
  // not serve gets "the server could not find the requested resource" with empty details
  return !st.details?.name;
}

function numberOrUndefined(v: unknown): number | undefined {
  return typeof v === "number" && v > 0 ? v : undefined;
}

function reasonFor(status: number, statusText: string): string {
  const known: Record<number, string> = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    410: "Expired",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
  };
  return known[status] ?? (statusText || `HTTP${status}`);
}

/** The kind of a network failure. */
export type NetFailureKind = "refused" | "dns" | "tls" | "reset" | "timeout" | "aborted" | "other";

/** A classified network failure. */
export interface NetFailure {
  /** The kind. */
  kind: NetFailureKind;
  /** The low-level message. */
  detail: string;
}

/** Classifies an error thrown by `fetch` or `node:https`. Pure. */
export function classifyNetworkError(e: unknown): NetFailure {
  const err = e as { name?: string; message?: string; code?: string; cause?: unknown };
  if (err?.name === "TimeoutError") return { kind: "timeout", detail: err.message ?? "timeout" };
  if (err?.name === "AbortError") return { kind: "aborted", detail: err.message ?? "aborted" };
  const parts: string[] = [];
  let cur: unknown = e;
  for (let i = 0; cur && i < 5; i++) {
    const c = cur as { message?: string; code?: string; cause?: unknown };
    if (c.message) parts.push(c.message);
    if (c.code) parts.push(c.code);
    cur = c.cause;
  }
  const text = parts.join(" | ");
  const detail = shortDetail(text);
  if (/ECONNREFUSED|Connection refused|os error 111|os error 10061/i.test(text)) {
    return { kind: "refused", detail };
  }
  if (
    /ENOTFOUND|EAI_AGAIN|dns error|failed to lookup address|Name or service not known/i.test(text)
  ) {
    return { kind: "dns", detail };
  }
  if (/certificate|UnknownIssuer|peer cert|tls|ssl|self[- ]signed|altnames|handshake/i.test(text)) {
    return { kind: "tls", detail };
  }
  if (
    /ECONNRESET|EPIPE|connection reset|Connection reset|broken pipe|connection closed|unexpected EOF|socket hang up|os error 104|IncompleteMessage/i
      .test(text)
  ) {
    return { kind: "reset", detail };
  }
  if (/ETIMEDOUT|timed out/i.test(text)) return { kind: "timeout", detail };
  return { kind: "other", detail };
}

function shortDetail(text: string): string {
  const parts = text.split(" | ");
  const last = parts.filter((p) => !/^fetch failed$/i.test(p)).pop() ?? text;
  return last
    .replace(/^error sending request for url \([^)]*\): /, "")
    .replace(/^client error \((Connect|SendRequest)\): /, "")
    .slice(0, 200);
}

/** A {@link ConnectionError} for a failure, naming context, server and the next step. Pure. */
export function connectionErrorFor(
  f: NetFailure,
  req: { method: string; path: string },
  target: TargetContext,
  timeoutMs?: number,
): ConnectionError {
  const ctx = `context "${target.contextName}"`;
  switch (f.kind) {
    case "refused":
      return new ConnectionError(
        `cannot reach the API server ${target.server} of ${ctx}: connection refused`,
        {
          hint: "is the cluster up, and is the kubeconfig current (right server address and port)?",
        },
      );
    case "dns":
      return new ConnectionError(
        `cannot resolve the API server ${target.server} of ${ctx}: ${f.detail}`,
        { hint: "check the server address in the kubeconfig, your DNS and VPN" },
      );
    case "tls":
      return new ConnectionError(
        `TLS failure talking to the API server ${target.server} of ${ctx}: ${f.detail}`,
        {
          hint: target.caSource
            ? `the server's certificate does not verify against certificate-authority ${target.caSource}: is the kubeconfig current?`
            : "the server's certificate is not trusted: set certificate-authority(-data) for the cluster in the kubeconfig",
        },
      );
    case "timeout":
      return new ConnectionError(
        `request ${req.method} ${req.path} to ${target.server} (${ctx}) timed out${
          timeoutMs ? ` after ${formatTimeout(timeoutMs)}` : ""
        }`,
        {
          hint:
            "raise --request-timeout (e.g. --request-timeout=1m; 0 means none), or check the API server's health",
        },
      );
    default:
      return new ConnectionError(
        `request ${req.method} ${req.path} to the API server ${target.server} of ${ctx} failed: ${f.detail}`,
        { hint: "is the cluster up, and is the kubeconfig current?" },
      );
  }
}
