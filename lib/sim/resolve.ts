/**
 * Finds a resource descriptor from the many ways people name one: key
 * (`podcliquesets`), kind (`PodCliqueSet`), short name (`pcs`), singular, or an
 * object's apiVersion and kind.
 *
 * @module
 */

import { type ResourceDescriptor, resourceForKind, Resources } from "../kube/resources.ts";
import type { KubeObject } from "../kube/types.ts";
import { GroveError } from "../errors.ts";

/** A resource named by descriptor, key, kind, plural, singular or short name. */
export type ResourceRef = ResourceDescriptor | string;

const ALL: ResourceDescriptor[] = Object.values(Resources);

/** Resolves a {@link ResourceRef}; throws a GroveError naming the unknown resource. */
export function resolveResource(ref: ResourceRef): ResourceDescriptor {
  if (typeof ref !== "string") return ref;
  const want = ref.toLowerCase();
  const found = ALL.find((r) =>
    r.plural === want || r.singular === want || r.kind.toLowerCase() === want ||
    (r.shortNames as readonly string[]).includes(want) ||
    `${r.plural}.${r.group}` === want
  );
  if (!found) {
    throw new GroveError(`the simulated cluster does not serve a resource named "${ref}"`, {
      hint: `use one of: ${ALL.map((r) => r.plural).join(", ")}`,
    });
  }
  return found;
}

/** The descriptor of an object from its apiVersion and kind, or undefined. */
export function resourceOfObject(obj: KubeObject): ResourceDescriptor | undefined {
  if (!obj.apiVersion || !obj.kind) return undefined;
  return resourceForKind(obj.apiVersion, obj.kind);
}
