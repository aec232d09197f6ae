// Metrics: TTFT / ITL / E2E percentiles and throughput per role as time
// series from the server's repeated scrapes (through the pod proxy), with
// the SLA's and the plan's lines. uPlot draws the charts.

import { useEffect, useRef } from "npm:preact@10.27.2/hooks";
import uPlot from "npm:uplot@1.6.32";
import { ErrorBox, fmtMs, fmtNum, html, useFetch } from "./lib.js";

const PALETTE = ["#4f8cff", "#ff9f43", "#2ec4b6", "#c77dff", "#ff6b9a", "#a3d65c"];

function Chart({ title, unit, series, refLines, testid }) {
  const el = useRef(null);
  const plot = useRef(null);
  const xs = series.x;
  const data = [
    xs,
    ...series.lines.map((l) => l.values),
    ...refLines.map((r) => xs.map(() => r.value)),
  ];
  const key = [...series.lines.map((l) => l.label), ...refLines.map((r) => r.label)].join("|");
  useEffect(() => {
    if (!el.current) return;
    const opts = {
      width: Math.max(320, el.current.clientWidth - 8),
      height: 200,
      legend: { live: true },
      scales: { x: { time: true } },
      axes: [
        { stroke: "#9aa4b2", grid: { stroke: "#2a3140" } },
        {
          stroke: "#9aa4b2",
          grid: { stroke: "#2a3140" },
          size: 60,
          values: (_u, v) => v.map((x) => unit === "ms" ? fmtMs(x) : fmtNum(x)),
        },
      ],
      series: [
        {},
        ...series.lines.map((l, i) => ({
          label: l.label,
          stroke: PALETTE[i % PALETTE.length],
          width: 2,
          dash: l.dash,
          spanGaps: true,
        })),
        ...refLines.map((r) => ({ label: r.label, stroke: r.color, width: 1.5, dash: [6, 4] })),
      ],
    };
    plot.current?.destroy();
    plot.current = new uPlot(opts, data, el.current);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
  }, [key]);
  useEffect(() => {
    plot.current?.setData(data);
  });
  return html`
    <div class="chart panel" data-testid=${testid}>
      <h3>${title}</h3>
      <div ref=${el}></div>
    </div>
  `;
}

function lineSeries(samples, roles, pick) {
  const lines = [];
  for (const role of roles) {
    for (const q of ["p50", "p99"]) {
      const values = samples.map((s) => pick(s.roles[role])?.[q] ?? null);
      if (values.some((v) => v !== null)) {
        lines.push({ label: `${role} ${q}`, values, dash: q === "p50" ? [2, 3] : undefined });
      }
    }
  }
  return lines;
}

export function Metrics({ ns, name }) {
  const path = `/api/metrics?namespace=${encodeURIComponent(ns)}&name=${encodeURIComponent(name)}`;
  const res = useFetch(path, { everyMs: 2500 });
  if (res.error && !res.data) return html`<${ErrorBox} error=${res.error} />`;
  const m = res.data;
  if (!m) return html`<p class="dim">loading...</p>`;
  const samples = m.samples;
  const roles = [...new Set(samples.flatMap((s) => Object.keys(s.roles)))].sort();
  const x = samples.map((s) => s.t / 1000);
  const sla = m.sla ?? {};
  const plan = m.plan ?? {};
  const ref = (
    value,
    label,
    color,
  ) => (value === null || value === undefined ? [] : [{ value, label, color }]);
  const last = m.latest;
  return html`<section>
    <div class="headline">
      <h2>Metrics <span class="dim">${ns}/${name}</span></h2>
      <span class="dim">a scrape every ${
    m.intervalMs / 1000
  }s through the pod proxy; ${samples.length} samples${
    samples.length
      ? `, last ${samples[samples.length - 1].scraped}/${
        samples[samples.length - 1].scrapable
      } pods answered`
      : ""
  }</span>
      <span class="dim">SLA: ${sla.ttftMs ? `TTFT p99 ≤ ${fmtMs(sla.ttftMs)}` : "no TTFT SLA"}, ${
    sla.tpotMs ? `TPOT p99 ≤ ${fmtMs(sla.tpotMs)}` : "no TPOT SLA"
  } (${sla.source ?? "none"})</span>
    </div>
    <${ErrorBox} error=${m.error ? { message: `last scrape: ${m.error}` } : null} />
    ${
    samples.length < 2
      ? html`
        <p class="dim"
          data-testid="metrics-waiting">Collecting: the first rounds show lifetime values; windows follow.</p>
      `
      : null
  }
    <div class="charts">
      <${Chart} testid="chart-ttft" title="Time to first token" unit="ms" series=${{
    x,
    lines: lineSeries(samples, roles, (r) => r?.ttft),
  }}
        refLines=${[
    ...ref(sla.ttftMs, "SLA p99", "#ff4d4f"),
    ...ref(plan.ttftMs, "plan", "#ffd166"),
  ]} />
      <${Chart} testid="chart-itl" title="Inter-token latency" unit="ms" series=${{
    x,
    lines: lineSeries(samples, roles, (r) => r?.itl),
  }}
        refLines=${[
    ...ref(sla.tpotMs, "SLA p99", "#ff4d4f"),
    ...ref(plan.tpotMs, "plan", "#ffd166"),
  ]} />
      <${Chart} testid="chart-e2e" title="End-to-end request latency" unit="ms" series=${{
    x,
    lines: lineSeries(samples, roles, (r) => r?.e2e),
  }} refLines=${[]} />
      <${Chart} testid="chart-tput" title="Output tokens/s per GPU" unit="tok/s" series=${{
    x,
    lines: roles.map((role) => ({
      label: role,
      values: samples.map((s) => s.roles[role]?.outputTokensPerSecPerGpu ?? null),
    }))
      .filter((l) => l.values.some((v) => v !== null)),
  }} refLines=${ref(plan.throughputPerGpu, "plan", "#ffd166")} />
    </div>
    ${
    last
      ? html`
        <table class="grid compact" data-testid="metrics-table">
          <thead>
            <tr>
              <th>role</th>
              <th>pods</th>
              <th>TTFT p50/p99</th>
              <th>ITL p50/p99</th>
              <th>E2E p50/p99</th>
              <th>out tok/s</th>
              <th>waiting</th>
              <th>SLA</th>
            </tr>
          </thead>
          <tbody>${[...last.roles, { ...last.total, role: "TOTAL" }].map((r) =>
            html`
              <tr>
                <td><b>${r.role}</b></td>
                <td class="num">${r.scrapedPods}/${r.pods}</td>
                <td class="num">${fmtMs(r.latencyMs.ttft?.p50)} / ${fmtMs(
                  r.latencyMs.ttft?.p99,
                )}</td>
                <td class="num">${fmtMs(r.latencyMs.itl?.p50)} / ${fmtMs(r.latencyMs.itl?.p99)}</td>
                <td class="num">${fmtMs(r.latencyMs.e2e?.p50)} / ${fmtMs(r.latencyMs.e2e?.p99)}</td>
                <td class="num">${fmtNum(r.outputTokensPerSec)}</td>
                <td class="num">${r.waiting ?? "-"}</td>
                <td>${[r.sla.ttft && `ttft ${r.sla.ttft}`, r.sla.tpot && `tpot ${r.sla.tpot}`]
                  .filter(Boolean).join(", ") || "-"}</td>
              </tr>
            `
          )}</tbody>
        </table>
              ${last.warnings.map((w) => html`<div class="warning">${w}</div>`)}
      `
      : null
  }
  </section>`;
}
