/**
 * Validation of what users type, before anything is sent to a cluster: object names, container
 * image references and duration bounds. Every command uses these, so the same mistake gets the
 * same message and exit code (2, usage) everywhere.
 *
 * @module
 */

import { UsageError } from "./errors.ts";
import { isDnsSubdomain } from "./grove/names.ts";

/**
 * Checks an object name typed by the user (a PodCliqueSet, a pod, ...): a DNS-1123 subdomain of
 * at most 253 characters. Throws a {@link UsageError} that names the kind and quotes the value.
 *
 * @example
 * ```ts
 * import { validateObjectName } from "./validate.ts";
 * validateObjectName("qwen-disagg"); // ok
 * try {
 *   validateObjectName("a/b");
 * } catch (e) {
 *   if (!String((e as Error).message).includes('"a/b" is not a valid PodCliqueSet name')) throw e;
 * }
 * ```
 */
export function validateObjectName(name: string | undefined, kind = "PodCliqueSet"): string {
  const hint =
    "a name is at most 253 characters of lower-case letters, digits, '-' and '.', starting and ending with a letter or digit";
  if (name === undefined || name.trim() === "") {
    throw new UsageError(`a ${kind} name is required and was empty`, hint);
  }
  if (!isDnsSubdomain(name)) {
    const shown = name.length > 80 ? `${name.slice(0, 40)}...(${name.length} characters)` : name;
    throw new UsageError(`"${shown}" is not a valid ${kind} name`, hint);
  }
  return name;
}

/** The parts of a container image reference. */
export interface ImageReference {
  /** Registry host (and port), when the reference names one. */
  domain?: string;
  /** Repository path below the registry. */
  path: string;
  tag?: string;
  digest?: string;
}

const ALNUM = "[a-z0-9]+";
const SEPARATOR = "(?:[_.]|__|[-]+)";
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const HOST = `(?:${DOMAIN_NAME}|\\[[0-9a-fA-F:.]+\\])`;
const DOMAIN_RE = new RegExp(`^${HOST}(?::[0-9]+)?$`);
const PATH_RE = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const NAME_MAX = 255;

/**
 * Parses a container image reference by the distribution reference grammar
 * (`[domain/]path[:tag][@digest]`): lower-case path components, a tag of at most 128 word
 * characters, dots and dashes, a digest `algorithm:hex` (sha256 with exactly 64 hex digits).
 * Throws a {@link UsageError} that says which part is wrong.
 *
 * @example
 * ```ts
 * import { parseImageReference } from "./validate.ts";
 * const r = parseImageReference("nvcr.io/nvidia/vllm:0.7.2");
 * if (r.domain !== "nvcr.io" || r.path !== "nvidia/vllm" || r.tag !== "0.7.2") throw new Error();
 * ```
 */
export function parseImageReference(ref: string, flag = "--image"): ImageReference {
  const bad = (what: string): never => {
    throw new UsageError(
      `${flag} "${
        ref.length > 120 ? ref.slice(0, 120) + "..." : ref
      }" is not a valid image reference: ${what}`,
      "an image reference is [registry[:port]/]repository[:tag][@sha256:<64 hex digits>], e.g. nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.7.2",
    );
  };
  if (ref === "") {
    throw new UsageError(
      `${flag} is empty`,
      "give the new image, e.g. --image vllm/vllm-openai:v0.11.0",
    );
  }
  if (/\s/.test(ref)) bad("it contains white space");
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) {
      bad(`the digest "${digest}" is not algorithm:hex (32 or more hex digits)`);
    }
    if (digest.startsWith("sha256:") && digest.length !== "sha256:".length + 64) {
      bad("a sha256 digest has exactly 64 hex digits");
    }
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (tag === "") bad("the tag after ':' is empty");
    if (!TAG_RE.test(tag)) {
      bad(
        `the tag "${tag}" may hold only letters, digits, '_', '.' and '-' (at most 128, not starting with '.' or '-')`,
      );
    }
  }
  if (rest === "") bad("the repository name is empty");
  if (rest.length > NAME_MAX) bad(`the repository name is longer than ${NAME_MAX} characters`);
  let domain: string | undefined;
  let path = rest;
  const first = rest.indexOf("/");
  if (first >= 0) {
    const head = rest.slice(0, first);
    // like docker: the first component is a registry when it has a '.' or ':' or is localhost
    if (head.includes(".") || head.includes(":") || head === "localhost" || /[A-Z]/.test(head)) {
      domain = head;
      path = rest.slice(first + 1);
      if (!DOMAIN_RE.test(domain)) {
        bad(`the registry "${domain}" is not a host name with an optional port`);
      }
    }
  }
  if (!PATH_RE.test(path)) {
    bad(
      `the repository "${path}" must be lower-case letters and digits, separated by '/', '.', '_', '__' or '-'`,
    );
  }
  return { domain, path, tag, digest };
}

/**
 * Checks a duration flag against an upper bound (timers cannot wait longer than about 24.8 days,
 * and no command needs to). Returns the value; throws a {@link UsageError} that names the flag
 * and the bound.
 *
 * @example
 * ```ts
 * import { boundDuration, DAY_MS } from "./validate.ts";
 * boundDuration(60_000, "--window", DAY_MS); // 60000
 * ```
 */
export function boundDuration(ms: number, flag: string, maxMs: number, minMs = 0): number {
  if (!Number.isFinite(ms) || ms > maxMs) {
    throw new UsageError(`${flag} is too long: at most ${formatBound(maxMs)}`);
  }
  if (ms < minMs) throw new UsageError(`${flag} is too short: at least ${formatBound(minMs)}`);
  return ms;
}

/** One day in milliseconds. */
export const DAY_MS = 24 * 3600_000;

/** The longest wait any timer in Deno can hold (2^31 - 1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

function formatBound(ms: number): string {
  if (ms % DAY_MS === 0) return `${ms / DAY_MS}d (${ms / 3600_000}h)`;
  if (ms % 3600_000 === 0) return `${ms / 3600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
