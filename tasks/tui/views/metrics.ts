/**
 * `[4] Metrics`: per role of one PodCliqueSet, TTFT and TPOT p50/p99,
 * output throughput and queue depth from the latest metrics report, with
 * sparklines over the reports kept since the view opened. Pure.
 *
 * @module
 */

import { fmtRate } from "../../metrics/render.ts";
import { fmtMs, type MetricsReport, type MetricsSummary } from "../../metrics/report.ts";
import { cell, type Line, line, seg, sparkline, type Tone } from "../lines.ts";
import type { Row, ViewBody } from "./rows.ts";

/** Metrics reports of one PodCliqueSet, oldest first (bounded). */
export interface MetricsHistory {
  /** PodCliqueSet. */
  pcs: string;
  /** Namespace. */
  namespace: string;
  /** Reports, oldest first. */
  reports: MetricsReport[];
  /** The last collection failed: why. */
  error?: string;
  /** A collection is running. */
  loading: boolean;
}

/** Reports kept per PodCliqueSet (the sparkline length). */
export const METRICS_HISTORY = 24;

/** Appends a report, keeping at most {@link METRICS_HISTORY}. */
export function pushReport(h: MetricsHistory, r: MetricsReport): MetricsHistory {
  return { ...h, reports: [...h.reports, r].slice(-METRICS_HISTORY), error: undefined };
}

function slaTone(m: "ok" | "breach" | null): Tone {
  return m === "breach" ? "bad" : m === "ok" ? "ok" : "normal";
}

function pair(s: { p50: number | null; p99: number | null } | undefined): string {
  return `${fmtMs(s?.p50)}/${fmtMs(s?.p99)}`;
}

function summaryRow(
  id: string,
  label: string,
  s: MetricsSummary,
  series: (r: MetricsReport) => MetricsSummary | undefined,
  h: MetricsHistory,
  unicode: boolean,
): Row {
  const tput = h.reports.map((r) => series(r)?.outputTokensPerSec ?? null);
  const queue = h.reports.map((r) => series(r)?.waiting ?? null);
  return {
    id,
    line: line(
      seg(cell(label, 14) + " ", label === "TOTAL" ? "title" : "normal", label === "TOTAL"),
      seg(cell(pair(s.latencyMs.ttft), 15), slaTone(s.sla.ttft)),
      seg(cell(pair(s.latencyMs.itl), 15), slaTone(s.sla.tpot)),
      seg(cell(fmtRate(s.outputTokensPerSec), 8, true) + " "),
      seg(
        cell(s.waiting === null ? "-" : String(Math.round(s.waiting)), 5, true) + " ",
        (s.waiting ?? 0) > 0 ? "warn" : "normal",
      ),
      seg(cell(sparkline(tput, 12, unicode), 12) + " ", "accent"),
      seg(cell(sparkline(queue, 12, unicode), 12), "warn"),
    ),
  };
}

/** The Metrics view of one PodCliqueSet's history. */
export function metricsView(
  h: MetricsHistory | undefined,
  position: { index: number; count: number },
  unicode: boolean,
): ViewBody {
  if (!h) {
    return { rows: [], empty: [line(seg("No PodCliqueSet in scope to scrape.", "dim"))] };
  }
  const last = h.reports[h.reports.length - 1];
  const header: Line[] = [line(
    seg(`PodCliqueSet ${h.pcs}`, "title", true),
    seg(`  ${h.namespace}  (${position.index + 1}/${position.count}, [ ] to switch)`, "dim"),
    seg(
      last
        ? `  window ${last.windowSeconds}s, ${last.total.scrapedPods}/${last.total.pods} pods scraped, at ${
          last.generatedAt.slice(11, 19)
        }Z`
        : "",
      "dim",
    ),
    seg(h.loading ? "  scraping..." : "", "accent"),
  )];
  header.push(line(seg(
    cell("ROLE", 15) + cell("TTFT p50/p99", 15) + cell("TPOT p50/p99", 15) +
      cell("TOK/S", 8, true) + " " + cell("QUEUE", 5, true) + " " + cell("tok/s hist", 13) +
      "queue hist",
    "dim",
    true,
  )));
  if (!last) {
    return {
      header,
      rows: [],
      empty: [line(seg(
        h.error
          ? `metrics: ${h.error}`
          : "Waiting for two scrapes (one refresh interval) to compute rates and latencies...",
        h.error ? "bad" : "dim",
      ))],
    };
  }
  const rows: Row[] = last.roles.map((role) =>
    summaryRow(
      `metrics:${h.namespace}/${h.pcs}#${role.role}`,
      role.role,
      role,
      (r) => r.roles.find((x) => x.role === role.role),
      h,
      unicode,
    )
  );
  rows.push(
    summaryRow(
      `metrics:${h.namespace}/${h.pcs}#total`,
      "TOTAL",
      last.total,
      (r) => r.total,
      h,
      unicode,
    ),
  );
  const footer: Line[] = [];
  const tp = last.throughput;
  if (tp) {
    // the same basis as `metrics` and `compare`: producing roles' tokens over ready engine GPUs
    footer.push(line(
      seg(`tok/s per GPU ${fmtRate(tp.value)}`, "accent"),
      seg(
        ` = ${fmtRate(tp.outputTokensPerSec)} out tok/s (${
          tp.source === "frontend" ? "frontend" : tp.roles.join("+") || "-"
        }) / ${tp.servingGpus} ready GPUs; ${tp.allocatedGpus} allocated`,
        "dim",
      ),
    ));
  }
  if (h.error) footer.push(line(seg(`last refresh failed: ${h.error}`, "bad")));
  for (const w of last.warnings.slice(0, 3)) footer.push(line(seg(`! ${w}`, "warn")));
  for (const n of last.notes.slice(0, 2)) footer.push(line(seg(`note: ${n}`, "dim")));
  return { header, rows, footer };
}
