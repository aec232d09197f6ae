/**
 * `[5] Rollouts`: per-role update progress of every PodCliqueSet that is
 * updating or paused, from the rollout status reports. Pure.
 *
 * @module
 */

import { describeProgressive } from "../../progressive/state.ts";
import type { RolloutStatusReport } from "../../rollout/status_report.ts";
import { cell, fractionTone, line, miniBar, seg, type Tone } from "../lines.ts";
import type { Row, ViewBody } from "./rows.ts";
import { fmtMs } from "../../metrics/report.ts";

const PHASE_TONE: Record<string, Tone> = {
  Complete: "ok",
  Progressing: "accent",
  Paused: "warn",
  WaitingForDeletes: "warn",
  Failed: "bad",
  Stalled: "bad",
};

function rev(n: number | null): string {
  return n === null ? "?" : String(n);
}

/** The Rollouts view. */
export function rolloutsView(reports: RolloutStatusReport[], unicode: boolean): ViewBody {
  const rows: Row[] = [];
  for (const r of reports) {
    const id = `rollout:${r.namespace}/${r.name}`;
    rows.push({
      id,
      line: line(
        seg(r.name, "title", true),
        seg(`  ${r.namespace}  `, "dim"),
        seg(r.phase, PHASE_TONE[r.phase] ?? "normal", true),
        seg(`  ${r.strategy}  rev ${rev(r.revision.from)} -> ${rev(r.revision.to)}  `),
        seg(
          `${r.totals.updatedReady}/${r.totals.desired} updated+ready`,
          fractionTone(r.totals.desired ? r.totals.updatedReady / r.totals.desired : 1, 0),
        ),
        seg(
          r.estimate.remainingMs !== undefined
            ? `  ~${Math.ceil(r.estimate.remainingMs / 60_000)}m left`
            : "",
          "dim",
        ),
      ),
      target: { kind: "PodCliqueSet", namespace: r.namespace, name: r.name },
    });
    rows.push({ id: `${id}#msg`, line: line(seg(`   ${r.message}`, "dim")) });
    if (r.progressive !== undefined) {
      // kubectl-grove drives this one (canary, rack-by-rack, gated): its state and next step
      rows.push({
        id: `${id}#progressive`,
        line: line(
          seg("   progressive: ", "dim"),
          seg(describeProgressive(r.progressive), "accent"),
        ),
      });
      const phase = (r.progressive as { phase?: string }).phase;
      const next = phase === "Canary" || phase === "Stopped"
        ? `next: kubectl grove rollout promote ${r.name}, or rollout abort ${r.name}`
        : `if its command stopped: kubectl grove rollout resume ${r.name}`;
      rows.push({ id: `${id}#next`, line: line(seg(`   ${next}`, "dim")) });
    }
    for (const role of r.roles) {
      const tone = role.failing.length ? "bad" : fractionTone(role.fraction, 0);
      rows.push({
        id: `${id}#role:${role.role}`,
        line: line(
          seg(`   ${cell(role.role, 14)} `),
          seg(miniBar(role.fraction, 16, unicode), tone),
          seg(` ${cell(`${role.updatedReady}/${role.desired}`, 7, true)}`, tone, true),
          seg(`  updated ${role.updated}  old ${role.old}  ready ${role.ready}`, "dim"),
          seg(role.failing.length ? `  failing: ${role.failing.join(", ")}` : "", "bad"),
        ),
      });
    }
    if (r.latency?.length) {
      for (const l of r.latency) {
        rows.push({
          id: `${id}#lat:${l.role}`,
          line: line(seg(
            `   ${cell(l.role, 14)} TTFT p99 ${fmtMs(l.ttftP99Ms)}  TPOT p99 ${fmtMs(l.tpotP99Ms)}`,
            "dim",
          )),
        });
      }
    }
  }
  return {
    rows,
    empty: [
      line(seg("No PodCliqueSet is updating or paused.", "dim")),
      line(seg("Start one with: kubectl grove update <pcs> --image ...", "dim")),
    ],
  };
}
