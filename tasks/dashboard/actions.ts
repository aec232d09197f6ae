/**
 * The Rollouts view's actions: pause, resume, undo, restart, promote and
 * abort, through the same task functions the CLI's commands call (same
 * preconditions, server dry-run, revisions recorded). A request with
 * `dryRun` returns the preview the CLI's `--dry-run` prints; the browser
 * shows it and asks, then sends the same request without `dryRun`.
 * Quick changes answer when done; restart, promote, abort and a progressive
 * resume wait for pods batch by batch, so they run as jobs whose progress
 * every tab sees.
 *
 * @module
 */

import { GroveError, UsageError } from "../../lib/errors.ts";
import type { Kube } from "../../lib/kube/types.ts";
import { getPcs } from "../../lib/change/pcs.ts";
import { pause, resume } from "../rollout/pause.ts";
import { undo } from "../rollout/undo.ts";
import { renderRestartPlan } from "../restart/render.ts";
import { restart } from "../restart/run.ts";
import { describeState, readState } from "../progressive/state.ts";
import {
  abortProgressive,
  type ProgressiveCommonOptions,
  type ProgressiveResult,
  promote,
  resumeProgressive,
} from "../progressive/run.ts";
import { renderResult } from "../progressive/render.ts";

/** Actions the dashboard offers. */
export const ACTIONS = ["pause", "resume", "undo", "restart", "promote", "abort"] as const;
/** One of {@link ACTIONS}. */
export type ActionName = typeof ACTIONS[number];

/** A request from the browser. */
export interface ActionRequest {
  /** What to do. */
  action: ActionName;
  /** Namespace of the PodCliqueSet. */
  namespace: string;
  /** PodCliqueSet. */
  name: string;
  /** Preview only (the CLI's `--dry-run`). */
  dryRun: boolean;
  /** undo: the revision to restore (default: the previous one). */
  revision?: number;
  /** restart: only this role. */
  role?: string;
}

/** The answer to a request. */
export interface ActionResponse {
  /** The request. */
  request: ActionRequest;
  /** The same action on the command line. */
  command: string;
  /** What happened: previewed, done, nothing to do, or started as a job. */
  outcome: "preview" | "done" | "no-change" | "started";
  /** One line for humans. */
  message: string;
  /** The preview text (strategy change, diff, batches, rollout state). */
  preview?: string;
  /** The question the CLI asks before the change. */
  question?: string;
  /** The job, when one was started. */
  job?: ActionJob;
}

/** A long action running in the background. */
export interface ActionJob {
  /** Job number. */
  id: number;
  /** The request. */
  request: ActionRequest;
  /** The same action on the command line. */
  command: string;
  /** running, done or failed. */
  state: "running" | "done" | "failed";
  /** Started (RFC 3339). */
  startedAt: string;
  /** Finished (RFC 3339). */
  finishedAt?: string;
  /** Progress or outcome, one line. */
  message: string;
  /** Full result text when finished. */
  detail?: string;
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * Checks a request body. Throws a {@link UsageError} naming the bad field.
 *
 * @example
 * ```ts
 * import { parseActionRequest } from "./actions.ts";
 * parseActionRequest({ action: "pause", namespace: "inference", name: "llm", dryRun: true });
 * ```
 */
export function parseActionRequest(body: unknown): ActionRequest {
  if (!body || typeof body !== "object") {
    throw new UsageError("the action request must be a JSON object");
  }
  const b = body as Record<string, unknown>;
  if (!ACTIONS.includes(b.action as ActionName)) {
    throw new UsageError(
      `unknown action ${JSON.stringify(b.action)}`,
      `use one of: ${ACTIONS.join(", ")}`,
    );
  }
  for (const f of ["namespace", "name"]) {
    if (typeof b[f] !== "string" || !NAME.test(b[f] as string)) {
      throw new UsageError(`action ${b.action}: "${f}" must be a Kubernetes object name`);
    }
  }
  if (b.dryRun !== undefined && typeof b.dryRun !== "boolean") {
    throw new UsageError(`action ${b.action}: "dryRun" must be true or false`);
  }
  if (
    b.revision !== undefined &&
    (typeof b.revision !== "number" || !Number.isInteger(b.revision) || b.revision < 1)
  ) {
    throw new UsageError(`action ${b.action}: "revision" must be a revision number (1, 2, ...)`);
  }
  if (b.role !== undefined && (typeof b.role !== "string" || !NAME.test(b.role))) {
    throw new UsageError(`action ${b.action}: "role" must be a role name`);
  }
  return {
    action: b.action as ActionName,
    namespace: b.namespace as string,
    name: b.name as string,
    dryRun: b.dryRun === true,
    ...(b.revision !== undefined ? { revision: b.revision as number } : {}),
    ...(b.role !== undefined ? { role: b.role as string } : {}),
  };
}

/** The CLI command doing the same. Pure. */
export function cliCommand(r: ActionRequest): string {
  const tail = ` -n ${r.namespace}${r.dryRun ? " --dry-run" : ""}`;
  switch (r.action) {
    case "restart":
      return `kubectl grove restart ${r.name}${r.role ? ` --role ${r.role}` : ""}${tail}`;
    case "undo":
      return `kubectl grove rollout undo ${r.name}${
        r.revision !== undefined ? ` --to-revision ${r.revision}` : ""
      }${tail}`;
    case "promote":
    case "abort":
      return `kubectl grove rollout ${r.action} ${r.name} -n ${r.namespace}`;
    default:
      return `kubectl grove rollout ${r.action} ${r.name}${tail}`;
  }
}

/** Settings the CLI's commands take from flags and config. */
export interface ActionSettings {
  /** Who makes the change (`$USER@context`). */
  createdBy: string;
  /** Revisions kept (`rollout.history_limit`). */
  historyLimit: number;
  /** Scrape settings for progressive gates. */
  scrape: { timeoutMs: number; fallbackPort?: number };
  /** Stops running jobs when the dashboard stops. */
  signal?: AbortSignal;
  /** Poll interval of restart and progressive steps, ms (default: theirs, 2 s). */
  pollMs?: number;
}

/** Runs actions and keeps their jobs. */
export class ActionRunner {
  readonly #kube: Kube;
  readonly #s: ActionSettings;
  readonly #jobs: ActionJob[] = [];
  #next = 1;
  /** Called when a job starts, progresses or ends. */
  onChange: () => void = () => {};

  /** Over a connected client. */
  constructor(kube: Kube, s: ActionSettings) {
    this.#kube = kube;
    this.#s = s;
  }

  /** The last jobs, newest first. */
  get jobs(): ActionJob[] {
    return [...this.#jobs].reverse();
  }

  /** Jobs still running (the dashboard waits for none; they stop with it). */
  get running(): number {
    return this.#jobs.filter((j) => j.state === "running").length;
  }

  /** Previews or performs one action. */
  async run(r: ActionRequest): Promise<ActionResponse> {
    const kube = this.#kube;
    const command = cliCommand(r);
    const base = { request: r, command };
    const target = `podcliqueset ${r.namespace}/${r.name}`;
    switch (r.action) {
      case "pause":
      case "resume": {
        const pausing = r.action === "pause";
        if (!pausing && await this.#progressive(r)) return await this.#progressiveStep(r, "resume");
        const res = await (pausing ? pause : resume)(kube, {
          name: r.name,
          namespace: r.namespace,
          dryRun: r.dryRun,
        });
        const verb = pausing ? "paused" : "resumed";
        if (res.skipped === "already") {
          return {
            ...base,
            outcome: "no-change",
            message: `podcliqueset/${r.name} is ${
              pausing ? "already paused" : "not paused"
            }; nothing to do`,
          };
        }
        if (res.skipped === "dry-run") {
          return {
            ...base,
            outcome: "preview",
            message:
              `podcliqueset/${r.name} would be ${verb}: strategy ${res.from} -> ${res.to} (dry run, validated by the server, nothing changed)`,
            preview: `update strategy: ${res.from} -> ${res.to}`,
            question: pausing
              ? `Pause the rollout of ${target} (strategy ${res.from} -> OnDelete)?`
              : `Resume the rollout of ${target} (strategy OnDelete -> ${res.to})?`,
          };
        }
        return {
          ...base,
          outcome: "done",
          message: `podcliqueset/${r.name} ${verb} (strategy ${res.from} -> ${res.to})`,
        };
      }
      case "undo": {
        const res = await undo(kube, {
          name: r.name,
          namespace: r.namespace,
          toRevision: r.revision,
          dryRun: r.dryRun,
          createdBy: this.#s.createdBy,
          historyLimit: this.#s.historyLimit,
        });
        if (res.skipped === "no-change") {
          return {
            ...base,
            outcome: "no-change",
            message:
              `podcliqueset/${r.name} is already at the template of revision ${res.target}; nothing to do`,
          };
        }
        if (res.skipped === "dry-run") {
          return {
            ...base,
            outcome: "preview",
            message:
              `podcliqueset/${r.name} would roll back to revision ${res.target} (dry run: validated by the server, nothing changed)`,
            preview: res.diff,
            question: `Roll back ${target} to revision ${res.target}?`,
          };
        }
        return {
          ...base,
          outcome: "done",
          message: `podcliqueset/${r.name} rolled back to revision ${res.target}${
            res.revision ? ` (now revision ${res.revision})` : ""
          }`,
        };
      }
      case "restart": {
        if (r.dryRun) {
          const res = await restart(kube, {
            name: r.name,
            namespace: r.namespace,
            role: r.role,
            dryRun: true,
          });
          return {
            ...base,
            outcome: "preview",
            message:
              `${res.plan.total} pods would be restarted in ${res.plan.batches.length} batches`,
            preview: renderRestartPlan(res.plan),
            question: `Restart ${res.plan.total} pods of ${target}?`,
          };
        }
        return this.#start(r, command, async (job) => {
          const res = await restart(kube, {
            name: r.name,
            namespace: r.namespace,
            role: r.role,
            signal: this.#s.signal,
            intervalMs: this.#s.pollMs,
            onBatch: (i, plan) => {
              job.message = `batch ${i + 1}/${plan.batches.length} ready`;
              this.onChange();
            },
          });
          return {
            message: res.skipped === "aborted"
              ? `stopped after ${res.completedBatches} batches`
              : `${res.plan.total} pods restarted in ${res.completedBatches} batches`,
            detail: renderRestartPlan(res.plan),
          };
        });
      }
      case "promote":
      case "abort":
        return await this.#progressiveStep(r, r.action);
    }
  }

  async #progressive(r: ActionRequest): Promise<boolean> {
    const pcs = await getPcs(this.#kube, r.namespace, r.name);
    return readState(pcs) !== undefined;
  }

  async #progressiveStep(
    r: ActionRequest,
    step: "promote" | "abort" | "resume",
  ): Promise<ActionResponse> {
    const command = cliCommand({ ...r, dryRun: false });
    const pcs = await getPcs(this.#kube, r.namespace, r.name);
    const state = readState(pcs);
    if (!state) {
      throw new GroveError(
        `podcliqueset "${r.name}" has no progressive rollout to ${step}`,
        {
          hint:
            `start one with: kubectl grove rollout canary ${r.name} --image <image> -n ${r.namespace}`,
        },
      );
    }
    const target = `podcliqueset ${r.namespace}/${r.name}`;
    const question = step === "promote"
      ? `Promote the rollout of ${target} to every pod?`
      : step === "abort"
      ? `Abort the rollout of ${target} and restore the previous template?`
      : `Continue the rollout of ${target}?`;
    if (r.dryRun) {
      return {
        request: r,
        command,
        outcome: "preview",
        message: `rollout: ${describeState(state)}`,
        preview: `rollout: ${describeState(state)}`,
        question,
      };
    }
    const common: ProgressiveCommonOptions = {
      name: r.name,
      namespace: r.namespace,
      createdBy: this.#s.createdBy,
      historyLimit: this.#s.historyLimit,
      scrape: this.#s.scrape,
      signal: this.#s.signal,
      intervalMs: this.#s.pollMs,
    };
    return this.#start(r, command, async (job) => {
      const progress = (line: string) => {
        job.message = line;
        this.onChange();
      };
      const res: ProgressiveResult = step === "promote"
        ? await promote(this.#kube, { ...common, progress })
        : step === "abort"
        ? await abortProgressive(this.#kube, { ...common, progress })
        : await resumeProgressive(this.#kube, { ...common, progress });
      return { message: `${step}: ${res.outcome}`, detail: renderResult(res) };
    });
  }

  #start(
    r: ActionRequest,
    command: string,
    work: (job: ActionJob) => Promise<{ message: string; detail?: string }>,
  ): ActionResponse {
    const job: ActionJob = {
      id: this.#next++,
      request: r,
      command,
      state: "running",
      startedAt: new Date().toISOString(),
      message: "started",
    };
    this.#jobs.push(job);
    if (this.#jobs.length > 20) this.#jobs.shift();
    this.onChange();
    work(job).then(
      (res) => {
        job.state = "done";
        job.message = res.message;
        job.detail = res.detail;
      },
      (e) => {
        job.state = "failed";
        job.message = errorText(e);
      },
    ).finally(() => {
      job.finishedAt = new Date().toISOString();
      this.onChange();
    });
    return {
      request: r,
      command,
      outcome: "started",
      message: `${r.action} of podcliqueset/${r.name} started (job ${job.id})`,
      job,
    };
  }
}

/** An error as one line plus its hint. */
export function errorText(e: unknown): string {
  if (e instanceof GroveError) return e.hint ? `${e.message} (hint: ${e.hint})` : e.message;
  return e instanceof Error ? e.message : String(e);
}
