/**
 * Serving roles of a PodCliqueSet's pods. The role of a pod is its clique's
 * `roleName` (else the clique template name), whatever scaling group holds
 * the clique: a group `workers` holding a `prefill` and a `decode` clique
 * (scaled together) yields two roles, not one called `workers`. The one
 * exception keeps a multi-node engine together: when a group holds a
 * leader clique and worker cliques of the same role class (`pleader` and
 * `pworker`, `decode-leader` and `decode-worker`), those cliques form one
 * role, named after the group when the group's name is of that class
 * (`prefill`), else after the class.
 *
 * Pure.
 *
 * @module
 */

/** Serving role class used by the diagnosis rules. */
export type RoleClass = "prefill" | "decode" | "frontend" | "worker";

/**
 * Classifies a role name: `prefill`/`pleader`/`pworker` → prefill,
 * `decode`/`dleader`/`dworker` → decode, `frontend`/`router` → frontend,
 * anything else (aggregated serving) → worker.
 *
 * @example
 * ```ts
 * import { roleClass } from "./roles.ts";
 * roleClass("prefill-workers"); // "prefill"
 * roleClass("dleader"); // "decode"
 * ```
 */
export function roleClass(role: string): RoleClass {
  const r = role.toLowerCase();
  if (/prefill|^p(leader|worker|head)/.test(r)) return "prefill";
  if (/decode|^d(leader|worker|head)/.test(r)) return "decode";
  if (/frontend|router|gateway|ingress/.test(r)) return "frontend";
  return "worker";
}

/** True for the leader clique of a multi-node engine (`leader`, `pleader`, `decode-head`, `rank0`). */
export function isLeaderRole(role: string): boolean {
  return /leader|head|master|rank-?0\b/i.test(role);
}

/** One member clique of a scaling group. */
export interface GroupMember {
  /** Clique template name. */
  template: string;
  /** The clique's own role (roleName, else template name). */
  role: string;
}

/**
 * The role of each member clique of one scaling group, by template name.
 * Members keep their own role, except that the members of one role class
 * that include a leader (a multi-node engine) share one role: the group's
 * name when it is of that class (or when the whole group is that engine),
 * else the class name.
 *
 * @example
 * ```ts
 * import { scalingGroupRoles } from "./roles.ts";
 * scalingGroupRoles("workers", [
 *   { template: "prefill", role: "prefill" },
 *   { template: "decode", role: "decode" },
 * ]); // Map { "prefill" => "prefill", "decode" => "decode" }
 * scalingGroupRoles("prefill", [
 *   { template: "pleader", role: "pleader" },
 *   { template: "pworker", role: "pworker" },
 * ]); // Map { "pleader" => "prefill", "pworker" => "prefill" }
 * ```
 */
export function scalingGroupRoles(
  group: string,
  members: readonly GroupMember[],
): Map<string, string> {
  const out = new Map<string, string>();
  const byClass = new Map<RoleClass, GroupMember[]>();
  for (const m of members) {
    const k = roleClass(m.role);
    const l = byClass.get(k);
    if (l) l.push(m);
    else byClass.set(k, [m]);
  }
  for (const [cls, ms] of byClass) {
    const engine = ms.length > 1 && ms.some((m) => isLeaderRole(m.role));
    if (!engine) {
      for (const m of ms) out.set(m.template, m.role);
      continue;
    }
    const name = byClass.size === 1 || roleClass(group) === cls ? group : cls;
    for (const m of ms) out.set(m.template, name);
  }
  return out;
}

/**
 * True when the role groups whole scaling-group replicas as one worker (a
 * multi-node engine: leader plus workers), false when each pod of the role
 * is a worker of its own.
 *
 * @example
 * ```ts
 * import { scalingGroupRoles, roleSpansMembers } from "./roles.ts";
 * const roles = scalingGroupRoles("decode", [
 *   { template: "dleader", role: "dleader" },
 *   { template: "dworker", role: "dworker" },
 * ]);
 * roleSpansMembers(roles, "decode"); // true
 * ```
 */
export function roleSpansMembers(roles: ReadonlyMap<string, string>, role: string): boolean {
  let n = 0;
  for (const r of roles.values()) if (r === role) n++;
  return n > 1;
}

/** Where a PodClique's pods count, for metrics and sizing. */
export interface CliqueRoleInfo {
  /** Role of the clique's pods. */
  role: string;
  /** Scaling group template name, for a member clique. */
  scalingGroup?: string;
  /**
   * True when one worker is a whole scaling-group replica (a multi-node
   * engine, or a group of one clique); false when each pod is a worker.
   */
  groupWorker: boolean;
}

/** The parts of a PodClique {@link cliqueRoles} reads. */
export interface CliqueLike {
  metadata: { name: string; labels?: Record<string, string> };
  spec?: { roleName?: string };
}

/**
 * The role of every PodClique of one PodCliqueSet, by full PodClique name,
 * from the live PodCliques (their `roleName`, template name and scaling
 * group labels). See the module doc for the rule.
 *
 * @example
 * ```ts
 * import { cliqueRoles } from "./roles.ts";
 * const sg = (c: string) => ({
 *   metadata: {
 *     name: `s-0-workers-0-${c}`,
 *     labels: {
 *       "grove.io/podcliquescalinggroup": "s-0-workers",
 *       "grove.io/podcliqueset-replica-index": "0",
 *     },
 *   },
 *   spec: { roleName: c },
 * });
 * cliqueRoles("s", [sg("prefill"), sg("decode")]).get("s-0-workers-0-decode")?.role; // "decode"
 * ```
 */
export function cliqueRoles(
  pcs: string,
  cliques: readonly CliqueLike[],
): Map<string, CliqueRoleInfo> {
  const out = new Map<string, CliqueRoleInfo>();
  // Members per scaling group template (over all set and group replicas).
  const groups = new Map<string, Map<string, string>>();
  const memberOf = new Map<string, { group: string; template: string }>();
  for (const c of cliques) {
    const labels = c.metadata.labels ?? {};
    const sgFull = labels["grove.io/podcliquescalinggroup"];
    const replica = labels["grove.io/podcliqueset-replica-index"] ?? "0";
    const own = c.spec?.roleName;
    if (!sgFull) {
      const prefix = `${pcs}-${replica}-`;
      const template = c.metadata.name.startsWith(prefix)
        ? c.metadata.name.slice(prefix.length)
        : c.metadata.name;
      out.set(c.metadata.name, { role: own || template, groupWorker: false });
      continue;
    }
    const prefix = `${pcs}-${replica}-`;
    const group = sgFull.startsWith(prefix) ? sgFull.slice(prefix.length) : sgFull;
    // `<pcs>-<r>-<sg>-<j>-<template>`
    const rest = c.metadata.name.startsWith(`${sgFull}-`)
      ? c.metadata.name.slice(sgFull.length + 1)
      : c.metadata.name;
    const template = rest.replace(/^\d+-/, "");
    memberOf.set(c.metadata.name, { group, template });
    const m = groups.get(group) ?? new Map<string, string>();
    if (!m.has(template)) m.set(template, own || template);
    groups.set(group, m);
  }
  const roleMaps = new Map<string, Map<string, string>>();
  for (const [g, m] of groups) {
    roleMaps.set(
      g,
      scalingGroupRoles(g, [...m].map(([template, role]) => ({ template, role }))),
    );
  }
  for (const [name, { group, template }] of memberOf) {
    const roles = roleMaps.get(group)!;
    const role = roles.get(template) ?? template;
    out.set(name, {
      role,
      scalingGroup: group,
      groupWorker: roles.size === 1 || roleSpansMembers(roles, role),
    });
  }
  return out;
}
