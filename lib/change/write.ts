/**
 * The one way rollout-family commands change a PodCliqueSet: a PUT carrying
 * the resourceVersion read before the preview. A 409 caused only by a status
 * write (the spec and our annotations unchanged) is retried on the fresh
 * object; a real concurrent edit is reported and nothing is changed. After
 * the write, the revisions are recorded.
 *
 * @module
 */

import { sleep } from "../async.ts";
import { ApiError, GroveError } from "../errors.ts";
import type { PodCliqueSet } from "../grove/types.ts";
import { Resources } from "../kube/resources.ts";
import type { Kube } from "../kube/types.ts";
import { fieldChanges } from "../revisions/field_changes.ts";
import { stableStringify } from "../revisions/hash.ts";
import { recordChange } from "../revisions/store.ts";
import { type LastChange, PcsAnnotations } from "../revisions/keys.ts";
import { templateHash } from "../revisions/revision.ts";

/** Options of {@link writePcsChange}. */
export interface WriteChangeOptions {
  /** The PodCliqueSet as read before the preview (its resourceVersion is the precondition). */
  before: PodCliqueSet;
  /** The whole desired object. */
  next: PodCliqueSet;
  /** Change cause recorded with the revision. */
  changeCause?: string;
  /** Who makes the change. */
  createdBy?: string;
  /** Revisions to keep. */
  historyLimit: number;
  /** The clock. */
  now: () => Date;
  /** Mean placement score before the change (recorded on the revision). */
  placementScore?: number;
  /** Record revisions when the template changes (default true). */
  record?: boolean;
  /** Delays between attempts to record the revision (default {@link RECORD_RETRY_DELAYS_MS}). */
  retryDelaysMs?: number[];
}

/** Result of a write. */
export interface WriteChangeResult {
  /** The object as stored. */
  pcs: PodCliqueSet;
  /** The revision now holding the template, when revisions were recorded. */
  revision?: number;
  /** Why the revision could not be recorded (the change itself was applied). */
  recordError?: string;
}

function userView(p: PodCliqueSet): string {
  return stableStringify({ spec: p.spec, annotations: p.metadata.annotations ?? {} });
}

/**
 * Validates the change with the server's dry run (nothing is persisted). A
 * 409 from a status write in between is retried on the fresh
 * resourceVersion: the precondition that matters is checked by the write.
 */
export async function serverDryRun(kube: Kube, next: PodCliqueSet): Promise<PodCliqueSet> {
  const ns = next.metadata.namespace;
  const body = structuredClone(next);
  // status is the operator's: a write of the main resource ignores it, so none is sent
  delete body.status;
  for (let attempt = 0;; attempt++) {
    try {
      return await kube.replace<PodCliqueSet>(Resources.podcliquesets, body, {
        namespace: ns,
        dryRun: true,
      });
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 409 || attempt >= 5) throw e;
      const fresh = await kube.get<PodCliqueSet>(Resources.podcliquesets, next.metadata.name, ns);
      body.metadata.resourceVersion = fresh.metadata.resourceVersion;
    }
  }
}

/** Waits before each retry of a revision recording: 5 attempts over about 3 s. */
export const RECORD_RETRY_DELAYS_MS = [200, 400, 800, 1600];

/** Runs `fn`, again after each delay while a write in it fails with a transient error (5xx, 429). */
async function withRetries<T>(fn: () => Promise<T>, delays: number[]): Promise<T> {
  for (let i = 0;; i++) {
    try {
      return await fn();
    } catch (e) {
      // reads are already retried by the client; a failed write (create, replace) is retried here
      const transient = e instanceof ApiError && (e.status >= 500 || e.status === 429) &&
        !["get", "list", "watch"].includes(e.details.verb);
      if (!transient || i >= delays.length) throw e;
      await sleep(delays[i]);
    }
  }
}

/** Writes the change with a precondition and records revisions. */
export async function writePcsChange(
  kube: Kube,
  opts: WriteChangeOptions,
): Promise<WriteChangeResult> {
  const ns = opts.before.metadata.namespace ?? kube.namespace;
  const name = opts.before.metadata.name;
  const body = structuredClone(opts.next);
  delete body.status; // the operator's; ignored by a write of the main resource
  body.metadata.resourceVersion = opts.before.metadata.resourceVersion;
  const changesTemplate = stableStringify(opts.before.spec?.template) !==
    stableStringify(opts.next.spec?.template);
  if ((opts.record ?? true) && changesTemplate) {
    // the cause travels with the change itself: it survives a failed revision write
    const note: LastChange = {
      hash: templateHash(opts.next.spec.template),
      cause: opts.changeCause,
      by: opts.createdBy,
      at: opts.now().toISOString(),
    };
    body.metadata.annotations = {
      ...body.metadata.annotations,
      [PcsAnnotations.lastChange]: JSON.stringify(note),
    };
  }
  let stored: PodCliqueSet | undefined;
  // A 409 caused by status writes (the operator's) is retried on the fresh
  // object, a few times; a change to spec or annotations is a real conflict.
  for (let attempt = 0; !stored; attempt++) {
    try {
      stored = await kube.replace<PodCliqueSet>(Resources.podcliquesets, body, { namespace: ns });
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 409) throw e;
      const fresh = await kube.get<PodCliqueSet>(Resources.podcliquesets, name, ns);
      if (userView(fresh) !== userView(opts.before)) {
        const changed = fieldChanges(
          { spec: opts.before.spec, annotations: opts.before.metadata.annotations ?? {} },
          { spec: fresh.spec, annotations: fresh.metadata.annotations ?? {} },
        ).map((c) => c.path);
        throw new GroveError(
          `conflict: podcliqueset "${name}" in namespace "${ns}" was changed by someone else since it was read${
            changed.length
              ? ` (${changed.slice(0, 3).join(", ")}${changed.length > 3 ? ", ..." : ""})`
              : ""
          }; nothing was changed`,
          {
            hint: "run the command again to preview the change against the current state",
            cause: e,
          },
        );
      }
      if (attempt >= 5) throw e;
      body.metadata.resourceVersion = fresh.metadata.resourceVersion;
    }
  }
  let revision: number | undefined;
  const changedTemplate = stableStringify(opts.before.spec?.template) !==
    stableStringify(stored.spec?.template);
  if ((opts.record ?? true) && changedTemplate) {
    try {
      // 0: the operator keeps this set's revisions; none recorded by us.
      revision = (await withRetries(() =>
        recordChange(kube, {
          pcs: opts.before,
          before: opts.before.spec.template,
          after: stored!.spec.template,
          limit: opts.historyLimit,
          meta: {
            now: opts.now(),
            changeCause: opts.changeCause,
            createdBy: opts.createdBy,
            placementScore: opts.placementScore,
          },
        }), opts.retryDelaysMs ?? RECORD_RETRY_DELAYS_MS)) || undefined;
    } catch (e) {
      // The change is in; history then shows the live template as unrecorded.
      return { pcs: stored, recordError: (e as Error).message };
    }
  }
  return { pcs: stored, revision };
}
