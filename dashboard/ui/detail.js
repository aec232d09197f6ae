// Set detail: set -> gangs -> cliques -> pods with progress bars, scores,
// countdowns and issues; events (Warning first); pod logs on click.

import { useEffect, useState } from "npm:preact@10.27.2/hooks";
import {
  api,
  Badge,
  Bar,
  Countdown,
  ErrorBox,
  fmtScore,
  html,
  scoreTone,
  stateTone,
  useFetch,
} from "./lib.js";

function Logs({ ns, pod, onClose }) {
  const [container, setContainer] = useState(pod.containers[0] ?? "");
  const [previous, setPrevious] = useState(false);
  const [res, setRes] = useState({ loading: true });
  const load = () => {
    setRes({ loading: true });
    const q = new URLSearchParams({ namespace: ns, pod: pod.name, container, tail: "500" });
    if (previous) q.set("previous", "1");
    api(`/api/logs?${q}`).then((text) => setRes({ text }), (error) => setRes({ error }));
  };
  useEffect(load, [pod.name, container, previous]);
  return html`
    <div class="panel logs" data-testid="logs">
      <div class="toolbar">
          <b>logs of pod/${pod.name}</b>
          ${pod.containers.length > 1
            ? html`<select value=${container} onChange=${(e) => setContainer(e.target.value)}>${
              pod.containers.map((c) => html`<option value=${c}>${c}</option>`)
            }</select>`
            : html`<span class="dim">${container}</span>`}
          <label><input type="checkbox" checked=${previous} onChange=${(e) =>
            setPrevious(e.target.checked)} /> previous container</label>
          <button onClick=${load}>reload</button>
          <button onClick=${onClose}>close</button>
        </div>
      <${ErrorBox} error=${res.error} />
      <pre>${res.loading ? "loading..." : res.text || "(no output)"}</pre>
    </div>
  `;
}

function Events({ ns, name }) {
  const res = useFetch(
    `/api/set/events?namespace=${encodeURIComponent(ns)}&name=${encodeURIComponent(name)}`,
    {
      minMs: 5000,
    },
  );
  const events = res.data?.events ?? [];
  return html`<div class="panel">
    <h3>Events <span class="dim">(Warning first)</span></h3>
    <${ErrorBox} error=${res.error} />
    ${
    events.length === 0
      ? html`<p class="dim">${res.loading ? "loading..." : "no events"}</p>`
      : html`
        <table class="grid compact" data-testid="events">
          <thead>
            <tr>
              <th>type</th>
              <th>reason</th>
              <th>object</th>
              <th>count</th>
              <th>message</th>
            </tr>
          </thead>
          <tbody>${events.map((e) =>
            html`
              <tr>
                <td>
                  <${Badge}
                    tone=${e.type === "Warning" ? "bad" : ""}>${e.type}<//></td><td>${e
                      .reason}</td><td class="mono">${e.object}</td><td class="num">${e
                      .count}</td><td>${e.message}</td></tr>
            `
          )}</tbody>
        </table>
      `
  }
  </div>`;
}

function PodRow({ p, onLogs }) {
  return html`
    <tr class="pod" data-testid="pod-row">
      <td
        class="mono indent2"><a href="javascript:void 0" onClick=${() =>
          onLogs(p)} title="show logs">${p.name}</a></td>
      <td>
        <${Badge} tone=${stateTone(p.phase)}>${p.phase}<//> ${p.ready
          ? html`<span class="ok">ready</span>`
          : html`<span class="dim">not ready</span>`}</td>
        <td class="num">${p.restarts > 0
          ? html`<span class="warn">${p.restarts} restarts</span>`
          : ""}</td>
        <td class="mono">${p.node ?? html`<span class="bad">unscheduled</span>`}</td>
        <td class="num">${p.gpus ? `${p.gpus} GPU` : ""}</td>
      </tr>
  `;
}

export function SetDetail({ ns, name }) {
  const res = useFetch(
    `/api/set?namespace=${encodeURIComponent(ns)}&name=${encodeURIComponent(name)}`,
  );
  const [logPod, setLogPod] = useState(null);
  if (res.error && !res.data) return html`<${ErrorBox} error=${res.error} />`;
  if (!res.data) return html`<p class="dim">loading...</p>`;
  const { status, gangs, pods, rollout } = res.data;
  const healthOf = (g) => gangs.find((x) => x.name === g);
  const podsOf = (clique) => pods.filter((p) => p.clique === clique);
  const cliquesOf = (gang) => status.cliques.filter((c) => c.gang === gang);
  const loose = status.cliques.filter((c) => !status.gangs.some((g) => g.name === c.gang));
  const cliqueRows = (c) => {
    const hc = gangs.flatMap((g) => g.cliques).find((x) => x.name === c.name);
    return [
      html`
        <tr class="clique" data-testid="clique-row">
          <td class="indent1"><b>${c.name}</b> <span class="dim">${c.role}</span></td>
          <td><${Bar} value=${c.ready} max=${c.desired} min=${c
            .minAvailable} /> <span class="num">${c.ready}/${c
            .desired}</span> <span class="dim">min ${c.minAvailable}</span></td>
          <td>${hc?.countdown ? html`<${Countdown} deadline=${hc.countdown.deadline} />` : ""}</td>
          <td>${c.minAvailableBreached
            ? html`<${Badge} tone="bad">below minAvailable<//>`
            : c.waitingForScheduling
            ? html`<${Badge} tone="warn">waiting for scheduling<//>`
            : ""}</td>
          <td class="num">${c.updated}/${c.desired} updated</td>
        </tr>
      `,
      ...podsOf(c.name).map((p) => html`<${PodRow} p=${p} onLogs=${setLogPod} />`),
    ];
  };
  return html`
    <section>
      <div class="headline">
        <h2>${status.namespace}/<b data-testid="set-name">${status.name}</b></h2>
        <${Badge} tone=${stateTone(status.state)}>${status.state}<//>
          <span>replicas ${status.replicas.available ?? "-"}/${status.replicas.desired}</span>
          <span>pods ${status.summary.podsReady}/${status.summary.podsDesired}</span>
          <span>strategy ${status.update.strategy}</span>
          ${status.update.inProgress ? html`<${Badge} tone="warn">update in progress<//>` : null}
          ${rollout?.paused ? html`<${Badge} tone="warn">paused<//>` : null}
        </div>
        ${status.lastErrors?.map((e) =>
          html`<div class="error">${e.code}: ${e.description} <span class="dim">(${e.age} ago)</span></div>`
        )}
        ${logPod ? html`<${Logs} ns=${ns} pod=${logPod} onClose=${() => setLogPod(null)} />` : null}
        <table class="grid tree" data-testid="hierarchy">
          <tbody>${status.gangs.map((g) => {
            const h = healthOf(g.name);
            return [
              html`
                <tr class="gang" data-testid="gang-row">
                  <td><b>gang ${g.name}</b> ${g.scalingGroup
                    ? html`<span class="dim">(${g.scalingGroup})</span>`
                    : ""}</td>
                  <td><${Bar} value=${g.readyPods} max=${g.pods} min=${g
                    .minPods} /> <span class="num">${g.readyPods}/${g.pods}</span></td>
                  <td class=${scoreTone(g.placementScore)}>score ${fmtScore(
                    g.placementScore,
                  )}${g.placementScoreReason
                    ? html`
                      <span class="dim">(${g.placementScoreReason})</span>
                    `
                    : ""}</td>
                  <td>${h
                    ? html`<${Badge} tone=${stateTone(h.status)}>${h.status}<//>`
                    : ""} <${Badge} tone=${stateTone(g.phase ?? "")}>${g.phase ??
                    "missing"}<//></td>
                          <td></td>
                        </tr>
              `,
              ...(h?.issues ?? []).map((i) =>
                html`
                  <tr class="issue">
                    <td class="indent1" colspan="5">
                      <${Badge}
                        tone="bad">${i.kind}<//> <span class="mono">${i.object}</span>: ${i
                          .message}</td></tr>
                `
              ),
              ...cliquesOf(g.name).flatMap(cliqueRows),
            ];
          })}${loose.flatMap(cliqueRows)}</tbody>
        </table>
        <${Events} ns=${ns} name=${name} />
      </section>
  `;
}
