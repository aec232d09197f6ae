// The dashboard's shell: header with connection state, tabs, hash routing.

import { render } from "npm:preact@10.27.2";
import { useEffect, useState } from "npm:preact@10.27.2/hooks";
import { Compare } from "./compare.js";
import { SetDetail } from "./detail.js";
import { Badge, connect, html, setLink, useStore } from "./lib.js";
import { Metrics } from "./metrics.js";
import { Overview } from "./overview.js";
import { Rollouts } from "./rollouts.js";
import { Topology } from "./topology.js";

const VIEWS = [
  ["overview", "Overview"],
  ["set", "Set detail"],
  ["topology", "Topology"],
  ["metrics", "Metrics"],
  ["rollouts", "Rollouts"],
  ["compare", "Plan vs actual"],
];

function parseHash() {
  const [view = "overview", ns, name] = location.hash.replace(/^#\/?/, "").split("/").map(
    decodeURIComponent,
  );
  return { view: VIEWS.some((v) => v[0] === view) ? view : "overview", ns, name };
}

function useRoute() {
  const [r, setR] = useState(parseHash());
  useEffect(() => {
    const f = () => setR(parseHash());
    addEventListener("hashchange", f);
    return () => removeEventListener("hashchange", f);
  }, []);
  return r;
}

function App() {
  const s = useStore();
  const route = useRoute();
  const [last, setLast] = useState(null);
  useEffect(() => {
    if (route.ns && route.name) setLast({ ns: route.ns, name: route.name });
  }, [route.ns, route.name]);
  const st = s.state;
  const target = route.ns && route.name ? { ns: route.ns, name: route.name } : last ??
    (st?.overview[0] ? { ns: st.overview[0].namespace, name: st.overview[0].name } : null);
  const tone = s.connection === "live" ? "ok" : s.connection === "stale" ? "bad" : "warn";
  let body;
  if (!st) body = html`<p class="dim">connecting...</p>`;
  else if (route.view === "overview") body = html`<${Overview} />`;
  else if (route.view === "topology") {
    body = html`<${Topology} ns=${target?.ns} name=${target?.name} />`;
  } else if (!target) body = html`<p class="dim">No PodCliqueSet in scope.</p>`;
  else {
    const V =
      { set: SetDetail, metrics: Metrics, rollouts: Rollouts, compare: Compare }[route.view];
    body =
      html`<${V} key=${`${route.view}:${target.ns}/${target.name}`} ns=${target.ns} name=${target.name} />`;
  }
  return html`
    <div class="app">
      <header>
          <span class="brand">grove dashboard</span>
          ${st
            ? html`<span class="ctx">ctx <b>${st.cluster.context}</b> · ${
              st.scope.allNamespaces ? "all namespaces" : html`ns <b>${st.scope.namespace}</b>`
            }</span>`
            : null}
          <${Badge} tone=${tone} testid="connection" title=${st?.freshness.stale?.reason ?? ""}>${s
            .connection}<//>
          ${st?.readOnly ? html`<${Badge}>read-only<//>` : null}
          ${st?.freshness.missing.length
            ? html`<span class="dim small" title=${
              st.freshness.missing.join("\n")
            }>${st.freshness.missing.length} kind(s) not readable</span>`
            : null}
        </header>
        <nav>${VIEWS.map(([id, label]) =>
          html`
            <a class=${route.view === id ? "active" : ""} data-testid=${`tab-${id}`}
              href=${id === "overview"
                ? "#/overview"
                : target
                ? setLink(id, target.ns, target.name)
                : `#/${id}`}>${label}</a>
          `
        )}${target && route.view !== "overview"
          ? html`<span class="target">${target.ns}/<b>${target.name}</b></span>`
          : null}</nav>
        ${st?.freshness.stale
          ? html`<div class="error">data is stale since ${st.freshness.stale.since}: ${st.freshness.stale.reason}</div>`
          : null}
        <main>${body}</main>
      </div>
  `;
}

connect();
render(html`<${App} />`, document.getElementById("app"));
