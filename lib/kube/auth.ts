/**
 * The credentials of one kubeconfig user as request headers and a client
 * certificate: exec plugin > token file (re-read every minute) > token >
 * basic auth, plus client certificates (the exec plugin's win).
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import {
  type ExecCredential,
  getExecCredential,
  invalidateExecCredential,
} from "./exec_credential.ts";
import type { ResolvedConfig } from "./kubeconfig.ts";

/** Headers and TLS client identity for the next request. */
export interface AuthState {
  /** `Authorization` and impersonation headers. */
  headers: Record<string, string>;
  /** Client certificate, PEM. */
  cert?: string;
  /** Client key, PEM. */
  key?: string;
}

const TOKEN_FILE_TTL_MS = 60_000;

/** Supplies credentials for requests and refreshes them after a 401. */
export class Credentials {
  #cfg: ResolvedConfig;
  #now: () => number;
  #stdinIsTerminal?: boolean;
  #fileToken?: { token: string; readAt: number };

  /** Builds the credentials of a resolved context. */
  constructor(cfg: ResolvedConfig, opts: { now?: () => number; stdinIsTerminal?: boolean } = {}) {
    this.#cfg = cfg;
    this.#now = opts.now ?? Date.now;
    this.#stdinIsTerminal = opts.stdinIsTerminal;
  }

  /** What kind of credential this user has, for messages ("token", "client certificate", ...). */
  get kind(): string {
    const u = this.#cfg.user;
    if (u.exec) return `exec plugin "${u.exec.command}"`;
    if (u.tokenFile) return `token file "${u.tokenFile}"`;
    if (u.token) return "token";
    if (u.clientCertificate) return "client certificate";
    if (u.username) return "basic auth";
    return "no credentials";
  }

  /** True when a credential can be refreshed (exec plugin or token file). */
  get refreshable(): boolean {
    return !!(this.#cfg.user.exec || this.#cfg.user.tokenFile);
  }

  /** The credentials for the next request. */
  async current(): Promise<AuthState> {
    const u = this.#cfg.user;
    const headers: Record<string, string> = {};
    let cert = u.clientCertificate;
    let key = u.clientKey;
    let token: string | undefined;
    if (u.exec) {
      const cred: ExecCredential = await getExecCredential(u.exec, {
        cluster: this.#cfg.cluster,
        stdinIsTerminal: this.#stdinIsTerminal,
        now: this.#now,
      });
      if (cred.token) token = cred.token;
      if (cred.clientCertificate) {
        cert = cred.clientCertificate;
        key = cred.clientKey;
      }
    }
    if (!token && u.tokenFile) token = this.#readTokenFile(u.tokenFile);
    if (!token && u.token) token = u.token;
    if (token) headers.Authorization = `Bearer ${token}`;
    else if (u.username !== undefined) {
      headers.Authorization = `Basic ${btoa(`${u.username}:${u.password ?? ""}`)}`;
    }
    if (u.impersonate?.user) headers["Impersonate-User"] = u.impersonate.user;
    // Several groups need repeated headers; fetch joins them with ", " which the API server splits.
    if (u.impersonate?.groups?.length) {
      headers["Impersonate-Group"] = u.impersonate.groups.join(", ");
    }
    return { headers, cert, key };
  }

  /** Drops cached credentials after a 401; true when asking again may help. */
  invalidate(): boolean {
    const u = this.#cfg.user;
    if (u.exec) invalidateExecCredential(u.exec, this.#cfg.cluster);
    this.#fileToken = undefined;
    return this.refreshable;
  }

  #readTokenFile(path: string): string {
    const now = this.#now();
    if (this.#fileToken && now - this.#fileToken.readAt < TOKEN_FILE_TTL_MS) {
      return this.#fileToken.token;
    }
    let token: string;
    try {
      token = Deno.readTextFileSync(path).trim();
    } catch (e) {
      throw new ConfigError(
        `cannot read token file "${path}" of context "${this.#cfg.contextName}"`,
        {
          hint: this.#cfg.inCluster
            ? "is the service account token mounted in this pod?"
            : "fix tokenFile in the kubeconfig (relative paths are relative to the kubeconfig file)",
          cause: e,
        },
      );
    }
    if (!token) {
      throw new ConfigError(`token file "${path}" of context "${this.#cfg.contextName}" is empty`);
    }
    this.#fileToken = { token, readAt: now };
    return token;
  }
}
