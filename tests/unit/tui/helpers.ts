/**
 * Test helpers: a TUI snapshot from a fixture scenario (times not shifted,
 * so `now = recordedAt` reproduces the scenario's countdowns), and a
 * controller over it at a fixed size and clock.
 *
 * @module
 */

import type { KubeObject } from "../../../lib/kube/types.ts";
import { loadScenario } from "../../../lib/sim/fixtures.ts";
import { TuiController } from "../../../tasks/tui/controller.ts";
import type { TuiKind, TuiScope, TuiSnapshot } from "../../../tasks/tui/source.ts";

const KEY_OF_KIND: Record<string, TuiKind> = {
  PodCliqueSet: "podcliquesets",
  PodClique: "podcliques",
  PodCliqueScalingGroup: "podcliquescalinggroups",
  PodGang: "podgangs",
  Pod: "pods",
  Event: "events",
  Node: "nodes",
  ClusterTopologyBinding: "clustertopologybindings",
  ClusterTopology: "clustertopologies",
  ControllerRevision: "controllerrevisions",
};

/** A snapshot of a scenario's objects, received at `recordedAt`. */
export async function scenarioSnapshot(
  name: string,
): Promise<{ snapshot: TuiSnapshot; now: number }> {
  const sc = await loadScenario(name, { shiftTimes: false });
  const now = Date.parse(sc.meta.recordedAt);
  const byKind: Partial<Record<TuiKind, KubeObject[]>> = {};
  const objects: KubeObject[] = [];
  for (const o of sc.objects) {
    const k = KEY_OF_KIND[o.kind ?? ""];
    if (!k) continue;
    (byKind[k] ??= []).push(o);
    objects.push(o);
  }
  return { snapshot: { objects, byKind, sequence: 0, receivedAt: now, missing: [] }, now };
}

/** The namespace of every fixture scenario. */
export const SCOPE: TuiScope = { namespace: "inference", allNamespaces: false };

/** A controller over a scenario at 80x24 (or the given size) with a fixed clock. */
export async function scenarioController(
  name: string,
  size = { columns: 80, rows: 24 },
  extra: Partial<ConstructorParameters<typeof TuiController>[0]> = {},
): Promise<{ c: TuiController; now: { t: number } }> {
  const { snapshot, now } = await scenarioSnapshot(name);
  const clock = { t: now };
  const c = new TuiController({
    scope: SCOPE,
    context: "sim",
    server: "https://127.0.0.1:6443",
    now: () => clock.t,
    unicode: false,
    size,
    refreshMs: 5000,
    ...extra,
  });
  c.onSource({ type: "snapshot", snapshot });
  return { c, now: clock };
}

/** The screen as plain text. */
export function screen(c: TuiController): string {
  return c.frame().map((l) => l.segments.map((s) => s.text).join("")).join("\n");
}
