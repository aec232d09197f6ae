/**
 * Text of `rollout status`. Pure.
 *
 * @module
 */

import { ageOf, formatDuration } from "../../lib/grove/duration.ts";
import { bar, percent } from "../../lib/render/bar.ts";
import { renderTable } from "../../lib/render/table.ts";
import { outputWidth, wrapLine } from "../../lib/render/wrap.ts";
import { type Paint, paint, type Style } from "../../lib/render/style.ts";
import type { RolloutStatusReport } from "./status_report.ts";
import { describeProgressive } from "../progressive/state.ts";
import { fmtMs } from "../metrics/report.ts";

const PHASE_COLOR: Record<string, Paint> = {
  Complete: "green",
  Progressing: "cyan",
  Paused: "yellow",
  WaitingForDeletes: "yellow",
  Failed: "red",
  Stalled: "red",
};

function rev(n: number | null): string {
  return n === null ? "-" : String(n);
}

function score(x: number | undefined): string {
  return x === undefined ? "-" : x.toFixed(2);
}

/** The full status view. */
export function renderRolloutStatus(r: RolloutStatusReport, style: Style, now: Date): string {
  const out: string[] = [];
  const width = outputWidth(style);
  const push = (line: string) => out.push(...wrapLine(line, width));
  out.push(
    `podcliqueset ${r.namespace}/${r.name}: ${
      paint(style, PHASE_COLOR[r.phase] ?? "bold", r.phase)
    }`,
  );
  push(`  ${r.message}`);
  push(
    `  ${
      r.revision.from === null && r.revision.to === null
        ? "no revision recorded yet (update, apply and undo record them)"
        : `revision ${r.revision.from === null ? "-" : rev(r.revision.from)} -> ${
          r.revision.to === null ? "unrecorded live change" : rev(r.revision.to)
        }`
    }, strategy ${r.strategy}${r.strategyKnown === false ? " (unknown)" : ""}${
      r.paused ? ` (paused${r.pausedAt ? ` ${ageOf(r.pausedAt, now)} ago` : ""})` : ""
    }`,
  );
  if (r.inFlightPodGangs?.length && r.phase !== "Complete") {
    out.push(`  in-flight PodGangs (Coherent sub-step): ${r.inFlightPodGangs.join(", ")}`);
  }
  if (r.updateStartedAt) {
    out.push(
      `  update started ${ageOf(r.updateStartedAt, now)} ago${
        r.updateEndedAt ? `, ended ${ageOf(r.updateEndedAt, now)} ago` : ""
      }`,
    );
  }
  out.push("");
  const lat = new Map((r.latency ?? []).map((l) => [l.role, l]));
  const ms = (
    v: number | null | undefined,
  ) => fmtMs(v);
  const anyFailing = r.roles.some((x) => x.failing.length > 0);
  const rows = r.roles.map((x) => [
    x.role,
    `${bar(x.fraction, style, { width: 10, paint: x.failing.length ? "red" : "green" })} ${
      percent(x.fraction)
    }`,
    `${x.updatedReady}/${x.desired}`,
    String(x.old),
    String(x.ready),
    ...(r.latency ? [ms(lat.get(x.role)?.ttftP99Ms), ms(lat.get(x.role)?.tpotP99Ms)] : []),
    ...(anyFailing ? [x.failing.length ? String(x.failing.length) : ""] : []),
  ]);
  const headers = ["role", "progress", "updated", "old", "ready"];
  if (r.latency) headers.push("ttft-p99", "tpot-p99");
  // FAILING only when a pod fails: the table stays within 80 columns with the latencies
  out.push(renderTable([...headers, ...(anyFailing ? ["failing"] : [])], rows).trimEnd());
  // which pods fail, one per line under the table (pod names are long)
  for (const x of r.roles) {
    for (const f of x.failing) out.push(`  failing (${x.role}): ${f}`);
  }
  out.push("");
  out.push(
    `  placement score: before ${score(r.placementScore.before)}, now ${
      score(r.placementScore.now)
    }`,
  );
  if (r.estimate.remainingMs !== undefined) {
    out.push(
      `  time left: ~${
        formatDuration(r.estimate.remainingMs)
      } (observed ${r.estimate.podsPerMinute} pods/min)`,
    );
  }
  if (r.progressive !== undefined) {
    push(`  progressive rollout: ${describeProgressive(r.progressive)}`);
  }
  if (r.events.length) {
    out.push("", "Recent events:");
    for (const e of r.events) {
      push(
        `  ${e.time ? ageOf(e.time, now) : "-"}  ${e.type ?? ""}  ${e.reason ?? ""}  ${e.object}: ${
          e.message ?? ""
        }`,
      );
    }
  }
  return out.join("\n") + "\n";
}

/** One progress line (for waiting without --watch). */
export function renderProgressLine(r: RolloutStatusReport): string {
  const roles = r.roles.map((x) => `${x.role} ${x.updatedReady}/${x.desired}`).join(", ");
  return `${r.phase}: ${roles}${
    r.estimate.remainingMs !== undefined ? ` (~${formatDuration(r.estimate.remainingMs)} left)` : ""
  }`;
}
