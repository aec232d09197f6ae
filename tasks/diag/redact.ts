/**
 * Redaction for diagnostics bundles: nothing secret leaves the cluster.
 *
 * - Secrets are never collected (no code path lists them).
 * - Objects lose `managedFields`, the `last-applied-configuration`
 *   annotation, values taken from `secretKeyRef`, and env values whose name
 *   looks secret (TOKEN, PASSWORD, SECRET, KEY, CREDENTIAL, ...).
 * - Text (logs, events, env values, args, annotations, status messages) has
 *   bearer tokens, JWTs, key=value secrets, credentials in URLs, cloud access
 *   keys, API tokens (hf_, ghp_, xox*-, sk-) and PEM private keys replaced by
 *   `[REDACTED]`.
 *
 * @module
 */

import type { KubeObject } from "../../lib/kube/types.ts";

/** The marker that replaces a secret value. */
export const REDACTED = "[REDACTED]";

const SECRET_NAME =
  /(TOKEN|PASSW(OR)?D|SECRET|CREDENTIAL|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|AUTH|SESSION|COOKIE|HF_TOKEN|(^|_)KEY$)/i;

const TEXT_PATTERNS: [RegExp, string][] = [
  [
    /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
    `-----PRIVATE KEY ${REDACTED}-----`,
  ],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${REDACTED}`],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, REDACTED],
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, REDACTED],
  // user:password@ in URLs (postgres://app:pw@db, https://user:token@host); a long bare user is a token
  [/\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:'"]+):(?!\[REDACTED\])[^\s/@'"]+@/gi, `$1$2:${REDACTED}@`],
  [/\b([a-z][a-z0-9+.-]*:\/\/)[A-Za-z0-9_-]{20,}@/gi, `$1${REDACTED}@`],
  [/\bhf_[A-Za-z0-9]{20,}\b/g, REDACTED],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/g, REDACTED],
  [/\bsk-[A-Za-z0-9_-]{20,}/g, REDACTED],
  [/\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, REDACTED],
  // "password": "x", 'token': 'x'  (JSON log lines)
  [
    /(["']?[A-Za-z0-9_.-]*(?:token|passw(?:or)?d|secret|api[_-]?key|access[_-]?key|private[_-]?key|credential)[A-Za-z0-9_.-]*["']?\s*:\s*)"(?:[^"\\]|\\.)*"/gi,
    `$1"${REDACTED}"`,
  ],
  // token=x, password: x, --api-key x (plain text); numbers and booleans are settings
  // (max_tokens=512, --max-num-batched-tokens=8192), not secrets
  [
    /(\b[A-Za-z0-9_.-]*(?:token|passw(?:or)?d|secret|api[_-]?key|access[_-]?key|credential)[A-Za-z0-9_.-]*\s*[=:]\s*)(?!\[REDACTED\])(?!(?:\d+(?:\.\d+)?|true|false|null|none)(?![^\s"',;&]))[^\s"',;&]+/gi,
    `$1${REDACTED}`,
  ],
  [/(--(?:[a-z-]*(?:token|password|secret|api-key))[= ])(?!\[REDACTED\])\S+/gi, `$1${REDACTED}`],
];

/** Redacts secrets in free text (logs, event messages). Returns the text and how many values were replaced. */
export function redactText(text: string): { text: string; count: number } {
  let count = 0;
  let out = text;
  for (const [re, repl] of TEXT_PATTERNS) {
    out = out.replace(re, (...args) => {
      count++;
      const groups = args.slice(1, -2) as (string | undefined)[];
      return repl.replace(/\$(\d)/g, (_, i) => groups[Number(i) - 1] ?? "");
    });
  }
  return { text: out, count };
}

// deno-lint-ignore no-explicit-any
type Json = any;

function redactEnv(env: Json[] | undefined): number {
  let n = 0;
  for (const e of env ?? []) {
    if (e?.valueFrom?.secretKeyRef) {
      const ref = e.valueFrom.secretKeyRef;
      e.valueFrom = { secretKeyRef: { name: ref.name, key: ref.key } };
      if ("value" in e) delete e.value;
      n++;
    } else if (
      typeof e?.value === "string" && SECRET_NAME.test(String(e.name ?? "")) && e.value !== ""
    ) {
      e.value = REDACTED;
      n++;
    } else if (typeof e?.value === "string") {
      const r = redactText(e.value);
      if (r.count) {
        e.value = r.text;
        n += r.count;
      }
    }
  }
  return n;
}

function redactContainers(containers: Json[] | undefined): number {
  let n = 0;
  for (const c of containers ?? []) {
    n += redactEnv(c?.env);
    for (const key of ["args", "command"]) {
      if (!Array.isArray(c?.[key])) continue;
      c[key] = c[key].map((a: unknown, i: number, all: unknown[]) => {
        if (typeof a !== "string") return a;
        const prev = typeof all[i - 1] === "string" ? (all[i - 1] as string) : "";
        if (/^--?[a-z-]*(token|password|secret|api-key)$/i.test(prev)) {
          n++;
          return REDACTED;
        }
        const r = redactText(a);
        n += r.count;
        return r.text;
      });
    }
  }
  return n;
}

function redactStrings(obj: Json, depth = 0): number {
  if (!obj || typeof obj !== "object" || depth > 16) return 0;
  let n = 0;
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v === "string") {
      const r = redactText(v);
      if (r.count) {
        obj[k] = r.text;
        n += r.count;
      }
    } else if (v && typeof v === "object") n += redactStrings(v, depth + 1);
  }
  return n;
}

function walkPodSpecs(obj: Json, visit: (spec: Json) => void, depth = 0): void {
  if (!obj || typeof obj !== "object" || depth > 12) return;
  if (Array.isArray(obj)) {
    for (const x of obj) walkPodSpecs(x, visit, depth + 1);
    return;
  }
  if (Array.isArray(obj.containers)) visit(obj);
  for (const v of Object.values(obj)) walkPodSpecs(v, visit, depth + 1);
}

/**
 * A redacted deep copy of an API object, and how many values were removed.
 * Works for pods and for Grove objects whose templates embed pod specs.
 *
 * @example
 * ```ts
 * import { redactObject } from "./redact.ts";
 * const { object } = redactObject({ metadata: { name: "p", annotations: {
 *   "kubectl.kubernetes.io/last-applied-configuration": "{...}" } } });
 * console.log(object.metadata.annotations); // {}
 * ```
 */
export function redactObject<T extends KubeObject>(input: T): { object: T; count: number } {
  const obj: Json = structuredClone(input);
  let n = 0;
  if (obj.metadata) {
    delete obj.metadata.managedFields;
    const ann = obj.metadata.annotations;
    if (ann && "kubectl.kubernetes.io/last-applied-configuration" in ann) {
      delete ann["kubectl.kubernetes.io/last-applied-configuration"];
      n++;
    }
    for (const [k, v] of Object.entries(ann ?? {})) {
      if (typeof v === "string") {
        const r = redactText(v);
        if (r.count) {
          ann[k] = r.text;
          n += r.count;
        }
      }
    }
  }
  if (obj.kind === "Secret") {
    return { object: { ...obj, data: undefined, stringData: undefined }, count: n + 1 };
  }
  walkPodSpecs(obj, (spec) => {
    n += redactContainers(spec.containers);
    n += redactContainers(spec.initContainers);
    n += redactContainers(spec.ephemeralContainers);
  });
  // status messages (termination messages hold the log tail, conditions quote errors)
  if (obj.status && typeof obj.status === "object") n += redactStrings(obj.status);
  if (obj.kind === "ConfigMap" && obj.data) {
    for (const [k, v] of Object.entries(obj.data)) {
      if (typeof v === "string") {
        const r = redactText(v);
        obj.data[k] = r.text;
        n += r.count;
      }
    }
  }
  if (obj.kind === "Event" && typeof obj.message === "string") {
    const r = redactText(obj.message);
    obj.message = r.text;
    n += r.count;
  }
  return { object: obj, count: n };
}
