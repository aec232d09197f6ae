/**
 * The text form of a health report. Formats only; decides nothing.
 *
 * @module
 */

import { formatDuration } from "../../lib/grove/duration.ts";
import { bar } from "../../lib/render/bar.ts";
import { paint, type Style } from "../../lib/render/style.ts";
import { renderTable } from "../../lib/render/table.ts";
import { outputWidth, wrapLine } from "../../lib/render/wrap.ts";
import type { CountdownView, GangHealth, GangStatus, HealthReport } from "./report.ts";

function statusText(s: GangStatus, style: Style): string {
  return paint(
    style,
    s === "Healthy" ? "green" : s === "Degraded" || s === "Starting" ? "yellow" : "red",
    s,
  );
}

/** Rounds down to whole seconds for display, so a ticking countdown moves once a second. */
function left(ms: number): string {
  const s = Math.floor(ms / 1000) * 1000;
  return formatDuration(s);
}

/**
 * One countdown line: a bar of the time left against the delay, the time
 * left, the delay and the deadline; past zero, says termination is imminent.
 *
 * @example
 * ```ts
 * import { countdownLine } from "./render.ts";
 * import { PLAIN } from "../../lib/render/style.ts";
 * countdownLine({ kind: "PodClique", name: "q-0-prefill", since: "2026-11-01T11:20:00Z",
 *   delayMs: 3600000, delay: "1h", deadline: "2026-11-01T12:20:00Z", remainingMs: 1200000,
 *   expired: false }, PLAIN);
 * // "podclique/q-0-prefill  [#######.............] 20m left of 1h (MinAvailableBreached since 2026-11-01T11:20:00Z, terminates at 2026-11-01T12:20:00Z)"
 * ```
 */
export function countdownLine(c: CountdownView, style: Style): string {
  const detail = c.expired
    ? `deadline passed ${
      left(-c.remainingMs) || "0s"
    } ago; delay ${c.delay}, MinAvailableBreached since ${c.since}, deadline ${c.deadline}`
    : `MinAvailableBreached since ${c.since}, terminates at ${c.deadline}`;
  return `${countdownHead(c, style)} (${detail})`;
}

/** The countdown's object, bar and time left; `pad` aligns the bars of a block. */
function countdownHead(c: CountdownView, style: Style, pad = 0, width = 20): string {
  const obj = `${c.kind.toLowerCase()}/${c.name}`.padEnd(pad);
  const frac = c.delayMs > 0 ? Math.max(0, c.remainingMs) / c.delayMs : 0;
  const b = bar(frac, style, { width, paint: frac < 0.25 ? "red" : "yellow" });
  if (c.expired) return `${obj}  ${b} ${paint(style, "red", "TERMINATION IMMINENT")}`;
  return `${obj}  ${b} ${left(c.remainingMs)} left of ${c.delay}`;
}

/** Where the countdown comes from (the block's header names the condition), within 80 columns. */
function countdownDetail(c: CountdownView): string {
  return c.expired
    ? `deadline passed ${
      left(-c.remainingMs) || "0s"
    } ago (${c.deadline}); breached since ${c.since}, delay ${c.delay}`
    : `breached since ${c.since}, terminates at ${c.deadline}`;
}

function gangBlock(g: GangHealth, style: Style): string[] {
  const out: string[] = [];
  const score = g.placementScore === undefined ? "-" : g.placementScore.toFixed(2);
  const push = (line: string) => out.push(...wrapLine(line, outputWidth(style)));
  push(
    `PodGang ${g.namespace}/${g.name}: ${
      statusText(g.status, style)
    }, phase ${g.phase}, placement score ${score}`,
  );
  if (g.cliques.length) {
    const t = renderTable(
      ["clique", "role", "ready", "min", "verdict"],
      g.cliques.map((c) => [
        c.name,
        c.role,
        `${c.ready}/${c.replicas}`,
        String(c.minAvailable),
        c.verdict === "ok"
          ? paint(style, "green", "ok")
          : c.verdict === "degraded"
          ? paint(style, "yellow", "degraded")
          : paint(style, "red", "BREACHED"),
      ]),
    );
    out.push(...t.trimEnd().split("\n").map((l) => "  " + l));
  }
  if (g.countdowns.length) {
    out.push("  Termination countdown (MinAvailableBreached since + terminationDelay):");
    // Two lines each (bar and time left, then where they come from), so they fit 80 columns.
    const pad = Math.max(...g.countdowns.map((c) => c.kind.length + 1 + c.name.length));
    for (const c of g.countdowns) {
      push(`    ${countdownHead(c, style, pad, 10)}`);
      push(`      ${countdownDetail(c)}`);
    }
  }
  if (g.issues.length) {
    out.push("  Issues:");
    for (const i of g.issues) push(`    - ${i.object}: ${i.message}`);
  }
  return out;
}

/**
 * Renders a health report: one block per PodGang, then the summary.
 *
 * @example
 * ```ts ignore
 * import { renderHealth } from "./render.ts";
 * import { PLAIN } from "../../lib/render/style.ts";
 * console.log(renderHealth(report, PLAIN));
 * ```
 */
export function renderHealth(r: HealthReport, style: Style): string {
  const out: string[] = [];
  const push = (line: string) => out.push(...wrapLine(line, outputWidth(style)));
  for (const g of r.gangs) {
    out.push(...gangBlock(g, style));
    out.push("");
  }
  if (r.sets?.length) {
    // health --all: one line per set with its lowest PlacementScore.
    const t = renderTable(
      ["namespace", "podcliqueset", "gangs", "score", "status"],
      r.sets.map((x) => [
        x.namespace,
        x.name,
        `${x.healthy}/${x.gangs}`,
        x.lowestPlacementScore === null ? "-" : x.lowestPlacementScore.toFixed(2),
        statusText(x.status, style),
      ]),
    );
    out.push(t.trimEnd(), "");
  }
  const s = r.summary;
  const risk = s.atRisk.length ? `; at risk: ${s.atRisk.join(", ")}` : "";
  push(
    `Summary: ${s.healthy} of ${s.gangs} gang${s.gangs === 1 ? "" : "s"} healthy (${
      s.starting ? `${s.starting} starting, ` : ""
    }${s.degraded} degraded, ${s.unhealthy} unhealthy)${risk}`,
  );
  if (s.nextTermination) {
    const n = s.nextTermination;
    push(
      n.remainingMs <= 0
        ? paint(
          style,
          "red",
          `Termination imminent: ${n.object} of gang ${n.gang} (deadline ${n.deadline} passed)`,
        )
        : `Next termination: ${n.object} of gang ${n.gang} in ${
          left(n.remainingMs)
        } (at ${n.deadline})`,
    );
  }
  for (const n of r.notes) push(`Note: ${n}`);
  return out.join("\n") + "\n";
}
