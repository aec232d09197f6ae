/**
 * Kubernetes `Status` failures as the simulated API server sends them: the
 * codes, reasons, messages and details of the real API server.
 *
 * @module
 */

import type { ResourceDescriptor } from "../kube/resources.ts";

/** A `metav1.Status` failure body. */
export interface StatusBody {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure" | "Success";
  message: string;
  reason: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: StatusCause[];
    retryAfterSeconds?: number;
  };
  code: number;
}

/** One field cause of a 422 Invalid answer. */
export interface StatusCause {
  reason: string;
  message: string;
  field: string;
}

/** An HTTP failure answered with a Status body; thrown inside handlers, caught by the router. */
export class StatusError extends Error {
  /** The Status body. */
  readonly body: StatusBody;
  /** Extra response headers (Retry-After). */
  readonly headers: Record<string, string>;
  /** Builds the error from a complete Status body. */
  constructor(body: StatusBody, headers: Record<string, string> = {}) {
    super(body.message);
    this.name = "StatusError";
    this.body = body;
    this.headers = headers;
  }
  /** The HTTP status code. */
  get code(): number {
    return this.body.code;
  }
}

/** Builds a failure Status. */
export function status(
  code: number,
  reason: string,
  message: string,
  details?: StatusBody["details"],
): StatusBody {
  const b: StatusBody = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
  };
  if (details) b.details = details;
  return b;
}

/** `plural.group` or `plural` for core, the way messages name a resource. */
export function resourceName(r: ResourceDescriptor, sub?: string): string {
  const p = sub ? `${r.plural}/${sub}` : r.plural;
  return r.group ? `${p}.${r.group}` : p;
}

function details(r: ResourceDescriptor, name?: string): StatusBody["details"] {
  const d: StatusBody["details"] = {};
  if (name) d.name = name;
  if (r.group) d.group = r.group;
  d.kind = r.plural;
  return d;
}

/** 404 NotFound for an object. */
export function notFound(r: ResourceDescriptor, name: string): StatusError {
  return new StatusError(
    status(404, "NotFound", `${resourceName(r)} "${name}" not found`, details(r, name)),
  );
}

/** 409 AlreadyExists. */
export function alreadyExists(r: ResourceDescriptor, name: string): StatusError {
  return new StatusError(
    status(409, "AlreadyExists", `${resourceName(r)} "${name}" already exists`, details(r, name)),
  );
}

/** 409 Conflict on a stale resourceVersion (or a failed precondition with `message`). */
export function conflict(r: ResourceDescriptor, name: string, message?: string): StatusError {
  return new StatusError(
    status(
      409,
      "Conflict",
      `Operation cannot be fulfilled on ${resourceName(r)} "${name}": ${
        message ??
          "the object has been modified; please apply your changes to the latest version and try again"
      }`,
      details(r, name),
    ),
  );
}

/** 422 Invalid with field causes (`Kind.group "name" is invalid: field: message`). */
export function invalid(r: ResourceDescriptor, name: string, causes: StatusCause[]): StatusError {
  const kind = r.group ? `${r.kind}.${r.group}` : r.kind;
  const parts = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const list = parts.length === 1 ? parts[0] : `[${parts.join(", ")}]`;
  const d: StatusBody["details"] = { name, kind: r.kind, causes };
  if (r.group) d.group = r.group;
  return new StatusError(status(422, "Invalid", `${kind} "${name}" is invalid: ${list}`, d));
}

/** 400 BadRequest. */
export function badRequest(message: string): StatusError {
  return new StatusError(status(400, "BadRequest", message));
}

/** 401 Unauthorized. */
export function unauthorized(): StatusError {
  return new StatusError(status(401, "Unauthorized", "Unauthorized"));
}

/** 403 Forbidden with the real message shape. */
export function forbidden(
  user: string,
  verb: string,
  r: ResourceDescriptor,
  sub: string | undefined,
  name: string | undefined,
  namespace: string | undefined,
): StatusError {
  const res = sub ? `${r.plural}/${sub}` : r.plural;
  const subject = name ? `${resourceName(r)} "${name}"` : resourceName(r);
  const scope = namespace ? `in the namespace "${namespace}"` : "at the cluster scope";
  return new StatusError(
    status(
      403,
      "Forbidden",
      `${subject} is forbidden: User "${user}" cannot ${verb} resource "${res}" in API group "${r.group}" ${scope}`,
      details(r, name),
    ),
  );
}

/** 405 MethodNotAllowed. */
export function methodNotAllowed(): StatusError {
  return new StatusError(
    status(
      405,
      "MethodNotAllowed",
      "the server does not allow this method on the requested resource",
    ),
  );
}

/** 404 for a path nothing serves. */
export function pathNotFound(): StatusError {
  return new StatusError(
    status(404, "NotFound", "the server could not find the requested resource", {}),
  );
}

/** 415 for a patch with an unknown content type. */
export function unsupportedMediaType(contentType: string): StatusError {
  return new StatusError(
    status(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got "${contentType}")`,
    ),
  );
}

/** 410 Expired: a resourceVersion older than the server's history. */
export function expired(requested: number, oldest: number): StatusError {
  return new StatusError(
    status(410, "Expired", `too old resource version: ${requested} (${oldest})`),
  );
}

/** An injected fault: 429 TooManyRequests, 500 InternalError or 503 ServiceUnavailable. */
export function fault(code: number, retryAfterSeconds?: number): StatusError {
  const headers: Record<string, string> = {};
  if (retryAfterSeconds !== undefined) headers["Retry-After"] = String(retryAfterSeconds);
  const d = retryAfterSeconds !== undefined ? { retryAfterSeconds } : undefined;
  switch (code) {
    case 429:
      return new StatusError(
        status(429, "TooManyRequests", "Too many requests, please try again later.", d),
        headers,
      );
    case 503:
      return new StatusError(
        status(
          503,
          "ServiceUnavailable",
          "the server is currently unable to handle the request",
          d,
        ),
        headers,
      );
    case 504:
      return new StatusError(
        status(
          504,
          "Timeout",
          "the server was unable to return a response in the time allotted",
          d,
        ),
        headers,
      );
    default:
      return new StatusError(
        status(
          code,
          "InternalError",
          "Internal error occurred: injected fault (simulated cluster)",
          d,
        ),
        headers,
      );
  }
}
