/**
 * Where `plan store -f` takes a plan from: a `plan.json`, a manifest written
 * by `generate` (the plan rides in its `grove.io/aic-plan-json` annotation),
 * or an AIConfigurator results directory.
 *
 * @module
 */

import { parsePlan, type Plan, PLAN_JSON_ANNOTATION, planFromResults } from "../../lib/aic/plan.ts";
import { readResultsDir, type ServingMode } from "../../lib/aic/results.ts";
import { yamlLoadAll } from "../../lib/deps.ts";
import { GroveError } from "../../lib/errors.ts";
import type { KubeObject } from "../../lib/kube/types.ts";

/** Options of {@link loadPlanSource}. */
export interface PlanSourceOptions {
  /** The PodCliqueSet the plan is for. */
  pcs: string;
  /** Mode to take from a results directory (default: the better one). */
  mode?: ServingMode;
  /** GPUs of the search, for a results directory. */
  totalGpus?: number;
  /** Creation time stamped on plans built from results. */
  created: string;
  /** `kubectl-grove <version>`. */
  generator?: string;
}

/** A loaded plan and notes about how it was found. */
export interface LoadedPlan {
  plan: Plan;
  /** `plan.json`, `manifest` or `results`. */
  kind: "plan.json" | "manifest" | "results";
  notes: string[];
}

/** Parses the plan embedded in a PodCliqueSet manifest's text (pure). */
export function planFromManifestText(text: string, path: string, pcs: string): LoadedPlan {
  let docs: unknown[];
  try {
    docs = yamlLoadAll(text) as unknown[];
  } catch (e) {
    const m = e as { mark?: { line: number; column: number }; reason?: string };
    throw new GroveError(
      `${path}${
        m.mark ? `:${m.mark.line + 1}:${m.mark.column + 1}` : ""
      }: not valid YAML or JSON: ${m.reason ?? (e as Error).message}`,
      {
        hint:
          "pass a plan.json, a manifest written by kubectl grove generate, or a results directory",
      },
    );
  }
  const all = docs.filter((d): d is KubeObject =>
    typeof d === "object" && d !== null && (d as KubeObject).kind === "PodCliqueSet"
  );
  if (all.length === 0) {
    throw new GroveError(`${path}: no PodCliqueSet in the file`, {
      hint:
        "pass a plan.json, a manifest written by kubectl grove generate, or a results directory",
    });
  }
  const notes: string[] = [];
  let pcsObj = all.find((d) => d.metadata?.name === pcs);
  if (!pcsObj) {
    if (all.length > 1) {
      throw new GroveError(
        `${path} holds ${all.length} PodCliqueSets and none is named "${pcs}": ${
          all.map((d) => d.metadata?.name).join(", ")
        }`,
        { hint: "name the PodCliqueSet whose plan you want to store" },
      );
    }
    pcsObj = all[0];
    notes.push(
      `the manifest's PodCliqueSet is "${pcsObj.metadata?.name}"; storing its plan for "${pcs}"`,
    );
  }
  const json = pcsObj.metadata?.annotations?.[PLAN_JSON_ANNOTATION];
  if (typeof json !== "string") {
    throw new GroveError(
      `${path}: podcliqueset "${pcsObj.metadata?.name}" has no ${PLAN_JSON_ANNOTATION} annotation, so it carries no plan`,
      {
        hint:
          "store the plan.json or the aiconfigurator results directory instead (manifests written by kubectl grove generate carry their plan)",
      },
    );
  }
  const plan = parsePlan(json, `${path} (annotation ${PLAN_JSON_ANNOTATION})`);
  return { plan: { ...plan, pcs }, kind: "manifest", notes };
}

/** Loads a plan from a file or directory. */
export async function loadPlanSource(path: string, o: PlanSourceOptions): Promise<LoadedPlan> {
  let st: Deno.FileInfo;
  try {
    st = await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new GroveError(`${path}: no such file or directory`, {
        hint:
          "pass a plan.json, a manifest written by kubectl grove generate, or a results directory",
      });
    }
    throw new GroveError(`cannot read ${path}: ${(e as Error).message}`);
  }
  if (st.isDirectory) {
    const r = await readResultsDir(path, { totalGpus: o.totalGpus });
    const mode = o.mode ?? r.best ?? "disagg";
    const plan = planFromResults(r, mode, {
      pcs: o.pcs,
      created: o.created,
      generator: o.generator,
    });
    return {
      plan,
      kind: "results",
      notes: [
        ...r.notes,
        ...(o.mode ? [] : [`took the ${mode} plan (the better one); use --mode to choose`]),
      ],
    };
  }
  const text = await Deno.readTextFile(path);
  if (text.trimStart().startsWith("{")) {
    const plan = parsePlan(text, path);
    const notes: string[] = [];
    if (plan.pcs && plan.pcs !== o.pcs) {
      notes.push(`the plan names podcliqueset "${plan.pcs}"; storing it for "${o.pcs}"`);
    }
    return { plan: { ...plan, pcs: o.pcs }, kind: "plan.json", notes };
  }
  return planFromManifestText(text, path, o.pcs);
}
