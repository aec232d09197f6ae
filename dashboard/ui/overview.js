// Overview: one row per PodCliqueSet, sortable and filterable, live.

import { useState } from "npm:preact@10.27.2/hooks";
import {
  Badge,
  Bar,
  Countdown,
  fmtScore,
  html,
  remaining,
  scoreTone,
  setLink,
  stateTone,
  useStore,
} from "./lib.js";

const COLUMNS = [
  ["name", "PodCliqueSet", (r) => `${r.namespace}/${r.name}`],
  ["state", "State", (r) => r.state],
  ["replicas", "Replicas", (r) => r.replicas.available ?? -1],
  ["pods", "Pods ready", (r) => r.pods.ready / Math.max(1, r.pods.desired)],
  ["score", "Min score", (r) => r.minPlacementScore ?? 2],
  [
    "breaches",
    "Breaches",
    (r) => (r.breaches.length ? remaining(r.breaches[0].deadline) : Infinity),
  ],
  ["update", "Update", (r) => (r.updating ? 0 : r.paused ? 1 : 2)],
  ["sla", "SLA", (r, sla) => slaRank(sla[`${r.namespace}/${r.name}`])],
  ["gpus", "GPUs", (r) => r.gpus],
];

function slaRank(v) {
  if (!v) return 3;
  return v.ttft === "breach" || v.tpot === "breach" ? 0 : v.ttft || v.tpot ? 1 : 2;
}

function SlaCell({ v, r }) {
  if (!v) {
    return html`
      <a class="dim" href=${setLink("metrics", r.namespace, r.name)}
        title="measured while the Metrics view of this set is open in any tab">measure</a>
    `;
  }
  const bad = [v.ttft === "breach" && "TTFT", v.tpot === "breach" && "TPOT"].filter(Boolean);
  return html`<${Badge} tone=${
    bad.length ? "bad" : "ok"
  } testid="sla" title=${`SLA from the ${v.source}; measured ${v.at}`}>${
    bad.length ? `breach ${bad.join("+")}` : "ok"
  }<//>`;
}

function UpdateCell({ r }) {
  const parts = [];
  if (r.progressive) parts.push(html`<${Badge} tone="warn">${r.progressive}<//>`);
  if (r.paused) parts.push(html`<${Badge} tone="warn" testid="paused">paused<//>`);
  if (r.updating) {
    parts.push(
      html`<${Badge} tone="warn">rolling${
        r.rollout ? ` ${r.rollout.updatedReady}/${r.rollout.desired}` : ""
      }<//>`,
    );
  }
  if (!parts.length) parts.push(html`<span class="dim">${r.strategy}</span>`);
  return html`<span>${parts}</span>`;
}

export function Overview() {
  const s = useStore();
  const [sort, setSort] = useState({ key: "breaches", dir: 1 });
  const [filter, setFilter] = useState("");
  const rows = s.state?.overview ?? [];
  const f = filter.trim().toLowerCase();
  const shown = rows.filter((r) =>
    !f ||
    `${r.namespace}/${r.name} ${r.state} ${r.paused ? "paused" : ""} ${
      r.updating ? "updating" : ""
    }`
      .toLowerCase().includes(f)
  );
  const col = COLUMNS.find((c) => c[0] === sort.key) ?? COLUMNS[0];
  const sla = s.state?.sla ?? {};
  shown.sort((a, b) => {
    const x = col[2](a, sla);
    const y = col[2](b, sla);
    const c = typeof x === "string" ? x.localeCompare(y) : x - y;
    return c * sort.dir || `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`);
  });
  const summary = s.state?.healthSummary;
  return html`<section>
    <div class="toolbar">
      <input type="search" placeholder="filter: name, namespace, state, paused, updating" value=${filter}
        onInput=${(e) => setFilter(e.target.value)} data-testid="filter" aria-label="filter" />
      <span class="dim">${shown.length} of ${rows.length} sets${
    summary
      ? ` · gangs ${summary.healthy} healthy, ${summary.degraded} degraded, ${summary.unhealthy} unhealthy`
      : ""
  }</span>
    </div>
    <table class="grid" data-testid="overview">
      <thead><tr>${
    COLUMNS.map(([key, label]) =>
      html`
        <th class="sortable" onClick=${() =>
          setSort({ key, dir: sort.key === key ? -sort.dir : 1 })}
          aria-sort=${sort.key === key
            ? (sort.dir > 0 ? "ascending" : "descending")
            : "none"}>${label}${sort.key === key ? (sort.dir > 0 ? " ▲" : " ▼") : ""}</th>
      `
    )
  }</tr></thead>
      <tbody>${
    shown.map((r) =>
      html`
        <tr data-testid="pcs-row" data-name=${r.name} data-namespace=${r.namespace}>
          <td><a href=${setLink(
            "set",
            r.namespace,
            r.name,
          )} data-testid="pcs-link"><span class="dim">${r
            .namespace}/</span><b>${r.name}</b></a></td>
          <td>
            <${Badge} tone=${stateTone(r.state)}>${r.state}<//></td>
                    <td class="num">${r.replicas.available ?? "-"}/${r.replicas.desired}</td>
                    <td><${Bar} value=${r.pods.ready} max=${r.pods.desired} /> <span class="num">${r
                      .pods.ready}/${r.pods.desired}</span></td>
                    <td class=${`num ${
                      scoreTone(r.minPlacementScore)
                    }`} data-testid="score">${fmtScore(r.minPlacementScore)}</td>
                    <td>${r.breaches.length
                      ? html`<span title=${
                        r.breaches.map((b) => `${b.name} (${b.gang})`).join("\n")
                      }>
                  <${Countdown} deadline=${r.breaches[0].deadline} /> ${
                        r.breaches.length > 1
                          ? html`<span class="dim">+${r.breaches.length - 1}</span>`
                          : ""
                      }</span>`
                      : html`<span class="dim">none</span>`}</td>
                    <td><${UpdateCell} r=${r} /></td>
            <td><${SlaCell} v=${sla[`${r.namespace}/${r.name}`]} r=${r} /></td>
                    <td class="num">${r.gpus}</td>
                  </tr>
      `
    )
  }</tbody>
    </table>
    ${rows.length === 0 ? html`<p class="dim">No PodCliqueSet in scope.</p>` : null}
  </section>`;
}
