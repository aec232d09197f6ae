/**
 * The free-form part of `scale`'s command line: the PodCliqueSet name and
 * `--<role>=N` / `--<role> N` for any role, plus `--role <role>=N`. Role
 * names are checked later against the roles the set has. Pure.
 *
 * @module
 */

import { UsageError } from "../../lib/errors.ts";

/** A role count from the command line. */
export interface RoleArg {
  /** Role or clique name as typed. */
  role: string;
  /** The count. */
  replicas: number;
}

/** Parses a count: a whole number >= 0, naming the flag when it is not. */
export function parseRoleCount(flag: string, value: string | undefined): number {
  const v = (value ?? "").trim();
  if (!/^\d+$/.test(v)) {
    throw new UsageError(
      `${flag}: expected a whole number >= 0, got "${value ?? ""}"`,
      "counts are pods per set replica for a clique, group replicas for a scaling group",
    );
  }
  return Number(v);
}

/** Parses one `--role` value `<role>=N`. */
export function parseRoleAssignment(value: string): RoleArg {
  const i = value.indexOf("=");
  if (i <= 0) {
    throw new UsageError(`--role: expected <role>=N, got "${value}"`, "e.g. --role prefill=4");
  }
  const role = value.slice(0, i).trim();
  return { role, replicas: parseRoleCount(`--role ${role}`, value.slice(i + 1)) };
}

/**
 * Splits the operands and unknown options commander left: the first operand
 * is the PodCliqueSet; every `--name=N` or `--name N` is a role count.
 *
 * @example
 * ```ts
 * import { parseScaleArgs } from "./args.ts";
 * parseScaleArgs(["my-llm", "--prefill=4", "--decode", "8"]);
 * // { pcs: "my-llm", roles: [{ role: "prefill", replicas: 4 }, { role: "decode", replicas: 8 }] }
 * ```
 */
export function parseScaleArgs(tokens: string[]): { pcs?: string; roles: RoleArg[] } {
  const roles: RoleArg[] = [];
  let pcs: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.startsWith("--") && t.length > 2) {
      const eq = t.indexOf("=");
      const name = eq > 0 ? t.slice(2, eq) : t.slice(2);
      const value = eq > 0 ? t.slice(eq + 1) : tokens[++i];
      if (eq < 0 && value === undefined) {
        throw new UsageError(
          `--${name} needs a count, e.g. --${name}=2`,
          "run kubectl grove scale --help for the flags",
        );
      }
      roles.push({ role: name, replicas: parseRoleCount(`--${name}`, value) });
    } else if (t.startsWith("-") && t.length > 1 && !/^-\d/.test(t)) {
      throw new UsageError(`unknown option "${t}"`, "run kubectl grove scale --help for the flags");
    } else if (pcs === undefined) {
      pcs = t;
    } else {
      throw new UsageError(
        `unexpected argument "${t}" (the podcliqueset is "${pcs}")`,
        "give counts as --<role>=N",
      );
    }
  }
  return { pcs, roles };
}
