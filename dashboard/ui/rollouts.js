// Rollouts: progress of a rollout in progress (per role), progressive
// state, revisions with the diff between any two, and the actions (pause,
// resume, undo, restart, promote, abort): each first asks the server for
// the CLI's --dry-run preview, shows it with the CLI command, and performs
// it only after confirmation. Hidden in --read-only mode.

import { useState } from "npm:preact@10.27.2/hooks";
import { api, Badge, Bar, ErrorBox, html, postAction, useFetch, useStore } from "./lib.js";

function DiffText({ text }) {
  if (!text) return html`<p class="dim">identical templates</p>`;
  return html`<pre class="diff" data-testid="diff">${
    text.split("\n").map((l) =>
      html`<span class=${
        l.startsWith("+") && !l.startsWith("+++")
          ? "add"
          : l.startsWith("-") && !l.startsWith("---")
          ? "del"
          : l.startsWith("@@")
          ? "hunk"
          : ""
      }>${l + "\n"}</span>`
    )
  }</pre>`;
}

function Confirm({ pending, onConfirm, onCancel, busy }) {
  const p = pending.preview;
  return html`
    <div class="modal-back">
      <div class="modal" role="dialog" aria-modal="true" data-testid="confirm">
        <h3>${p.question ?? p.message}</h3>
        <p class="mono small">same as: ${p.command.replace(/ --dry-run$/, "")}</p>
        <p>${p.message}</p>
        ${p.preview
          ? (pending.request.action === "undo"
            ? html`<${DiffText} text=${p.preview} />`
            : html`<pre>${p.preview}</pre>`)
          : null}
        <div class="buttons">
          <button class="danger" disabled=${busy ||
            p.outcome !== "preview"} onClick=${onConfirm} data-testid="confirm-yes">Confirm</button>
          <button onClick=${onCancel} data-testid="confirm-cancel">Cancel</button>
        </div>
      </div>
    </div>
  `;
}

function Actions({ ns, name, history, rollout, roles }) {
  const [pending, setPending] = useState(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [revision, setRevision] = useState("");
  const [role, setRole] = useState("");
  const ask = async (action, extra = {}) => {
    const request = { action, namespace: ns, name, ...extra };
    setError(null);
    setResult(null);
    setBusy(true);
    try {
      const preview = await postAction({ ...request, dryRun: true });
      if (preview.outcome === "no-change") setResult(preview);
      else setPending({ request, preview });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const confirm = async () => {
    setBusy(true);
    try {
      setResult(await postAction({ ...pending.request, dryRun: false }));
      setPending(null);
    } catch (e) {
      setError(e);
      setPending(null);
    } finally {
      setBusy(false);
    }
  };
  const progressive = rollout?.progressive;
  const revisions = (history?.entries ?? []).filter((e) => e.revision !== null && !e.current);
  return html`<div class="panel actions" data-testid="actions">
    <h3>Actions</h3>
    <div class="buttons">
      <button onClick=${() =>
    ask("pause")} disabled=${busy} data-testid="action-pause">Pause</button>
      <button onClick=${() =>
    ask("resume")} disabled=${busy} data-testid="action-resume">Resume</button>
      <span class="group">
        <select value=${revision} onChange=${(e) =>
    setRevision(e.target.value)} aria-label="revision to restore">
          <option value="">previous revision</option>
          ${revisions.map((e) => html`<option value=${e.revision}>revision ${e.revision}</option>`)}
        </select>
        <button onClick=${() =>
    ask(
      "undo",
      revision ? { revision: Number(revision) } : {},
    )} disabled=${busy} data-testid="action-undo">Undo</button>
      </span>
      <span class="group">
        <select value=${role} onChange=${(e) =>
    setRole(e.target.value)} aria-label="role to restart">
          <option value="">every role</option>
          ${roles.map((r) => html`<option value=${r}>${r}</option>`)}
        </select>
        <button onClick=${() =>
    ask(
      "restart",
      role ? { role } : {},
    )} disabled=${busy} data-testid="action-restart">Restart</button>
      </span>
      <button onClick=${() => ask("promote")} disabled=${busy || !progressive} title=${
    progressive ? "" : "no canary or progressive rollout"
  } data-testid="action-promote">Promote</button>
      <button class="danger" onClick=${() => ask("abort")} disabled=${busy || !progressive} title=${
    progressive ? "" : "no canary or progressive rollout"
  } data-testid="action-abort">Abort</button>
    </div>
    <${ErrorBox} error=${error} />
    ${result ? html`<div class="result" data-testid="action-result">${result.message}</div>` : null}
    ${
    pending
      ? html`<${Confirm} pending=${pending} busy=${busy} onConfirm=${confirm} onCancel=${() =>
        setPending(null)} />`
      : null
  }
  </div>`;
}

function Jobs() {
  const s = useStore();
  const jobs = s.state?.jobs ?? [];
  if (!jobs.length) return null;
  return html`
    <div class="panel">
      <h3>Jobs</h3>
      <table class="grid compact" data-testid="jobs">
        <tbody>${jobs.map((j) =>
          html`
            <tr>
              <td>#${j.id}</td>
              <td>
                <${Badge} tone=${j.state === "failed"
                  ? "bad"
                  : j.state === "done"
                  ? "ok"
                  : "warn"}>${j.state}<//></td>
                  <td class="mono small">${j.command}</td><td>${j.message}</td></tr>
          `
        )}</tbody>
      </table>
    </div>
  `;
}

function Diff({ ns, name, entries }) {
  const numbered = entries.filter((e) => e.revision !== null);
  const [a, setA] = useState(numbered.length ? String(numbered[0].revision) : "");
  const [b, setB] = useState("live");
  const [res, setRes] = useState(null);
  const run = () => {
    const q = new URLSearchParams({ namespace: ns, name, revision: a });
    if (b !== "live") q.set("against", b);
    setRes({ loading: true });
    api(`/api/diff?${q}`).then((d) => setRes({ d }), (error) => setRes({ error }));
  };
  if (!numbered.length) {
    return html`<p class="dim">No revisions recorded yet: kubectl grove update/apply/undo record them.</p>`;
  }
  return html`<div class="panel">
    <h3>Diff between revisions</h3>
    <div class="toolbar">
      <select value=${a} onChange=${(e) => setA(e.target.value)} data-testid="diff-a">${
    numbered.map((e) => html`<option value=${e.revision}>revision ${e.revision}</option>`)
  }</select>
      →
      <select value=${b} onChange=${(e) =>
    setB(e.target.value)} data-testid="diff-b"><option value="live">live template</option>${
    numbered.map((e) => html`<option value=${e.revision}>revision ${e.revision}</option>`)
  }</select>
      <button onClick=${run} disabled=${!a} data-testid="diff-run">Show diff</button>
    </div>
    ${res?.error ? html`<${ErrorBox} error=${res.error} />` : null}
    ${
    res?.d
      ? html`
        <div>${res.d.changes.map((c) => html`<div>• ${c}</div>`)}</div>
        <${DiffText} text=${res.d.diff} />
      `
      : null
  }
  </div>`;
}

export function Rollouts({ ns, name }) {
  const s = useStore();
  const q = `namespace=${encodeURIComponent(ns)}&name=${encodeURIComponent(name)}`;
  const hist = useFetch(`/api/history?${q}`);
  const rollout = s.state?.rollouts?.find((r) => r.namespace === ns && r.name === name);

  const row = s.state?.overview.find((r) => r.namespace === ns && r.name === name);
  const roles = row?.roles ?? [];
  const readOnly = s.state?.readOnly;
  const h = hist.data;
  return html`<section>
    <div class="headline">
      <h2>Rollouts <span class="dim">${ns}/${name}</span></h2>
      <span data-testid="strategy">strategy <b>${row?.strategy ?? "-"}</b></span>
      ${row?.paused ? html`<${Badge} tone="warn" testid="rollout-paused">paused<//>` : null}
      ${row?.updating ? html`<${Badge} tone="warn">update in progress<//>` : null}
      ${readOnly ? html`<${Badge} testid="read-only">read-only: actions hidden<//>` : null}
    </div>
    ${
    rollout
      ? html`<div class="panel" data-testid="rollout-progress">
      <h3>${rollout.phase}: ${rollout.message}</h3>
      ${
        rollout.progressive
          ? html`
            <p data-testid="progressive">
              <${Badge} tone="warn">progressive<//> ${s.state.progressive?.[`${ns}/${name}`] ??
                ""}</p>
          `
          : null
      }
      <table class="grid compact"><thead><tr><th>role</th><th>updated</th><th>ready (updated)</th><th>old</th></tr></thead><tbody>${
        rollout.roles.map((r) =>
          html`
            <tr>
              <td><b>${r.role}</b></td>
              <td><${Bar} value=${r.updated} max=${r.desired} /> ${r.updated}/${r.desired}</td>
              <td class="num">${r.updatedReady}</td>
              <td class="num">${r.old}</td>
            </tr>
          `
        )
      }</tbody></table>
      ${
        rollout.estimate?.remainingMs
          ? html`<p class="dim">about ${
            Math.ceil(rollout.estimate.remainingMs / 60000)
          } min left</p>`
          : null
      }
    </div>`
      : html`<p class="dim">No rollout in progress.</p>`
  }
    ${
    readOnly ? null : html`
      <${Actions} ns=${ns} name=${name} history=${h} rollout=${rollout}
        roles=${roles} />
    `
  }
    <${Jobs} />
    <div class="panel">
      <h3>Revisions</h3>
      <${ErrorBox} error=${hist.error} />
      ${
    h
      ? html`
        <table class="grid compact" data-testid="revisions">
          <thead>
            <tr>
              <th>revision</th>
              <th>change cause</th>
              <th>by</th>
              <th>recorded</th>
              <th>images</th>
              <th>changes</th>
            </tr>
          </thead>
          <tbody>${[...h.entries].reverse().map((e) =>
            html`
              <tr class=${e.current ? "current" : ""}>
                <td>${e.revision ?? "live"} ${e.current
                  ? html`<${Badge} tone="ok">current<//>`
                  : ""}</td>
                <td>${e.changeCause ?? ""}${e.rolloutOutcome
                  ? html`<div class="dim">${e.rolloutOutcome}</div>`
                  : ""}</td>
                <td>${e.createdBy ?? ""}</td>
                <td>${e.recordedAt ?? ""}</td>
                <td class="mono small">${e.images.join(", ")}</td>
                <td>${e.changes.join("; ")}</td>
              </tr>
            `
          )}</tbody>
        </table>
        <${Diff} ns=${ns} name=${name} entries=${h.entries} />
      `
      : html`<p class="dim">loading...</p>`
  }
    </div>
  </section>`;
}
