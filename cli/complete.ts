/**
 * Shell completion over the commander tree, in Cobra's `__complete` format,
 * so that both our own shell scripts and kubectl's plugin completion
 * (`kubectl_complete-grove`, kubectl >= 1.26) can use it.
 *
 * Output: one candidate per line (`value<TAB>description`), then a directive
 * line `:<n>` (Cobra ShellCompDirective: 4 = no file completion, 0 = default).
 *
 * @module
 */

import type { CommandUnknownOpts, Option } from "../lib/deps.ts";

/** Cobra shell completion directives. */
export const Directive = { DEFAULT: 0, ERROR: 1, NO_SPACE: 2, NO_FILE_COMP: 4 } as const;

/** Completion candidates and the directive for the shell. */
export interface Completion {
  /** Candidates, each `value` or `value\tdescription`. */
  candidates: string[];
  /** Cobra directive. */
  directive: number;
}

/** Where dynamic candidates come from (the cluster, the kubeconfig). */
export interface CompletionSources {
  /** PodCliqueSet names in the namespace (`-n` if given). */
  podCliqueSets?(namespace?: string): Promise<string[]>;
  /** Role names (clique roles) of a PodCliqueSet. */
  roles?(pcs: string, namespace?: string): Promise<string[]>;
  /** Namespaces. */
  namespaces?(): Promise<string[]>;
  /** kubeconfig context names. */
  contexts?(): Promise<string[]>;
}

function optionTakesValue(o: Option): boolean {
  return o.required || o.optional;
}

function findOption(cmds: CommandUnknownOpts[], flag: string): Option | undefined {
  const name = flag.split("=")[0];
  for (const c of [...cmds].reverse()) {
    const o = (c.options as readonly Option[]).find((x) => x.short === name || x.long === name);
    if (o) return o;
  }
  return undefined;
}

async function safely(fn: (() => Promise<string[]>) | undefined): Promise<string[]> {
  if (!fn) return [];
  try {
    return await fn();
  } catch {
    return [];
  }
}

/**
 * Completes the word `toComplete` after `args` (the words already typed after
 * the program name).
 *
 * @example
 * ```ts
 * import { complete } from "./complete.ts";
 * // const c = await complete(program, ["stat"], "");  // -> status ...
 * ```
 */
export async function complete(
  root: CommandUnknownOpts,
  args: string[],
  toComplete: string,
  sources: CompletionSources = {},
): Promise<Completion> {
  const chain: CommandUnknownOpts[] = [root];
  const positionals: string[] = [];
  let namespace: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") break;
    if (a.startsWith("-")) {
      const o = findOption(chain, a);
      if (
        o && optionTakesValue(o) && !a.includes("=") &&
        !(a.startsWith("-") && !a.startsWith("--") && a.length > 2)
      ) {
        const v = args[i + 1];
        if (o.long === "--namespace") namespace = v;
        i++;
      } else if (a.startsWith("--namespace=")) namespace = a.slice("--namespace=".length);
      continue;
    }
    const current = chain[chain.length - 1];
    const sub = current.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (sub && positionals.length === 0) chain.push(sub);
    else positionals.push(a);
  }
  const cmd = chain[chain.length - 1];
  const noFiles = Directive.NO_FILE_COMP;
  const prev = args[args.length - 1];

  // value of a flag: `--output <TAB>`
  const prevOpt = prev?.startsWith("-") && !prev.includes("=")
    ? findOption(chain, prev)
    : undefined;
  if (prevOpt && optionTakesValue(prevOpt)) {
    return {
      candidates: (await flagValues(prevOpt, positionals, namespace, sources)).filter((v) =>
        v.startsWith(toComplete)
      ),
      directive: flagDirective(prevOpt),
    };
  }
  if (toComplete.startsWith("-")) {
    const eq = toComplete.indexOf("=");
    if (eq > 0) {
      const o = findOption(chain, toComplete.slice(0, eq));
      if (o && optionTakesValue(o)) {
        const vals = await flagValues(o, positionals, namespace, sources);
        return {
          candidates: vals.map((v) => `${toComplete.slice(0, eq + 1)}${v}`).filter((v) =>
            v.startsWith(toComplete)
          ),
          directive: noFiles,
        };
      }
    }
    const flags: string[] = [];
    for (const c of chain) {
      for (const o of c.options as readonly Option[]) {
        if (o.hidden) continue;
        if (o.long) flags.push(`${o.long}\t${o.description}`);
      }
    }
    flags.push("--help\tshow help");
    return { candidates: flags.filter((f) => f.startsWith(toComplete)), directive: noFiles };
  }
  // a subcommand
  const subs = cmd.commands.filter((c) => c.name() !== "help" && !c.name().startsWith("__"));
  if (subs.length && positionals.length === 0) {
    return {
      candidates: subs.map((c) => `${c.name()}\t${c.description()}`).filter((s) =>
        s.startsWith(toComplete)
      ),
      directive: noFiles,
    };
  }
  // a positional argument: the first one is a PodCliqueSet for commands that take one
  const argDefs = cmd.registeredArguments;
  const def = argDefs[positionals.length];
  if (def && /pcs|podcliqueset/i.test(def.name())) {
    const names = await safely(sources.podCliqueSets && (() => sources.podCliqueSets!(namespace)));
    return { candidates: names.filter((n) => n.startsWith(toComplete)), directive: noFiles };
  }
  return { candidates: [], directive: def ? Directive.DEFAULT : noFiles };
}

function flagDirective(o: Option): number {
  return /file|path|dir|bundle|kubeconfig/i.test(`${o.long} ${o.flags}`)
    ? Directive.DEFAULT
    : Directive.NO_FILE_COMP;
}

function flagValues(
  o: Option,
  positionals: string[],
  namespace: string | undefined,
  sources: CompletionSources,
): Promise<string[]> {
  if (o.argChoices?.length) return Promise.resolve([...o.argChoices]);
  switch (o.long) {
    case "--namespace":
      return safely(sources.namespaces);
    case "--context":
      return safely(sources.contexts);
    case "--role":
      return positionals[0]
        ? safely(sources.roles && (() => sources.roles!(positionals[0], namespace)))
        : Promise.resolve([]);
    default:
      return Promise.resolve([]);
  }
}

/** Formats a completion in Cobra's wire format. */
export function formatCompletion(c: Completion): string {
  return c.candidates.map((x) => x + "\n").join("") + `:${c.directive}\n`;
}
