/**
 * The scalable roles of a PodCliqueSet, as Grove scales them: a standalone
 * clique (PodClique `/scale` of every set replica, plus the template), a
 * scaling group (PodCliqueScalingGroup `/scale`; its cliques only together),
 * and matching a user's role name against them. Pure.
 *
 * @module
 */

import { templateDraGpus } from "../../lib/topology/dra.ts";
import { UsageError } from "../../lib/errors.ts";
import { cliqueMinAvailable, cliqueRole, podGpus } from "../../lib/grove/relations.ts";
import { cliqueName, scalingGroupName } from "../../lib/grove/names.ts";
import type {
  Pod,
  PodClique,
  PodCliqueScalingGroup,
  PodCliqueSet,
  PodSpec,
} from "../../lib/grove/types.ts";

/** One live object a role change writes through `/scale`. */
export interface LiveObject {
  /** `PodClique` or `PodCliqueScalingGroup`. */
  kind: "PodClique" | "PodCliqueScalingGroup";
  /** Object name. */
  name: string;
  /** Set replica it belongs to. */
  setReplica: number;
  /** `spec.replicas` now (the template's when the object does not exist yet). */
  replicas: number;
  /** resourceVersion read (undefined when the object does not exist yet). */
  resourceVersion?: string;
  /** False when the operator has not created it yet. */
  exists: boolean;
}

/** A member clique of a scaling group. */
export interface GroupMember {
  /** Clique template name. */
  clique: string;
  /** Its role name. */
  role: string;
  /** Pods per group replica. */
  replicas: number;
  /** GPUs per pod. */
  gpusPerPod: number;
}

/** A role that can be scaled on its own. */
export interface ScalableRole {
  /** Role name shown and matched (roleName of a standalone clique; the group name for a scaling group). */
  role: string;
  /** How Grove scales it. */
  kind: "clique" | "group";
  /** Clique template name, or the scaling group name. */
  template: string;
  /** Index of the clique or group in the template (for the template patch). */
  templateIndex: number;
  /** Replicas in the template (what new set replicas get). */
  templateReplicas: number;
  /** Replicas now (of set replica 0, else the template's). */
  current: number;
  /** minAvailable (pods of a clique; group replicas of a group). */
  minAvailable: number;
  /** Pods per unit: 1 for a clique, the members' pods for one group replica. */
  podsPerUnit: number;
  /** GPUs of one pod of a clique (0 for a group: see members). */
  gpusPerPod: number;
  /** GPUs per unit (per pod of a clique; per group replica). */
  gpusPerUnit: number;
  /** Members of a scaling group. */
  members: GroupMember[];
  /** A worker: its pods request GPUs (the roles `--replicas` distributes over). */
  worker: boolean;
  /** The live objects per set replica. */
  objects: LiveObject[];
}

/**
 * GPUs one pod of a pod spec requests: `nvidia.com/gpu`, plus the GPU
 * devices of the DRA claim templates it names (the PodCliqueSet's
 * `resourceClaimTemplates`, when given).
 */
export function specGpus(podSpec: PodSpec | undefined, claimTemplates?: unknown): number {
  if (!podSpec) return 0;
  return podGpus({ metadata: { name: "" }, spec: podSpec } as Pod) +
    templateDraGpus(podSpec, claimTemplates);
}

/**
 * The roles of a PodCliqueSet: standalone cliques in template order, then
 * scaling groups. Live PodCliques and PCSGs give the current replicas and
 * resourceVersions; the template fills in what does not exist yet.
 *
 * @example
 * ```ts
 * import { scalableRoles } from "./roles.ts";
 * const pcs = { metadata: { name: "demo" }, spec: { replicas: 1, template: { cliques: [
 *   { name: "worker", spec: { roleName: "worker", replicas: 2, podSpec: { containers: [] } } }] } } };
 * scalableRoles(pcs, [], [])[0].current; // 2
 * ```
 */
export function scalableRoles(
  pcs: PodCliqueSet,
  cliques: PodClique[],
  groups: PodCliqueScalingGroup[],
): ScalableRole[] {
  const name = pcs.metadata.name;
  const tpl = pcs.spec?.template;
  const setReplicas = pcs.spec?.replicas ?? 0;
  const groupCfgs = tpl?.podCliqueScalingGroups ?? [];
  const claimTemplates = (tpl as { resourceClaimTemplates?: unknown } | undefined)
    ?.resourceClaimTemplates;
  const inGroup = new Set(groupCfgs.flatMap((g) => g.cliqueNames ?? []));
  const liveClique = new Map(cliques.map((c) => [c.metadata.name, c]));
  const liveGroup = new Map(groups.map((g) => [g.metadata.name, g]));
  const out: ScalableRole[] = [];
  (tpl?.cliques ?? []).forEach((c, i) => {
    if (inGroup.has(c.name)) return;
    const objects: LiveObject[] = [];
    for (let r = 0; r < setReplicas; r++) {
      const full = cliqueName(name, r, c.name);
      const live = liveClique.get(full);
      objects.push({
        kind: "PodClique",
        name: full,
        setReplica: r,
        replicas: Number(live?.spec?.replicas ?? c.spec?.replicas ?? 0),
        resourceVersion: live?.metadata.resourceVersion,
        exists: !!live,
      });
    }
    const live0 = liveClique.get(cliqueName(name, 0, c.name));
    const gpus = specGpus(live0?.spec?.podSpec ?? c.spec?.podSpec, claimTemplates);
    out.push({
      role: cliqueRole(c),
      kind: "clique",
      template: c.name,
      templateIndex: i,
      templateReplicas: c.spec?.replicas ?? 0,
      current: objects[0]?.replicas ?? c.spec?.replicas ?? 0,
      minAvailable: live0 ? cliqueMinAvailable(live0) : cliqueMinAvailable(c),
      podsPerUnit: 1,
      gpusPerPod: gpus,
      gpusPerUnit: gpus,
      members: [],
      worker: gpus > 0,
      objects,
    });
  });
  const byName = new Map((tpl?.cliques ?? []).map((c) => [c.name, c]));
  groupCfgs.forEach((g, i) => {
    const members: GroupMember[] = (g.cliqueNames ?? []).map((cn) => {
      const c = byName.get(cn);
      const live = liveClique.get(`${scalingGroupName(name, 0, g.name)}-0-${cn}`);
      return {
        clique: cn,
        role: c ? cliqueRole(c) : cn,
        replicas: Number(live?.spec?.replicas ?? c?.spec?.replicas ?? 0),
        gpusPerPod: specGpus(live?.spec?.podSpec ?? c?.spec?.podSpec, claimTemplates),
      };
    });
    const objects: LiveObject[] = [];
    for (let r = 0; r < setReplicas; r++) {
      const full = scalingGroupName(name, r, g.name);
      const live = liveGroup.get(full);
      objects.push({
        kind: "PodCliqueScalingGroup",
        name: full,
        setReplica: r,
        replicas: Number(live?.spec?.replicas ?? g.replicas ?? 1),
        resourceVersion: live?.metadata.resourceVersion,
        exists: !!live,
      });
    }
    const gpusPerUnit = members.reduce((s, m) => s + m.replicas * m.gpusPerPod, 0);
    const live0 = liveGroup.get(scalingGroupName(name, 0, g.name));
    out.push({
      role: g.name,
      kind: "group",
      template: g.name,
      templateIndex: i,
      templateReplicas: g.replicas ?? 1,
      current: objects[0]?.replicas ?? g.replicas ?? 1,
      minAvailable: Number(live0?.spec?.minAvailable ?? g.minAvailable ?? 1),
      podsPerUnit: members.reduce((s, m) => s + m.replicas, 0),
      gpusPerPod: 0,
      gpusPerUnit,
      members,
      worker: gpusPerUnit > 0,
      objects,
    });
  });
  return out;
}

/** One line per role for error messages: `prefill (clique prefill)`, `decode (scaling group: decode-leader, decode-worker)`. */
export function describeRoles(roles: ScalableRole[]): string {
  return roles.map((r) =>
    r.kind === "clique"
      ? `${r.role}${r.template !== r.role ? ` (clique ${r.template})` : ""}`
      : `${r.role} (scaling group of ${r.members.map((m) => m.role).join(", ")})`
  ).join(", ");
}

/**
 * Finds the role a user named, by role name or clique (template) name.
 * A clique inside a scaling group is refused with the group to use instead;
 * an unknown name lists the known roles.
 *
 * @example
 * ```ts ignore
 * findRole(roles, "decode-leader", "demo"); // UsageError: ... scale the group: --decode=N
 * ```
 */
export function findRole(roles: ScalableRole[], wanted: string, pcs: string): ScalableRole {
  const exact = roles.find((r) => r.role === wanted) ??
    roles.find((r) => r.template === wanted);
  if (exact) return exact;
  for (const g of roles.filter((r) => r.kind === "group")) {
    const m = g.members.find((x) => x.role === wanted || x.clique === wanted);
    if (m) {
      throw new UsageError(
        `role "${wanted}" of podcliqueset "${pcs}" is clique ${m.clique} inside scaling group "${g.role}": Grove scales a group's cliques (${
          g.members.map((x) => x.role).join(", ")
        }) only together, so one of them cannot be scaled alone`,
        `scale the whole group instead: kubectl grove scale ${pcs} --${g.role}=N (now ${g.current} group replicas of ${g.podsPerUnit} pods)`,
      );
    }
  }
  throw new UsageError(
    `unknown role "${wanted}" in podcliqueset "${pcs}"`,
    `known roles: ${describeRoles(roles)}`,
  );
}
