/**
 * The pure part of `update --image`: which containers change and the new
 * PodCliqueSet. The preview of the change is `planChange` (lib/change).
 *
 * @module
 */

import { UsageError } from "../../lib/errors.ts";
import type { ImageTarget } from "../../lib/change/plan.ts";
import type { PodCliqueSet, PodCliqueTemplateSpec } from "../../lib/grove/types.ts";

export type { AffectedRole, ImageTarget, UpdatePlan } from "../../lib/change/plan.ts";

/** What to change. */
export interface ImageUpdateRequest {
  /** New image reference. */
  image: string;
  /** Only cliques of this role (roleName or clique name). */
  role?: string;
  /** Only this container (needed when a clique has several and none matches the image's repository). */
  container?: string;
}

function repoOf(image: string): string {
  const noDigest = image.split("@")[0];
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

function roleOf(c: PodCliqueTemplateSpec): string {
  return c.spec?.roleName || c.name;
}

/**
 * Applies an image change to a PodCliqueSet (pure). Throws a UsageError for
 * an unknown role or container, or when the container is ambiguous.
 *
 * @example
 * ```ts
 * import { applyImageChange } from "./plan.ts";
 * const pcs = { metadata: { name: "d" }, spec: { template: { cliques: [{ name: "w",
 *   spec: { roleName: "w", replicas: 1, podSpec: { containers: [{ name: "c", image: "x:1" }] } } }] } } };
 * applyImageChange(pcs, { image: "x:2" }).targets; // [{ clique: "w", role: "w", container: "c", from: "x:1", to: "x:2" }]
 * ```
 */
export function applyImageChange(
  pcs: PodCliqueSet,
  req: ImageUpdateRequest,
): { next: PodCliqueSet; targets: ImageTarget[] } {
  const next = structuredClone(pcs);
  const cliques = next.spec?.template?.cliques ?? [];
  const name = pcs.metadata.name;
  let chosen = cliques;
  if (req.role) {
    chosen = cliques.filter((c) => roleOf(c) === req.role || c.name === req.role);
    if (!chosen.length) {
      throw new UsageError(
        `podcliqueset "${name}" has no role "${req.role}"`,
        `roles: ${[...new Set(cliques.map(roleOf))].join(", ") || "(none)"}`,
      );
    }
  }
  const targets: ImageTarget[] = [];
  const repo = repoOf(req.image);
  for (const c of chosen) {
    const containers = c.spec?.podSpec?.containers ?? [];
    let pick = undefined as (typeof containers)[number] | undefined;
    if (req.container) {
      pick = containers.find((x) => x.name === req.container);
      if (!pick) {
        if (req.role) {
          throw new UsageError(
            `role "${roleOf(c)}" of podcliqueset "${name}" has no container "${req.container}"`,
            `containers: ${containers.map((x) => x.name).join(", ") || "(none)"}`,
          );
        }
        continue;
      }
    } else {
      const same = containers.filter((x) => x.image && repoOf(x.image) === repo);
      if (same.length === 1) pick = same[0];
      else if (same.length === 0 && containers.length === 1 && (req.role || chosen.length === 1)) {
        pick = containers[0];
      } else if (req.role || chosen.length === 1) {
        throw new UsageError(
          `role "${roleOf(c)}" of podcliqueset "${name}" has ${containers.length} containers (${
            containers.map((x) => x.name).join(", ")
          }) and none or several run ${repo}`,
          "name the container with --container",
        );
      } else continue;
    }
    targets.push({
      clique: c.name,
      role: roleOf(c),
      container: pick.name,
      from: pick.image ?? "",
      to: req.image,
    });
    pick.image = req.image;
  }
  if (!targets.length) {
    const all = [
      ...new Set(cliques.flatMap((c) => (c.spec?.podSpec?.containers ?? []).map((x) => x.name))),
    ];
    throw new UsageError(
      req.container
        ? `no clique of podcliqueset "${name}" has a container "${req.container}"`
        : `no container of podcliqueset "${name}" runs ${repo}, and the cliques have several containers`,
      `containers: ${all.join(", ") || "(none)"}; pick one with --container (and --role)`,
    );
  }
  return { next, targets };
}
