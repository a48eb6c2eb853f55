/**
 * What keeps a local web app local: only this machine's names for this port are answered (a DNS-rebinding page
 * sends its own Host), a random access token printed at start is exchanged for an HttpOnly SameSite=Strict
 * cookie, every state-changing request carries a CSRF token and an Origin of this app, and every response
 * carries a Content-Security-Policy that allows nothing but this app's own files.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";

export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

export interface Secrets {
  /** the access token in the printed URL */
  token: string;
  /** signs CSRF tokens; lives as long as the process */
  key: Buffer;
}

export const newSecrets = (): Secrets => ({ token: randomBytes(24).toString("base64url"), key: randomBytes(32) });

export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Cookies are shared by every port of a host, so the names carry the port: two apps never mix. */
export const authCookie = (port: number) => `trivsel_auth_${port}`;
export const nameCookie = (port: number) => `trivsel_name_${port}`;

/** The cookie holds a value derived from the token, so the token itself is not stored in the browser. */
export const authValue = (s: Secrets) => createHmac("sha256", s.key).update(`auth:${s.token}`).digest("base64url");
export const csrfToken = (s: Secrets) => createHmac("sha256", s.key).update(`csrf:${s.token}`).digest("base64url");

export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export interface SecurityOptions {
  secrets: Secrets;
  port: () => number;
  /** the page shown to a browser without a valid cookie (the token link is needed) */
  refuse: (status: 401 | 403 | 400, kind: "token" | "host" | "origin" | "csrf") => Response | Promise<Response>;
}

const SAFE = new Set(["GET", "HEAD"]);

export function security(opts: SecurityOptions): MiddlewareHandler {
  return async (c, next) => {
    const port = opts.port();
    const hosts = allowedHosts(port);
    const host = c.req.header("host") ?? "";
    if (!hosts.has(host.toLowerCase())) return headers(await opts.refuse(400, "host"));
    if (!SAFE.has(c.req.method)) {
      const origin = c.req.header("origin");
      // browsers send Origin on every cross-site and same-site POST; a request without one is refused too
      if (!origin || !hosts.has(origin.toLowerCase().replace(/^http:\/\//, "")) || !origin.toLowerCase().startsWith("http://")) return headers(await opts.refuse(403, "origin"));
    }
    const url = new URL(c.req.url);
    const token = url.searchParams.get("token");
    if (token !== null && SAFE.has(c.req.method)) {
      if (!sameText(token, opts.secrets.token)) return headers(await opts.refuse(401, "token"));
      setCookie(c, authCookie(port), authValue(opts.secrets), { httpOnly: true, sameSite: "Strict", path: "/" });
      url.searchParams.delete("token");
      // the token leaves the address bar (and the history) at once
      return headers(c.redirect(url.pathname + (url.search || ""), 303));
    }
    const cookie = getCookie(c, authCookie(port));
    if (url.pathname.startsWith("/static/")) {
      await next();
      return headers(c.res);
    }
    if (!cookie || !sameText(cookie, authValue(opts.secrets))) return headers(await opts.refuse(401, "token"));
    await next();
    return headers(c.res);
  };
}

/** The CSRF field of a parsed form body, checked against this process's token. */
export function csrfOk(secrets: Secrets, body: Record<string, unknown>): boolean {
  const v = body._csrf;
  return typeof v === "string" && sameText(v, csrfToken(secrets));
}

function headers(res: Response): Response {
  const h = res.headers;
  h.set("Content-Security-Policy", CSP);
  h.set("X-Content-Type-Options", "nosniff");
  h.set("X-Frame-Options", "DENY");
  // not no-referrer: with it, browsers send "Origin: null" on form posts and the Origin check could not pass
  h.set("Referrer-Policy", "same-origin");
  h.set("Cross-Origin-Opener-Policy", "same-origin");
  h.set("Cross-Origin-Resource-Policy", "same-origin");
  h.set("Cache-Control", "no-store");
  return res;
}
