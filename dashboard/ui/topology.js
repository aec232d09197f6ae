// Topology: zones -> racks -> nodes as a GPU heatmap. One cell per GPU:
// the selected set's pods coloured by gang, other workloads in scope, other
// pods, free; cordoned and NotReady nodes marked. Split gangs, warnings
// with recommendations, fragmentation and where an N-GPU pod fits.

import { useState } from "npm:preact@10.27.2/hooks";
import { Badge, ErrorBox, fmtScore, html, scoreTone, useFetch } from "./lib.js";

const GANG_COLORS = [
  "#4f8cff",
  "#c77dff",
  "#ff9f43",
  "#2ec4b6",
  "#ff6b9a",
  "#a3d65c",
  "#ffd166",
  "#5ad1ff",
];

function nodeCells(node, selPods, gangColor, pcs) {
  const cells = [];
  const push = (n, cls, title, color) => {
    for (let i = 0; i < n; i++) cells.push({ cls, title, color });
  };
  let mine = 0;
  for (const p of selPods) {
    if (!p.gpus) continue;
    const isSet = p.pcs === pcs?.name && p.namespace === pcs?.ns;
    push(
      p.gpus,
      isSet ? "mine" : "scope",
      `${p.name} (${p.gpus} GPU${p.gpus > 1 ? "s" : ""}, gang ${p.gang ?? "-"}, ${p.phase})`,
      isSet ? gangColor(p.gang) : undefined,
    );
    mine += p.gpus;
  }
  const others = Math.max(0, node.allocated - mine);
  push(others, "other", `${others} GPU(s) used by other pods`);
  push(Math.max(0, node.allocatable - node.allocated), "free", "free");
  return cells;
}

function Node({ node, selPods, gangColor, pcs, fitN }) {
  const unavailable = node.cordoned || !node.ready;
  const cells = nodeCells(node, selPods, gangColor, pcs);
  const fits = fitN > 0 && !unavailable && node.free >= fitN;
  const hasMine = selPods.some((p) => p.pcs === pcs?.name && p.namespace === pcs?.ns);
  return html`
    <div class=${`node ${unavailable ? "unavailable" : ""} ${fits ? "fits" : ""} ${
      hasMine ? "has-mine" : ""
    }`}
      data-testid="node" data-node=${node
        .name} title=${`${node.name}: ${node.allocated}/${node.allocatable} GPUs allocated, ${node.free} free`}>
        <div class="node-name">${node.name}${node.cordoned
          ? html`
            <${Badge} tone="bad">cordoned<//>
          `
          : ""}${!node.ready
          ? html`
            <${Badge} tone="bad">NotReady<//>
          `
          : ""}</div>
        ${node.hasGpuResource
          ? html`<div class="cells">${
            cells.map((c) =>
              html`<span class=${`cell ${c.cls}`} style=${
                c.color ? `background:${c.color}` : ""
              } title=${c.title}></span>`
            )
          }</div>`
          : html`<div class="dim small">no GPUs${
            selPods.length ? ` · ${selPods.length} pods` : ""
          }</div>`}
      </div>
  `;
}

function Domain({ d, podsByNode, gangColor, pcs, fitN, splitDomains }) {
  const split = splitDomains.has(d.id) || d.label === "split";
  return html`
    <div class=${`domain level-${d.level}`} data-testid=${`domain-${d.level}`} data-domain=${d
      .value}>
      <div class="domain-head"><b>${d.level} ${d.value}</b>
          <span class="dim">${d.allocated}/${d.allocatable} GPUs, ${d.free} free, largest block ${d
            .largestFreeBlock}</span>
          ${split ? html`<${Badge} tone="bad" testid="split-domain">split gang<//>` : null}
        </div>
      <div class="domain-body">
          ${d.children.map((c) =>
            html`
              <${Domain} d=${c} podsByNode=${podsByNode} gangColor=${gangColor} pcs=${pcs}
                fitN=${fitN} splitDomains=${splitDomains} />
            `
          )}
          ${d.nodes.length
            ? html`<div class="nodes">${
              d.nodes.map((n) =>
                html`
                  <${Node} node=${n} selPods=${podsByNode.get(n.name) ??
                    []} gangColor=${gangColor} pcs=${pcs}
                    fitN=${fitN} />
                `
              )
            }</div>`
            : null}
        </div>
    </div>
  `;
}

export function Topology({ ns, name }) {
  const res = useFetch("/api/topology", { minMs: 1000 });
  const [fitN, setFitN] = useState(8);
  const [onlyMine, setOnlyMine] = useState(undefined);
  if (res.error && !res.data) return html`<${ErrorBox} error=${res.error} />`;
  if (!res.data) return html`<p class="dim">loading...</p>`;
  const { cluster, workload } = res.data;
  const podsByNode = new Map();
  const walk = (d) => {
    for (const n of d.nodes) podsByNode.set(n.name, n.pods);
    d.children.forEach(walk);
  };
  workload.domains.forEach(walk);
  const set = workload.podCliqueSets.find((p) => p.namespace === ns && p.name === name);
  const gangs = set?.gangs ?? [];
  const gangColor = (g) =>
    GANG_COLORS[Math.max(0, gangs.findIndex((x) => x.name === g)) % GANG_COLORS.length];
  // domains a split or fragmented gang spans, at every level
  const splitDomains = new Set();
  for (const g of gangs) {
    if (!g.placement || g.placement === "optimal") continue;
    const zone = g.spans.find((s) => s.level === cluster.topology.levels[0]?.domain)?.domains ?? [];
    for (const sp of g.spans) {
      if (sp.domains.length < 2) continue;
      for (const v of sp.domains) {
        splitDomains.add(v);
        for (const z of zone) splitDomains.add(`${z}/${v}`);
      }
    }
  }
  const cap = cluster.cluster;
  const mine = (n) =>
    (podsByNode.get(n.name) ?? []).some((p) => p.pcs === name && p.namespace === ns);
  // on a large cluster, start with the domains this set uses
  const showOnlyMine = set && (onlyMine ?? (cap?.gpuNodes ?? 0) > 64);
  const prune = (d) => {
    const children = d.children.map(prune).filter(Boolean);
    const nodes = d.nodes.filter(mine);
    return children.length || nodes.length ? { ...d, children, nodes } : null;
  };
  const unscheduled = workload.unscheduledPods.filter((p) =>
    !set || p.pcs === name && p.namespace === ns
  );
  const domains = showOnlyMine ? cluster.domains.map(prune).filter(Boolean) : cluster.domains;
  const fitDomains = (cap?.domains ?? []).filter((d) => d.largestFreeBlock >= fitN);
  const warnings = workload.warnings.filter((w) =>
    !set || w.namespace === ns && w.gang.startsWith(name)
  );
  return html`<section>
    <div class="headline">
      <h2>Topology <span class="dim">${
    cluster.topology.levels.map((l) => l.domain).join(" → ")
  } (${cluster.topology.source})</span></h2>
      ${
    cap
      ? html`<span>${cap.allocatedGpus}/${cap.totalGpus} GPUs allocated · ${cap.freeGpus} free · ${cap.unavailableGpus} on cordoned/NotReady nodes</span>`
      : null
  }
    </div>
    ${
    set
      ? html`<div class="gangs" data-testid="topology-gangs">${
        gangs.map((g) =>
          html`<div class="gang-chip" data-testid="gang-chip" data-gang=${g.name} data-placement=${
            g.placement ?? ""
          }>
          <span class="swatch" style=${`background:${gangColor(g.name)}`}></span>
          <b>${g.name}</b> <span class=${scoreTone(g.placementScore)}>score ${
            fmtScore(g.placementScore)
          }</span>
          <span class="dim">${g.gpus} GPUs as ${
            g.shapes.join("+")
          }, ${g.scheduledPods}/${g.pods} scheduled</span>
          ${
            g.placement && g.placement !== "optimal"
              ? html`<${Badge} tone="bad" testid="split-gang">${g.placement.toUpperCase()} across ${
                g.spans.find((s) => s.domains.length > 1)?.domains.join(", ")
              }<//>`
              : null
          }
        </div>`
        )
      }</div>`
      : html`<p class="dim">Pick a PodCliqueSet in the Overview to highlight its gangs.</p>`
  }
    <div class="legend"><span class="cell mine"></span> this set (by gang) <span class="cell scope"></span> other sets in scope
      <span class="cell other"></span> other pods <span class="cell free"></span> free <span class="node-legend unavailable">cordoned / NotReady</span>
      <span class="node-legend fits">fits an N-GPU pod</span>
      ${
    set
      ? html`<label><input type="checkbox" checked=${showOnlyMine} data-testid="only-mine"
          onChange=${(e) => setOnlyMine(e.target.checked)} /> only domains this set uses</label>`
      : null
  }</div>
    ${
    warnings.map((w) =>
      html`<div class="warning" data-testid="topology-warning"><b>${w.message}</b><div>${w.recommendation}</div></div>`
    )
  }
    <div class="topo-layout">
      <div class="heatmap" data-testid="heatmap">${
    domains.map((d) =>
      html`
        <${Domain} d=${d} podsByNode=${podsByNode} gangColor=${gangColor} pcs=${set
          ? { ns, name }
          : null}
          fitN=${fitN} splitDomains=${splitDomains} />
      `
    )
  }</div>
      <aside class="panel">
        <h3>Where does an N-GPU pod fit?</h3>
        <label>N = <input type="number" min="1" max="64" value=${fitN} onInput=${(e) =>
    setFitN(Number(e.target.value) || 0)} data-testid="fit-n" /></label>
        <p>${
    fitDomains.length
      ? html`${
        fitDomains.filter((d) => d.level !== cluster.topology.levels[0]?.domain).length ||
        fitDomains.length
      } domain(s) have a free block of ${fitN}: ${
        fitDomains.slice(0, 12).map((d) => d.id).join(", ")
      }${fitDomains.length > 12 ? ` and ${fitDomains.length - 12} more` : ""}`
      : html`<span class="bad">no node has ${fitN} free GPUs</span>`
  }</p>
        ${
    cap
      ? html`
        <table class="grid compact">
          <thead>
            <tr>
              <th>pod size</th>
              <th>pods that fit</th>
            </tr>
          </thead>
          <tbody>${cap.fits.map((f) =>
            html`
              <tr>
                <td class="num">${f.gpus} GPU</td>
                <td class="num">${f.pods}</td>
              </tr>
            `
          )}</tbody>
        </table>
        <h3>Fragmentation</h3>
        <p
          data-testid="fragmentation">${cap.fragmentation.strandedGpus} of ${cap.fragmentation
            .freeGpus} free GPUs cannot host the largest shape in use (${cap.fragmentation
            .largestShape} GPUs): ${Math.round(cap.fragmentation.ratio * 100)}% stranded</p>
      `
      : null
  }
        ${
    unscheduled.length
      ? html`
        <h3>Unscheduled pods</h3>
        <ul>${unscheduled.map((p) =>
          html`<li class="mono">${p.name} <span class="dim">${p.gpus} GPU</span></li>`
        )}</ul>
      `
      : null
  }
        ${
    [...new Set([...cluster.notes, ...workload.notes])].map((n) =>
      html`<p class="dim small">${n}</p>`
    )
  }
      </aside>
    </div>
  </section>`;
}
