/**
 * Error types shared by every layer, and the exit codes the CLI maps them to.
 *
 * A user mistake or an environment problem is a {@link GroveError}: it carries
 * a one-line message that names the object and the cause, an optional `hint`
 * (the next step), and the exit code. `cli/main.ts` prints `error: <message>`
 * and `hint: <hint>` and exits with the code; a stack trace is shown only with
 * `-v`. Anything that is not a GroveError is a bug and is reported as such.
 *
 * @module
 */

/** Exit codes of `kubectl-grove`, documented in README.md. */
export const ExitCode = {
  /** Success. */
  OK: 0,
  /** An error: API failure, bad configuration, object not found. */
  ERROR: 1,
  /** Bad command-line usage: unknown flag, bad value, missing argument. */
  USAGE: 2,
  /** A check ran and failed: `health` unhealthy, `compare` SLA breach, `plan diff` drift, `rollout status` failed or stalled. */
  CHECK_FAILED: 3,
  /** A wait ran out: `rollout status --timeout`, `scale` follow-up. */
  TIMEOUT: 4,
  /** The work was done only in part: a `diag` bundle with failed collectors, metrics with failed scrapes. */
  PARTIAL: 5,
  /** Interrupted by Ctrl-C (128 + SIGINT). */
  INTERRUPTED: 130,
} as const;

/** One of the {@link ExitCode} values. */
export type ExitCodeValue = typeof ExitCode[keyof typeof ExitCode];

/** Options of a {@link GroveError}. */
export interface GroveErrorOptions {
  /** The next step for the user, printed as `hint: ...`. */
  hint?: string;
  /** Exit code; defaults to {@link ExitCode.ERROR}. */
  exitCode?: number;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * An expected failure with a message meant for the user.
 *
 * @example
 * ```ts
 * import { GroveError } from "./errors.ts";
 * throw new GroveError('podcliqueset "demo" not found in namespace "default"', {
 *   hint: "list them with: kubectl grove status --all",
 * });
 * ```
 */
export class GroveError extends Error {
  /** The next step, or undefined. */
  readonly hint?: string;
  /** The exit code the CLI uses for this error. */
  readonly exitCode: number;
  /** Builds an error with a message, an optional hint and an exit code. */
  constructor(message: string, opts: GroveErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "GroveError";
    this.hint = opts.hint;
    this.exitCode = opts.exitCode ?? ExitCode.ERROR;
  }
}

/** Bad command-line usage (exit code 2). */
export class UsageError extends GroveError {
  /** Builds a usage error. */
  constructor(message: string, hint?: string) {
    super(message, { hint, exitCode: ExitCode.USAGE });
    this.name = "UsageError";
  }
}

/** A configuration problem: kubeconfig, context, config file (exit code 1). */
export class ConfigError extends GroveError {
  /** Builds a configuration error. */
  constructor(message: string, opts: GroveErrorOptions = {}) {
    super(message, opts);
    this.name = "ConfigError";
  }
}

/** Details of a Kubernetes `Status` failure. */
export interface ApiErrorDetails {
  /** HTTP status code (403, 404, 409, 410, 422, 429, 500, ...). */
  status: number;
  /** Kubernetes reason: NotFound, Forbidden, Conflict, Expired, Invalid, ... */
  reason: string;
  /** The verb we attempted: get, list, watch, create, update, patch, delete. */
  verb: string;
  /** The resource, as `plural.group` (`podcliquesets.grove.io`, `pods`). */
  resource: string;
  /** Object name, when the request named one. */
  name?: string;
  /** Namespace, when the request had one. */
  namespace?: string;
  /** The server's own message. */
  serverMessage?: string;
  /** Seconds the server asked us to wait (Retry-After), if any. */
  retryAfterSeconds?: number;
  /** True for a 404 because the API group or kind is not served at all (no CRD), not a missing object. */
  notServed?: boolean;
  /** True for a list or watch across all namespaces (`-A`). */
  allNamespaces?: boolean;
  /** Field causes of a 422 Invalid answer. */
  causes?: { field?: string; message?: string; reason?: string }[];
}

/** A Kubernetes API answer with an error `Status`, as a typed error. */
export class ApiError extends GroveError {
  /** The failure's details. */
  readonly details: ApiErrorDetails;
  /** Builds an API error; message and hint are derived from the details unless given. */
  constructor(details: ApiErrorDetails, message?: string, hint?: string) {
    super(message ?? describeApiError(details), { hint: hint ?? hintForApiError(details) });
    this.name = "ApiError";
    this.details = details;
  }
  /** HTTP status code. */
  get status(): number {
    return this.details.status;
  }
  /** Kubernetes reason. */
  get reason(): string {
    return this.details.reason;
  }
}

/** The server could not be reached, or TLS failed. */
export class ConnectionError extends GroveError {
  /** Builds a connection error. */
  constructor(message: string, opts: GroveErrorOptions = {}) {
    super(message, opts);
    this.name = "ConnectionError";
  }
}

function objectPhrase(d: ApiErrorDetails): string {
  const where = d.namespace ? ` in namespace "${d.namespace}"` : "";
  return d.name ? `${d.resource} "${d.name}"${where}` : `${d.resource}${where}`;
}

/** The webhook's name and message when an admission webhook denied the request. */
export function webhookDenial(
  serverMessage: string | undefined,
): { webhook: string; message: string } | undefined {
  const m = /admission webhook "([^"]+)" denied the request(?::\s*([\s\S]*))?/.exec(
    serverMessage ?? "",
  );
  if (!m) return undefined;
  return { webhook: m[1], message: (m[2] ?? "without explanation").trim() };
}

function describeApiError(d: ApiErrorDetails): string {
  const denial = webhookDenial(d.serverMessage);
  if (denial) {
    return `admission webhook "${denial.webhook}" refused to ${d.verb} ${
      objectPhrase(d)
    }: ${denial.message}`;
  }
  switch (d.status) {
    case 401:
      return `the server rejected our credentials (401 Unauthorized) for ${d.verb} ${d.resource}`;
    case 403:
      return `forbidden: cannot ${d.verb} ${objectPhrase(d)}${
        d.serverMessage ? ` (${d.serverMessage})` : ""
      }`;
    case 404:
      return `${objectPhrase(d)} not found`;
    case 409:
      return d.reason === "AlreadyExists"
        ? `${objectPhrase(d)} already exists`
        : `conflict: ${objectPhrase(d)} was changed by someone else since we read it`;
    case 410:
      return `the watch of ${d.resource} is too old (410 Gone)`;
    case 422:
      return `${objectPhrase(d)} is invalid: ${
        d.causes?.map((c) => `${c.field ?? "?"}: ${c.message ?? c.reason ?? ""}`).join("; ") ||
        d.serverMessage || "rejected by validation"
      }`;
    case 429:
      return `the API server is throttling requests (429) for ${d.verb} ${d.resource}`;
    default:
      return `${d.verb} ${objectPhrase(d)} failed: ${d.status} ${d.reason}${
        d.serverMessage ? `: ${d.serverMessage}` : ""
      }`;
  }
}

function hintForApiError(d: ApiErrorDetails): string | undefined {
  if (webhookDenial(d.serverMessage)) {
    return `nothing was changed; the cluster's admission policy rejected the new ${d.resource} content itself (not your permissions): change what the message names and try again`;
  }
  switch (d.status) {
    case 401:
      return "your token or client certificate is expired or invalid: log in again or refresh the kubeconfig credentials";
    case 403:
      return `ask your cluster admin for '${d.verb}' on '${d.resource}'${
        d.namespace ? ` in namespace "${d.namespace}"` : d.allNamespaces ? " in all namespaces" : ""
      } (check with: kubectl auth can-i ${d.verb} ${d.resource}${
        d.namespace ? ` -n ${d.namespace}` : d.allNamespaces ? " -A" : ""
      }${d.allNamespaces ? "; or name your namespace with -n instead of -A" : ""})`;
    case 409:
      return d.reason === "AlreadyExists"
        ? undefined
        : "nothing was changed; run the command again to act on the current state";
    case 429:
      return "wait a moment and try again, or raise --request-timeout";
    default:
      return undefined;
  }
}

/** True when `e` is a 404 because the kind is not served at all (e.g. the Grove CRDs are missing). */
export function isNotServed(e: unknown): e is ApiError {
  return e instanceof ApiError && e.details.notServed === true;
}

/** True when `e` is an {@link ApiError} with the given HTTP status. */
export function isApiStatus(e: unknown, status: number): e is ApiError {
  return e instanceof ApiError && e.details.status === status;
}
