// Shared helpers of the dashboard's frontend: preact + htm, the live
// state store (one EventSource per tab), fetch helpers, formatting.

import { h } from "npm:preact@10.27.2";
import { useEffect, useRef, useState } from "npm:preact@10.27.2/hooks";
import htm from "npm:htm@3.1.1";

export const html = htm.bind(h);

/** The live store: the server's DashboardState plus connection status. */
export const store = {
  state: null,
  connection: "connecting",
  /** Browser clock minus server clock, ms (countdowns use server time). */
  skewMs: 0,
  /** Local time the latest state arrived. */
  receivedAt: 0,
  listeners: new Set(),
  set(patch) {
    Object.assign(this, patch);
    for (const l of this.listeners) l();
  },
};

export function connect() {
  const es = new EventSource("/api/events");
  es.addEventListener("state", (ev) => {
    const state = JSON.parse(ev.data);
    const now = Date.now();
    store.set({
      state,
      connection: state.freshness.stale ? "stale" : "live",
      skewMs: now - Date.parse(state.generatedAt),
      receivedAt: now,
    });
    globalThis.__groveSequence = state.freshness.sequence;
  });
  es.onerror = () => store.set({ connection: "reconnecting" });
  es.onopen = () => store.set({ connection: store.state ? "live" : "connecting" });
  return es;
}

/** Re-renders on every store change. */
export function useStore() {
  const [, force] = useState(0);
  useEffect(() => {
    const l = () => force((n) => n + 1);
    store.listeners.add(l);
    return () => store.listeners.delete(l);
  }, []);
  return store;
}

/** Re-renders every `ms` (countdowns tick in the browser, no requests). */
export function useTick(ms = 1000) {
  const [, force] = useState(0);
  useEffect(() => {
    const t = setInterval(() => force((n) => n + 1), ms);
    return () => clearInterval(t);
  }, [ms]);
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error ?? `HTTP ${status}`);
    this.status = status;
    this.hint = body?.hint;
  }
}

export async function api(path, init) {
  const res = await fetch(path, { credentials: "same-origin", ...init });
  const type = res.headers.get("content-type") ?? "";
  const body = type.includes("json") ? await res.json() : await res.text();
  if (!res.ok) throw new ApiError(res.status, typeof body === "string" ? { error: body } : body);
  return body;
}

export function postAction(req) {
  return api("/api/actions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(req),
  });
}

/**
 * Fetches `path` now and again whenever the shared state's sequence changes
 * (at most every `minMs`), or every `everyMs` when given.
 */
export function useFetch(path, { everyMs, minMs = 1000 } = {}) {
  const s = useStore();
  const seq = s.state?.freshness.sequence;
  const [res, setRes] = useState({ loading: true });
  const last = useRef({ path: null, at: 0, timer: null });
  useEffect(() => {
    if (!path) return;
    let dead = false;
    const load = () => {
      last.current.at = Date.now();
      api(path).then(
        (data) => !dead && setRes({ data }),
        (error) => !dead && setRes((r) => ({ data: r.data, error })),
      );
    };
    const since = Date.now() - last.current.at;
    if (last.current.path !== path) {
      last.current.path = path;
      setRes({ loading: true });
      load();
    } else if (!everyMs) {
      clearTimeout(last.current.timer);
      last.current.timer = setTimeout(load, Math.max(0, minMs - since));
    }
    let iv;
    if (everyMs) iv = setInterval(load, everyMs);
    return () => {
      dead = true;
      clearInterval(iv);
    };
  }, [path, everyMs ? 0 : seq]);
  return res;
}

/** Remaining ms to an RFC 3339 deadline, on the server's clock. */
export function remaining(deadline) {
  return Date.parse(deadline) - (Date.now() - store.skewMs);
}

export function fmtCountdown(ms) {
  if (ms <= 0) return "expired";
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (n) => String(n).padStart(2, "0");
  return h > 0 ? `${h}h${pad(m)}m${pad(sec)}s` : `${m}m${pad(sec)}s`;
}

export function fmtMs(v) {
  if (v === null || v === undefined) return "-";
  return v >= 1000 ? `${(v / 1000).toFixed(2)}s` : `${v.toFixed(v < 10 ? 1 : 0)}ms`;
}

export function fmtNum(v, digits = 1) {
  if (v === null || v === undefined) return "-";
  return v >= 100 ? Math.round(v).toLocaleString("en-US") : v.toFixed(digits);
}

export function fmtScore(v) {
  return v === null || v === undefined ? "-" : v.toFixed(2);
}

export function scoreTone(v) {
  if (v === null || v === undefined) return "";
  return v < 0.5 ? "bad" : v < 0.8 ? "warn" : "ok";
}

export function stateTone(s) {
  if (/^(Ready|Healthy|Running|ok|complete)/i.test(s)) return "ok";
  if (/^(Degraded|Pending|Updating|Paused|warn|ContainerCreating)/i.test(s)) return "warn";
  return "bad";
}

export function Badge({ tone, children, title, testid }) {
  return html`<span class=${`badge ${
    tone ?? ""
  }`} title=${title} data-testid=${testid}>${children}</span>`;
}

export function Bar({ value, max, min, tone }) {
  const pct = max > 0 ? Math.min(100, (value / max) * 100) : 0;
  const minPct = max > 0 && min !== undefined ? Math.min(100, (min / max) * 100) : undefined;
  return html`<span class="bar" title=${`${value}/${max}${
    min !== undefined ? `, min ${min}` : ""
  }`}>
    <span class=${`fill ${
    tone ?? (value >= max ? "ok" : min !== undefined && value < min ? "bad" : "warn")
  }`} style=${`width:${pct}%`}></span>
    ${minPct !== undefined ? html`<span class="min" style=${`left:${minPct}%`}></span>` : null}
  </span>`;
}

export function Countdown({ deadline }) {
  useTick(1000);
  const ms = remaining(deadline);
  return html`<span class=${`countdown ${
    ms < 300_000 ? "bad" : "warn"
  }`} data-testid="countdown" data-deadline=${deadline}>${fmtCountdown(ms)}</span>`;
}

export function ErrorBox({ error }) {
  if (!error) return null;
  return html`<div class="error" role="alert">${error.message}${
    error.hint ? html`<div class="hint">hint: ${error.hint}</div>` : null
  }</div>`;
}

export function navigate(hash) {
  if (location.hash !== hash) location.hash = hash;
}

export function setLink(view, ns, name) {
  return `#/${view}/${encodeURIComponent(ns)}/${encodeURIComponent(name)}`;
}
