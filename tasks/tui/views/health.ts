/**
 * `[3] Health`: one card per PodGang from the health report, with the
 * termination countdown computed from the report's deadline and the
 * present, so it ticks every second without a new report or request. Pure.
 *
 * @module
 */

import type { CountdownView, GangHealth, HealthReport } from "../../health/report.ts";
import { cell, type Line, line, seg, type Tone } from "../lines.ts";
import { gangPhaseTone } from "./hierarchy.ts";
import type { Row, ViewBody } from "./rows.ts";

/**
 * A countdown as `1h02m03s` (hours, minutes and seconds always shown, so it
 * visibly ticks).
 *
 * @example
 * ```ts
 * import { countdownText } from "./health.ts";
 * countdownText(3_723_000); // "1h02m03s"
 * ```
 */
export function countdownText(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}h${two(m)}m${two(sec)}s` : m > 0 ? `${m}m${two(sec)}s` : `${sec}s`;
}

/** One countdown line, against `now`. */
export function countdownLine(c: CountdownView, now: number): Line {
  const left = Date.parse(c.deadline) - now;
  const since = new Date(Date.parse(c.since)).toISOString().slice(11, 19);
  if (left <= 0) {
    return line(
      seg("   ! ", "bad", true),
      seg(`${c.kind} ${c.name}: termination overdue by ${countdownText(-left)}`, "bad", true),
      seg(` (breached since ${since}Z, delay ${c.delay})`, "dim"),
    );
  }
  return line(
    seg("   ⏱ ", "warn"),
    seg(`${c.kind} ${c.name}: gang terminates in `),
    seg(countdownText(left), left < 15 * 60_000 ? "bad" : "warn", true),
    seg(` (breached since ${since}Z, delay ${c.delay})`, "dim"),
  );
}

const STATUS_TONE: Record<string, Tone> = {
  Healthy: "ok",
  Starting: "warn",
  Degraded: "warn",
  UNHEALTHY: "bad",
};
const VERDICT_TONE: Record<string, Tone> = { ok: "ok", degraded: "warn", BREACHED: "bad" };

function card(g: GangHealth, now: number, showNamespace: boolean): Row[] {
  const id = `gang:${g.namespace}/${g.name}`;
  const score = g.placementScore === undefined ? "-" : g.placementScore.toFixed(2);
  const rows: Row[] = [{
    id,
    line: line(
      seg(cell(g.status, 10), STATUS_TONE[g.status] ?? "normal", true),
      seg(g.name, "title", true),
      seg(`  ${showNamespace ? g.namespace + "/" : ""}${g.pcs}  `, "dim"),
      seg(g.phase, gangPhaseTone(g.phase)),
      seg(`  score ${score}`, "dim"),
    ),
    target: { kind: "PodGang", namespace: g.namespace, name: g.name },
  }];
  const cliques = g.cliques.map((c) =>
    seg(
      `${c.role} ${c.ready}/${c.replicas} (min ${c.minAvailable}) ${c.verdict}   `,
      VERDICT_TONE[c.verdict] ?? "normal",
    )
  );
  if (cliques.length) rows.push({ id: `${id}#cliques`, line: line(seg("   "), ...cliques) });
  for (const c of g.countdowns) {
    rows.push({
      id: `${id}#cd:${c.name}`,
      line: countdownLine(c, now),
      target: {
        kind: c.kind,
        namespace: g.namespace,
        name: c.name,
      },
    });
  }
  for (const [n, issue] of g.issues.entries()) {
    const [kind, name] = issue.object.split("/");
    rows.push({
      id: `${id}#issue:${issue.object}:${n}`,
      line: line(
        seg("   - ", "dim"),
        seg(
          issue.kind,
          issue.kind === "CrashLoop" || issue.kind === "Unschedulable" ? "bad" : "warn",
        ),
        seg(` ${issue.object}: ${issue.message}`),
      ),
      target: name
        ? { kind: kind === "pod" ? "Pod" : "PodClique", namespace: g.namespace, name }
        : undefined,
    });
  }
  return rows;
}

/** The Health view: a summary line and one card per gang (unhealthy first). */
export function healthView(report: HealthReport, now: number, showNamespace: boolean): ViewBody {
  const s = report.summary;
  const order: Record<string, number> = { UNHEALTHY: 0, Degraded: 1, Starting: 2, Healthy: 3 };
  const gangs = [...report.gangs].sort((a, b) =>
    (order[a.status] ?? 3) - (order[b.status] ?? 3) ||
    `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`)
  );
  const next = s.nextTermination;
  const header: Line[] = [line(
    seg(`gangs ${s.gangs}: `),
    seg(`${s.healthy} healthy`, "ok"),
    seg(", "),
    seg(`${s.degraded} degraded`, s.degraded ? "warn" : "dim"),
    seg(", "),
    seg(`${s.unhealthy} UNHEALTHY`, s.unhealthy ? "bad" : "dim"),
    ...(next
      ? [
        seg("   next termination: "),
        seg(
          `${next.object} in ${countdownText(Date.parse(next.deadline) - now)}`,
          "bad",
          true,
        ),
      ]
      : []),
  )];
  const footer = report.notes.map((n) => line(seg(`note: ${n}`, "dim")));
  return {
    header,
    rows: gangs.flatMap((g) => card(g, now, showNamespace)),
    empty: [line(seg("No PodGangs in scope.", "dim"))],
    footer,
  };
}
