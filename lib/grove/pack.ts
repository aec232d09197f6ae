/**
 * Pack constraints as Grove reads them: `topologyConstraint.pack.required`
 * (else the deprecated `packDomain`) and `pack.preferred`. Pure.
 *
 * @module
 */

import type { TopologyConstraint, TopologyPack } from "./types.ts";

/**
 * The required and preferred pack domains of a topology constraint: the
 * required domain is `pack.required`, else the deprecated `packDomain`
 * (Grove's `RequiredDomain()`); the preferred one is `pack.preferred`.
 * Undefined when neither is set.
 *
 * @example
 * ```ts
 * import { packDomains } from "./pack.ts";
 * packDomains({ packDomain: "rack" }); // { required: "rack" }
 * packDomains({ pack: { preferred: "host" }, packDomain: "rack" }); // { required: "rack", preferred: "host" }
 * packDomains({ pack: { required: "zone" } }); // { required: "zone" }
 * ```
 */
export function packDomains(tc: TopologyConstraint | undefined): TopologyPack | undefined {
  const required = tc?.pack?.required || tc?.packDomain || undefined;
  const preferred = tc?.pack?.preferred || undefined;
  if (!required && !preferred) return undefined;
  return { ...(required ? { required } : {}), ...(preferred ? { preferred } : {}) };
}
