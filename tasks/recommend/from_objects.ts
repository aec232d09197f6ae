/**
 * Builds {@link RecommendObjects} from a flat list of API objects and logs
 * (a fixture scenario or a diag bundle), the way `collectRecommend` would
 * from the API. Stored plans are used without metrics (there is nothing to
 * scrape), so no SLA finding comes from recorded objects.
 *
 * @module
 */

import { PLAN_LABEL } from "../../lib/aic/plan.ts";
import { crashLoops } from "../../lib/grove/relations.ts";
import type { KubeObject } from "../../lib/kube/types.ts";
import { healthObjectsFrom } from "../health/from_objects.ts";
import { topologyObjectsFrom } from "../topology/from_objects.ts";
import type { CrashLog, RecommendObjects } from "./collect.ts";

/**
 * Sorts objects by kind, applies the scope, and takes each crash-looping
 * container's previous log from `logs` (keys `<ns>/<pod>/<container>.previous`).
 *
 * @example
 * ```ts
 * import { recommendObjectsFrom } from "./from_objects.ts";
 * recommendObjectsFrom([], new Map(), { namespace: "inference" }).crashLogs.length; // 0
 * ```
 */
export function recommendObjectsFrom(
  objects: KubeObject[],
  logs: Map<string, string>,
  opts: { namespace?: string; pcs?: string; logTailLines?: number },
): RecommendObjects {
  const health = healthObjectsFrom(objects, opts);
  const t = topologyObjectsFrom(objects, { namespace: opts.namespace, pcs: opts.pcs });
  const tail = opts.logTailLines ?? 50;
  const crashLogs: CrashLog[] = health.pods.flatMap((p) =>
    crashLoops(p).map((c) => {
      const ns = p.metadata.namespace ?? "";
      const text = logs.get(`${ns}/${p.metadata.name}/${c.container}.previous`);
      return text === undefined
        ? {
          namespace: ns,
          pod: p.metadata.name,
          container: c.container,
          error:
            `previous terminated container "${c.container}" in pod "${p.metadata.name}" not found`,
        }
        : {
          namespace: ns,
          pod: p.metadata.name,
          container: c.container,
          tail: text.replace(/\n$/, "").split("\n").slice(-tail).join("\n") + "\n",
        };
    })
  );
  const planConfigMaps = objects.filter((o) =>
    o.kind === "ConfigMap" && o.metadata.labels?.[PLAN_LABEL] !== undefined &&
    (opts.namespace === undefined || o.metadata.namespace === opts.namespace)
  );
  return {
    namespace: opts.namespace,
    pcs: opts.pcs,
    health,
    topology: {
      ...t,
      podCliqueSets: health.podCliqueSets,
      podGangs: health.podGangs,
      missing: [],
    },
    crashLogs,
    planConfigMaps,
    planMetrics: [],
    missing: [...health.missing, ...t.missing],
  };
}
