/**
 * Text rendering of the metrics report: a header, a table per role with a
 * TOTAL row, warnings and notes; `wide` adds more columns and a per-pod
 * table. Pure: decides nothing.
 *
 * @module
 */

import { bar, percent } from "../../lib/render/bar.ts";
import { type Paint, paint, type Style } from "../../lib/render/style.ts";
import { renderTable } from "../../lib/render/table.ts";
import { outputWidth, wrapLine } from "../../lib/render/wrap.ts";
import { fmtMs, type MetricsReport, type MetricsSummary, type SlaMark } from "./report.ts";

/** Render options. */
export interface MetricsRenderOptions {
  /** Terminal style. */
  style: Style;
  /** Wide output (more columns, per-pod table). */
  wide?: boolean;
  /** Omit table headers. */
  noHeaders?: boolean;
}

/**
 * Formats a rate for a table: `17439`, `4263`, `12.5`, `-`.
 *
 * @example
 * ```ts
 * import { fmtRate } from "./render.ts";
 * fmtRate(17438.67); // "17439"
 * ```
 */
export function fmtRate(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "-";
  return x >= 100 ? String(Math.round(x)) : String(Math.round(x * 10) / 10);
}

function n(x: number | null | undefined): string {
  return x === null || x === undefined || !Number.isFinite(x) ? "-" : String(Math.round(x));
}

function slaCell(s: MetricsSummary["sla"], style: Style): string {
  const parts: string[] = [];
  const one = (name: string, m: SlaMark) => {
    if (m === "breach") parts.push(paint(style, "red", `${name}-BREACH`));
  };
  one("TTFT", s.ttft);
  one("TPOT", s.tpot);
  if (parts.length) return parts.join(",");
  if (s.ttft === "ok" || s.tpot === "ok") return paint(style, "green", "ok");
  return "-";
}

function kvCell(kv: MetricsSummary["kvUsage"], style: Style, wide: boolean): string {
  if (!kv) return "-";
  const colour: Paint = kv.max > 0.9 ? "red" : kv.max > 0.75 ? "yellow" : "green";
  const text = percent(kv.max);
  if (!style.unicode || !wide) return paint(style, colour, text);
  return `${bar(kv.max, style, { width: 8, paint: colour })} ${text}`;
}

function latCells(s: MetricsSummary | { latencyMs: MetricsSummary["latencyMs"] }, wide: boolean) {
  const l = s.latencyMs;
  const cells = [fmtMs(l.ttft?.p50), fmtMs(l.ttft?.p99), fmtMs(l.itl?.p50), fmtMs(l.itl?.p99)];
  cells.push(fmtMs(l.e2e?.p50));
  if (wide) {
    cells.push(
      fmtMs(l.ttft?.p90),
      fmtMs(l.itl?.p90),
      fmtMs(l.tpot?.p50),
      fmtMs(l.tpot?.p99),
      fmtMs(l.e2e?.p99),
      fmtMs(l.queue?.mean),
    );
  }
  return cells;
}

/**
 * Renders the report as text.
 *
 * @example
 * ```ts ignore
 * import { renderMetrics } from "./render.ts";
 * import { PLAIN } from "../../lib/render/style.ts";
 * console.log(renderMetrics(report, { style: PLAIN }));
 * ```
 */
export function renderMetrics(r: MetricsReport, o: MetricsRenderOptions): string {
  const { style } = o;
  const wide = !!o.wide;
  const out: string[] = [];
  const width = outputWidth(style);
  // prose wraps at the terminal's width; `-o wide` keeps one line per item for grep
  const push = (line: string) => wide ? out.push(line) : out.push(...wrapLine(line, width));
  const window = r.windowSeconds > 0
    ? `${r.windowSeconds}s window`
    : "single scrape (lifetime values)";
  push(
    `${
      paint(style, "bold", `PodCliqueSet ${r.pcs}`)
    } in ${r.namespace}: ${r.total.scrapedPods}/${r.pods.length} engine pods scraped via ${
      r.source === "proxy" ? "the API server pod proxy" : "pod IPs"
    }, ${window}${r.total.engines.length ? `, engine ${r.total.engines.join("+")}` : ""}`,
  );
  const sla = r.sla.source === "none"
    ? "SLA: none (set --sla-ttft/--sla-tpot, or kubectl grove plan store)"
    : `SLA (p99): TTFT ${r.sla.ttftMs === null ? "-" : fmtMs(r.sla.ttftMs)}, TPOT ${
      r.sla.tpotMs === null ? "-" : fmtMs(r.sla.tpotMs)
    } (from ${r.sla.source === "plan" ? "the stored plan" : "flags"})`;
  push(sla);
  out.push("");
  if (!wide) {
    out.push(narrowTable(r, style, o.noHeaders));
  } else {
    wideTables(r, style, out, o.noHeaders);
  }
  if (r.notScraped.length) {
    out.push("");
    out.push(`Not scraped (${r.notScraped.length}):`);
    for (const p of r.notScraped) push(`  ${p.pod} (${p.role}): ${p.reason}`);
  }
  out.push("");
  const tp = r.throughput.value;
  const planned = r.plan?.throughputPerGpu ?? null;
  push(
    `tok/s per GPU: ${fmtRate(tp)}${
      planned !== null && tp !== null
        ? `, ${percent(tp / planned)} of the planned ${fmtRate(planned)} (kubectl grove compare)`
        : ""
    }`,
  );
  push(`  = ${r.throughput.basis}`);
  if (r.warnings.length) {
    out.push("");
    out.push(paint(style, "yellow", "Warnings:"));
    for (const w of r.warnings) push(`  - ${w}`);
  }
  if (r.notes.length) {
    out.push("");
    out.push("Notes:");
    for (const nn of r.notes) push(`  - ${nn}`);
  }
  return out.join("\n") + "\n";
}

/** A latency cell with a trailing `!` when the role's p99 is over the SLA. */
function markCell(text: string, mark: SlaMark, style: Style): string {
  return mark === "breach" ? paint(style, "red", `${text}!`) : text;
}

/** The default table: the columns an on-call reads first, within 80 columns. */
function narrowTable(r: MetricsReport, style: Style, noHeaders?: boolean): string {
  const headers = [
    "role",
    "pods",
    "gpus",
    "out tok/s",
    "out/gpu",
    "ttft p99",
    "itl p99",
    "wait",
    "kv",
  ];
  const row = (name: string, s: MetricsSummary, low = false) => [
    name,
    `${s.scrapedPods}/${s.pods}`,
    String(s.gpus),
    fmtRate(s.outputTokensPerSec),
    fmtRate(s.outputTokensPerSecPerGpu),
    markCell(fmtMs(s.latencyMs.ttft?.p99), s.sla.ttft, style),
    markCell(fmtMs(s.latencyMs.itl?.p99), s.sla.tpot, style),
    n(s.waiting),
    kvCell(s.kvUsage, style, false) + (low ? paint(style, "yellow", " low") : ""),
  ];
  const rows = r.roles.map((x) => row(x.role, x, x.underutilized));
  rows.push(row("TOTAL", r.total));
  const lines = [
    renderTable(headers, rows, {
      noHeaders,
      separator: "  ",
      alignRight: [1, 2, 3, 4, 5, 6, 7, 8],
    }).trimEnd(),
  ];
  const marked = [...r.roles, r.total].some((s) =>
    s.sla.ttft === "breach" || s.sla.tpot === "breach"
  );
  if (!noHeaders) {
    lines.push(
      `PODS scraped/all${marked ? ", ! over the SLA" : ""}; p50s, input, queue: -o wide`,
    );
  }
  return lines.join("\n");
}

function wideTables(r: MetricsReport, style: Style, out: string[], noHeaders?: boolean): void {
  const wide = true;
  const headers = [
    "role",
    "pods",
    "gpus",
    "in tok/s",
    "out tok/s",
    "out/gpu",
    "ttft p50",
    "ttft p99",
    "itl p50",
    "itl p99",
    "e2e p50",
    ...(wide ? ["ttft p90", "itl p90", "tpot p50", "tpot p99", "e2e p99", "queue mean"] : []),
    "running",
    "waiting",
    "kv",
    ...(wide ? ["prefix hit"] : []),
    "sla",
  ];
  const row = (name: string, s: MetricsSummary, low = false) => [
    name,
    `${s.scrapedPods}/${s.pods}`,
    String(s.gpus),
    fmtRate(s.inputTokensPerSec),
    fmtRate(s.outputTokensPerSec),
    fmtRate(s.outputTokensPerSecPerGpu),
    ...latCells(s, wide),
    n(s.running),
    n(s.waiting),
    kvCell(s.kvUsage, style, wide) + (low ? paint(style, "yellow", " low") : ""),
    ...(wide ? [s.prefixCacheHitRate === null ? "-" : percent(s.prefixCacheHitRate)] : []),
    slaCell(s.sla, style),
  ];
  const rows = r.roles.map((x) => row(x.role, x, x.underutilized));
  rows.push(row("TOTAL", r.total));
  const right = Array.from({ length: headers.indexOf("kv") - 1 }, (_, i) => i + 1);
  out.push(renderTable(headers, rows, { noHeaders, alignRight: right }).trimEnd());
  if (wide && r.pods.length) {
    out.push("");
    const ph = [
      "pod",
      "role",
      "node",
      "engine",
      "status",
      "gpus",
      "in tok/s",
      "out tok/s",
      "ttft p50",
      "ttft p99",
      "itl p50",
      "itl p99",
      "e2e p50",
      "running",
      "waiting",
      "kv",
      "restarts",
      "scrape",
    ];
    const prow = r.pods.map((p) => [
      p.pod,
      p.role,
      p.node ?? "-",
      p.engine ?? "-",
      p.status === "ok"
        ? (p.counterReset ? "reset" : "ok")
        : paint(style, p.status === "failed" ? "red" : "gray", p.status),
      String(p.gpus),
      fmtRate(p.inputTokensPerSec),
      fmtRate(p.outputTokensPerSec),
      fmtMs(p.latencyMs.ttft?.p50),
      fmtMs(p.latencyMs.ttft?.p99),
      fmtMs(p.latencyMs.itl?.p50),
      fmtMs(p.latencyMs.itl?.p99),
      fmtMs(p.latencyMs.e2e?.p50),
      n(p.running),
      n(p.waiting),
      p.kvUsage === null ? "-" : percent(p.kvUsage),
      String(p.restarts),
      p.scrapeMs === null ? "-" : `${Math.round(p.scrapeMs)}ms`,
    ]);
    out.push(renderTable(ph, prow, { noHeaders }).trimEnd());
  }
}
