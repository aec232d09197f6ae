// Plan vs actual: the `compare` report (planned, SLA and measured values,
// findings) with its recommendations and the exact commands.

import { useState } from "npm:preact@10.27.2/hooks";
import { api, Badge, ErrorBox, fmtNum, html } from "./lib.js";

const TONE = { ok: "ok", warn: "warn", breach: "bad", "n/a": "", "actuals-only": "" };

export function Compare({ ns, name }) {
  const [windowSeconds, setWindow] = useState(10);
  const [res, setRes] = useState(null);
  const run = () => {
    setRes({ loading: true });
    const q = new URLSearchParams({ namespace: ns, name, windowSeconds: String(windowSeconds) });
    api(`/api/compare?${q}`).then((r) => setRes({ r }), (error) => setRes({ error }));
  };
  const r = res?.r;
  return html`<section>
    <div class="headline">
      <h2>Plan vs actual <span class="dim">${ns}/${name}</span></h2>
      <label>window <input type="number" min="0" max="300" value=${windowSeconds} onInput=${(e) =>
    setWindow(Number(e.target.value) || 0)} /> s</label>
      <button onClick=${run} disabled=${res?.loading} data-testid="compare-run">${
    res?.loading ? `measuring for ${windowSeconds}s...` : "Compare now"
  }</button>
      <span class="mono small dim">same as: kubectl grove compare ${name} -n ${ns} --window ${windowSeconds}s</span>
    </div>
    <${ErrorBox} error=${res?.error} />
    ${
    r
      ? html`
        <div data-testid="compare-report">
          <p>
            <${Badge} tone=${TONE[r.status]}>${r.status}<//> SLA ${r.sla.source}; measured over ${r
              .windowSeconds}s</p>
              ${r.planHint ? html`<div class="warning">${r.planHint}</div>` : null}
              <table class="grid compact"><thead><tr><th>item</th><th>role</th><th>planned</th><th>SLA</th><th>actual</th><th>delta</th><th>status</th></tr></thead><tbody>${r
                .rows.map((x) =>
                  html`
                    <tr>
                      <td>${x.item}</td>
                      <td>${x.role ?? ""}</td>
                      <td class="num">${fmtNum(x.planned)} ${x.unit}</td>
                      <td class="num">${x.sla === null ? "-" : fmtNum(x.sla)}</td>
                      <td class="num">${fmtNum(x.actual)}</td>
                      <td class="num">${x.deltaPct === null
                        ? "-"
                        : `${x.deltaPct > 0 ? "+" : ""}${x.deltaPct.toFixed(0)}%`}</td>
                      <td>
                        <${Badge} tone=${TONE[x.status]}>${x.status}<//></td></tr>
                  `
                )}</tbody></table>
              <h3>Findings</h3>
              ${r.findings.length
                ? r.findings.map((f) =>
                  html`<div class=${
                    f.severity === "critical" ? "error" : "warning"
                  }><b>${f.rule}</b>: ${f.message}</div>`
                )
                : html`<p class="dim">none</p>`}
              <h3>Recommendations</h3>
              ${r.recommendations.length
                ? html`<ol data-testid="recommendations">${
                  r.recommendations.map((x) =>
                    html`
                      <li>
                        <${Badge} tone=${x.level === "high"
                          ? "bad"
                          : x.level === "medium"
                          ? "warn"
                          : ""}>${x.level}<//> ${x.action}
                                    <div class="cmd"><code>${x
                                      .command}</code> <button class="small" onClick=${() =>
                                      navigator.clipboard?.writeText(
                                        x.command,
                                      )}>copy</button></div></li>
                    `
                  )
                }</ol>`
                : html`<p class="dim">none</p>`}
              ${r.notes.map((n) => html`<p class="dim small">${n}</p>`)}
            </div>
      `
      : html`<p class="dim">Scrapes the engines twice, the window apart, and compares with the stored plan.</p>`
  }
  </section>`;
}
