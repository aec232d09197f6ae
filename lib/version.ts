/**
 * Version and build facts. `deno task compile` rewrites `build_info.ts`
 * with the git commit and build date; from source both read `dev`.
 *
 * @module
 */

import { BUILD_COMMIT, BUILD_DATE } from "./build_info.ts";

/** kubectl-grove's version (semver). */
export const VERSION = "0.1.0";

/** Git commit the executable was built from, or `dev`. */
export const COMMIT: string = BUILD_COMMIT;

/** Build date (RFC 3339), or `dev`. */
export const BUILD_DATE_STRING: string = BUILD_DATE;

/** The API groups and versions this build speaks. */
export const API_GROUPS = [
  "grove.io/v1alpha1 (PodCliqueSet, PodClique, PodCliqueScalingGroup, ClusterTopologyBinding, ClusterTopology)",
  "scheduler.grove.io/v1alpha1 (PodGang)",
  "v1 (Pod, Node, Event, ConfigMap)",
  "apps/v1 (ControllerRevision)",
] as const;
