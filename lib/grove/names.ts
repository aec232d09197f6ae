/**
 * Grove's naming conventions for the objects the operator creates from a
 * PodCliqueSet, and parsers that go back from a name to its parts.
 *
 * - standalone clique: `<pcs>-<replica>-<clique>`
 * - scaling group: `<pcs>-<replica>-<sg>`
 * - scaling group member clique: `<pcs>-<replica>-<sg>-<j>-<clique>`
 * - base PodGang: `<pcs>-<replica>`
 * - scaled PodGang: `<pcs>-<replica>-<sg>-<k>` (k = j - minAvailable)
 * - pod: `<clique>-<random suffix>` (generateName)
 *
 * Names alone are ambiguous when a PCS name ends in `-<digits>`, so the
 * parsers take the PCS name (from the `app.kubernetes.io/part-of` label).
 *
 * @module
 */

/** Maximum length of an object name that must also fit in a label value. */
export const MAX_LABEL_NAME = 63;

const DNS_LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** True when `name` is a valid DNS-1123 label (at most 63 characters). */
export function isDnsLabel(name: string): boolean {
  return name.length <= 63 && DNS_LABEL_RE.test(name);
}

/** True when `name` is a valid DNS-1123 subdomain (object names of most kinds). */
export function isDnsSubdomain(name: string): boolean {
  return name.length <= 253 && DNS_SUBDOMAIN_RE.test(name);
}

/**
 * Name of a standalone PodClique.
 *
 * @example
 * ```ts
 * import { cliqueName } from "./names.ts";
 * cliqueName("qwen-disagg", 0, "frontend"); // "qwen-disagg-0-frontend"
 * ```
 */
export function cliqueName(pcs: string, replica: number, clique: string): string {
  return `${pcs}-${replica}-${clique}`;
}

/**
 * Name of a PodCliqueScalingGroup.
 *
 * @example
 * ```ts
 * import { scalingGroupName } from "./names.ts";
 * scalingGroupName("qwen-disagg", 0, "prefill"); // "qwen-disagg-0-prefill"
 * ```
 */
export function scalingGroupName(pcs: string, replica: number, sg: string): string {
  return `${pcs}-${replica}-${sg}`;
}

/**
 * Name of a clique inside replica `j` of a scaling group.
 *
 * @example
 * ```ts
 * import { scalingGroupCliqueName } from "./names.ts";
 * scalingGroupCliqueName("qwen-disagg", 0, "prefill", 1, "pworker"); // "qwen-disagg-0-prefill-1-pworker"
 * ```
 */
export function scalingGroupCliqueName(
  pcs: string,
  replica: number,
  sg: string,
  j: number,
  clique: string,
): string {
  return `${pcs}-${replica}-${sg}-${j}-${clique}`;
}

/**
 * Name of the base PodGang of a PCS replica.
 *
 * @example
 * ```ts
 * import { baseGangName } from "./names.ts";
 * baseGangName("qwen-disagg", 0); // "qwen-disagg-0"
 * ```
 */
export function baseGangName(pcs: string, replica: number): string {
  return `${pcs}-${replica}`;
}

/**
 * Name of the `k`-th scaled PodGang of a scaling group (group replica `minAvailable + k`).
 *
 * @example
 * ```ts
 * import { scaledGangName } from "./names.ts";
 * scaledGangName("qwen-disagg", 0, "prefill", 0); // "qwen-disagg-0-prefill-0"
 * ```
 */
export function scaledGangName(pcs: string, replica: number, sg: string, k: number): string {
  return `${pcs}-${replica}-${sg}-${k}`;
}

/**
 * Gang of replica `j` of a scaling group: the base gang for `j < minAvailable`,
 * else scaled gang `j - minAvailable`.
 */
export function gangForScalingGroupReplica(
  pcs: string,
  replica: number,
  sg: string,
  j: number,
  minAvailable = 1,
): string {
  return j < minAvailable
    ? baseGangName(pcs, replica)
    : scaledGangName(pcs, replica, sg, j - minAvailable);
}

/** Headless service of a PCS replica (same as the base gang name). */
export function headlessServiceName(pcs: string, replica: number): string {
  return `${pcs}-${replica}`;
}

/** Hostname of pod `index` in a clique: `<clique>-<index>`. */
export function podHostname(clique: string, index: number): string {
  return `${clique}-${index}`;
}

/** The parts of a PodClique name. */
export interface ParsedCliqueName {
  /** PCS name. */
  pcs: string;
  /** PCS replica index. */
  replica: number;
  /** Clique template name. */
  clique: string;
  /** Scaling group template name, for a member clique. */
  scalingGroup?: string;
  /** Scaling group replica index, for a member clique. */
  scalingGroupReplica?: number;
}

/**
 * Splits a PodClique name into its parts, given the PCS name and, to tell a
 * member clique from a standalone one, the PCS's scaling group names.
 * Returns undefined when the name does not follow the convention.
 *
 * @example
 * ```ts
 * import { parseCliqueName } from "./names.ts";
 * parseCliqueName("qwen-disagg-0-prefill-1-pworker", "qwen-disagg", ["prefill"]);
 * // { pcs: "qwen-disagg", replica: 0, clique: "pworker", scalingGroup: "prefill", scalingGroupReplica: 1 }
 * ```
 */
export function parseCliqueName(
  name: string,
  pcs: string,
  scalingGroups: readonly string[] = [],
): ParsedCliqueName | undefined {
  if (!name.startsWith(`${pcs}-`)) return undefined;
  const rest = name.slice(pcs.length + 1);
  const m = /^(\d+)-(.+)$/.exec(rest);
  if (!m) return undefined;
  const replica = Number(m[1]);
  const tail = m[2];
  // Longest scaling group name first, so `dec` does not shadow `decode`.
  for (const sg of [...scalingGroups].sort((a, b) => b.length - a.length)) {
    const sm = new RegExp(`^${escapeRe(sg)}-(\\d+)-(.+)$`).exec(tail);
    if (sm) {
      return {
        pcs,
        replica,
        clique: sm[2],
        scalingGroup: sg,
        scalingGroupReplica: Number(sm[1]),
      };
    }
  }
  return { pcs, replica, clique: tail };
}

/** The parts of a PodGang name. */
export interface ParsedGangName {
  /** PCS name. */
  pcs: string;
  /** PCS replica index. */
  replica: number;
  /** Scaling group of a scaled gang. */
  scalingGroup?: string;
  /** Index `k` of a scaled gang. */
  scaledIndex?: number;
  /** True for the base gang. */
  base: boolean;
}

/**
 * Splits a PodGang name into its parts, given the PCS name.
 * Returns undefined when the name does not follow the convention.
 *
 * @example
 * ```ts
 * import { parseGangName } from "./names.ts";
 * parseGangName("qwen-disagg-0-prefill-1", "qwen-disagg");
 * // { pcs: "qwen-disagg", replica: 0, base: false, scalingGroup: "prefill", scaledIndex: 1 }
 * ```
 */
export function parseGangName(name: string, pcs: string): ParsedGangName | undefined {
  if (!name.startsWith(`${pcs}-`)) return undefined;
  const rest = name.slice(pcs.length + 1);
  const base = /^(\d+)$/.exec(rest);
  if (base) return { pcs, replica: Number(base[1]), base: true };
  const scaled = /^(\d+)-(.+)-(\d+)$/.exec(rest);
  if (!scaled) return undefined;
  return {
    pcs,
    replica: Number(scaled[1]),
    base: false,
    scalingGroup: scaled[2],
    scaledIndex: Number(scaled[3]),
  };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The ` -n <namespace>` a hint's command needs: empty for the `default`
 * namespace (or none), so a copied hint runs against the same set.
 *
 * @example
 * ```ts
 * import { nsFlag } from "./names.ts";
 * `kubectl grove status demo${nsFlag("prod")}`; // "kubectl grove status demo -n prod"
 * nsFlag("default"); // ""
 * ```
 */
export function nsFlag(namespace: string | undefined | null): string {
  return namespace && namespace !== "default" ? ` -n ${namespace}` : "";
}
