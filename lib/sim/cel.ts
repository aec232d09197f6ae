/**
 * A tiny evaluator for the subset of CEL that Grove's CRD validation rules
 * use: `has(x.y)`, `!`, `&&`, `||`, parentheses, `list.all(v, expr)`,
 * `oldSelf.hasValue()`, field access and `true`/`false`. Rules outside the
 * subset evaluate to undefined (not checked).
 *
 * @module
 */

// deno-lint-ignore no-explicit-any
type Json = any;

type Tok = { t: "id" | "op"; v: string };

function lex(src: string): Tok[] | undefined {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (two === "&&" || two === "||") {
      out.push({ t: "op", v: two });
      i += 2;
      continue;
    }
    if ("!().,".includes(c)) {
      out.push({ t: "op", v: c });
      i++;
      continue;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (!m) return undefined;
    out.push({ t: "id", v: m[0] });
    i += m[0].length;
  }
  return out;
}

const ABSENT = Symbol("absent");

class Parser {
  #toks: Tok[];
  #i = 0;
  #env: Map<string, Json>;
  constructor(toks: Tok[], env: Map<string, Json>) {
    this.#toks = toks;
    this.#env = env;
  }
  #peek(v?: string): boolean {
    const t = this.#toks[this.#i];
    return !!t && (v === undefined || t.v === v);
  }
  #eat(v: string): void {
    if (!this.#peek(v)) throw new Error(`expected ${v}`);
    this.#i++;
  }
  done(): boolean {
    return this.#i >= this.#toks.length;
  }
  // Each parse method returns a thunk so that short-circuit evaluation and lambdas work.
  expr(): (env: Map<string, Json>) => Json {
    let left = this.and();
    while (this.#peek("||")) {
      this.#i++;
      const l = left, r = this.and();
      left = (env) => l(env) === true || r(env) === true;
    }
    return left;
  }
  and(): (env: Map<string, Json>) => Json {
    let left = this.unary();
    while (this.#peek("&&")) {
      this.#i++;
      const l = left, r = this.unary();
      left = (env) => l(env) === true && r(env) === true;
    }
    return left;
  }
  unary(): (env: Map<string, Json>) => Json {
    if (this.#peek("!")) {
      this.#i++;
      const u = this.unary();
      return (env) => !(u(env) === true);
    }
    return this.primary();
  }
  primary(): (env: Map<string, Json>) => Json {
    if (this.#peek("(")) {
      this.#i++;
      const e = this.expr();
      this.#eat(")");
      return e;
    }
    if (this.#peek("has")) {
      this.#i++;
      this.#eat("(");
      const path = this.#path();
      this.#eat(")");
      return (env) => {
        const v = resolve(env, path);
        return v !== ABSENT && v !== undefined && v !== null;
      };
    }
    const t = this.#toks[this.#i];
    if (!t || t.t !== "id") throw new Error("expected identifier");
    if (t.v === "true" || t.v === "false") {
      this.#i++;
      return () => t.v === "true";
    }
    const path = this.#path();
    if (this.#peek("(")) {
      // method call: last path element is the method
      const method = path.pop()!;
      this.#i++;
      if (method === "hasValue") {
        this.#eat(")");
        return (env) => {
          const v = resolve(env, path);
          return v !== ABSENT && v !== undefined;
        };
      }
      if (method === "all" || method === "exists") {
        const varTok = this.#toks[this.#i++];
        if (!varTok || varTok.t !== "id") throw new Error("expected variable");
        this.#eat(",");
        const body = this.expr();
        this.#eat(")");
        return (env) => {
          const list = resolve(env, path);
          if (!Array.isArray(list)) return method === "all";
          const test = (x: Json) => body(new Map([...env, [varTok.v, x]])) === true;
          return method === "all" ? list.every(test) : list.some(test);
        };
      }
      throw new Error(`unsupported method ${method}`);
    }
    return (env) => {
      const v = resolve(env, path);
      return v === ABSENT ? undefined : v;
    };
  }
  #path(): string[] {
    const parts: string[] = [];
    const first = this.#toks[this.#i++];
    if (!first || first.t !== "id") throw new Error("expected identifier");
    parts.push(first.v);
    while (this.#peek(".")) {
      this.#i++;
      const n = this.#toks[this.#i++];
      if (!n || n.t !== "id") throw new Error("expected field");
      parts.push(n.v);
    }
    return parts;
  }
  get env(): Map<string, Json> {
    return this.#env;
  }
}

function resolve(env: Map<string, Json>, path: string[]): Json {
  if (!env.has(path[0])) throw new Error(`unknown variable ${path[0]}`);
  let cur = env.get(path[0]);
  for (const p of path.slice(1)) {
    if (cur === ABSENT || cur === null || typeof cur !== "object") return ABSENT;
    if (!(p in cur)) return ABSENT;
    cur = cur[p];
  }
  return cur;
}

const compiled = new Map<string, ((env: Map<string, Json>) => Json) | null>();

/**
 * Evaluates a rule against `self` (and `oldSelf` on updates). Returns true or
 * false, or undefined when the rule is outside the supported subset or does
 * not apply (a transition rule on a create).
 */
export function evalCelRule(
  rule: string,
  self: Json,
  oldSelf: Json,
  isUpdate: boolean,
): boolean | undefined {
  let fn = compiled.get(rule);
  if (fn === undefined) {
    fn = null;
    const toks = lex(rule);
    if (toks) {
      try {
        const p = new Parser(toks, new Map());
        const f = p.expr();
        if (p.done()) fn = f;
      } catch {
        fn = null;
      }
    }
    compiled.set(rule, fn);
  }
  if (!fn) return undefined;
  const env = new Map<string, Json>([["self", self]]);
  env.set("oldSelf", isUpdate && oldSelf !== undefined ? oldSelf : ABSENT);
  try {
    const v = fn(env);
    return typeof v === "boolean" ? v : undefined;
  } catch {
    return undefined;
  }
}
