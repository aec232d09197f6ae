/**
 * The dashboard's session token: random, compared in constant time, taken
 * from the query (first visit), the cookie or an `Authorization: Bearer`
 * header.
 *
 * @module
 */

/** Name of the session cookie. */
export const TOKEN_COOKIE = "grove_dashboard";

/** 32 random bytes as hex. */
export function newToken(): string {
  const b = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/**
 * The token a request carries: `Authorization: Bearer`, then the cookie,
 * then `?token=`.
 *
 * @example
 * ```ts
 * import { tokenFromRequest } from "./token.ts";
 * const req = new Request("http://127.0.0.1:3300/?token=abc");
 * tokenFromRequest(req, new URL(req.url)); // "abc"
 * ```
 */
export function tokenFromRequest(req: Request, url: URL): string | undefined {
  const auth = req.headers.get("authorization");
  if (auth?.startsWith("Bearer ")) return auth.slice(7).trim();
  const cookie = req.headers.get("cookie") ?? "";
  for (const part of cookie.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === TOKEN_COOKIE) return v.join("=");
  }
  return url.searchParams.get("token") ?? undefined;
}

/**
 * True when `given` equals `expected`; the time taken does not depend on
 * where they differ.
 *
 * @example
 * ```ts
 * import { checkToken } from "./token.ts";
 * checkToken("abc", "abc"); // true
 * checkToken(undefined, "abc"); // false
 * ```
 */
export function checkToken(given: string | undefined, expected: string): boolean {
  if (given === undefined || given.length !== expected.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= given.charCodeAt(i) ^ expected.charCodeAt(i);
  return diff === 0;
}
