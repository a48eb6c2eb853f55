// The app as a child process (`node dist/cli.js app`), and a small HTTP client over loopback that controls
// every header (fetch would not let a test send a foreign Host).
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { CLI, ROOT } from "../helpers/cli.js";

export interface AppProcess {
  proc: ChildProcess;
  url: string;
  port: number;
  token: string;
  base: string;
  stdout: () => string;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function spawnApp(db: string, lang: "da" | "en" = "en"): Promise<AppProcess> {
  const proc = spawn(process.execPath, [CLI, "app", "--db", db, "--no-open", "--lang", lang], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  proc.stdout!.on("data", (d) => (out += d));
  proc.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start in 20 s\n${out}\n${err}`)), 20_000);
    const check = () => {
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    };
    proc.stdout!.on("data", check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${code} before it printed its link\n${out}\n${err}`));
    });
  });
  const u = new URL(url);
  return {
    proc,
    url,
    port: Number(u.port),
    token: u.searchParams.get("token")!,
    base: `http://127.0.0.1:${u.port}`,
    stdout: () => out,
    stderr: () => err,
    stop: async (signal: NodeJS.Signals = "SIGTERM") => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

export interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function http(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: opts.method ?? "GET", path: opts.path, headers: { host: `127.0.0.1:${port}`, ...opts.headers }, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** A signed-in client: the token exchanged for the cookie, a name set, the CSRF token read from a page. */
export class Client {
  cookies = new Map<string, string>();
  csrf = "";
  constructor(readonly app: AppProcess) {}

  get origin(): string {
    return this.app.base;
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private keep(res: Res): Res {
    const set = res.headers["set-cookie"];
    for (const c of Array.isArray(set) ? set : set ? [set] : []) {
      const [kv] = c.split(";");
      const i = kv!.indexOf("=");
      this.cookies.set(kv!.slice(0, i), kv!.slice(i + 1));
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m) this.csrf = m[1]!;
    return res;
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Res> {
    return this.keep(await http(this.app.port, { path, headers: { cookie: this.cookieHeader(), ...headers } }));
  }

  async post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Res> {
    const body = new URLSearchParams({ _csrf: this.csrf, ...fields }).toString();
    return this.keep(
      await http(this.app.port, {
        method: "POST",
        path,
        body,
        headers: { cookie: this.cookieHeader(), origin: this.origin, "content-type": "application/x-www-form-urlencoded", ...headers },
      }),
    );
  }

  /** A file upload as a browser sends it (multipart/form-data). */
  async upload(path: string, field: string, filename: string, content: string, fields: Record<string, string> = {}): Promise<Res> {
    const boundary = "----trivsel-test-boundary";
    const parts = Object.entries({ _csrf: this.csrf, ...fields }).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n${content}\r\n`);
    const body = Buffer.from(parts.join("") + `--${boundary}--\r\n`, "utf8");
    return this.keep(
      await http(this.app.port, {
        method: "POST",
        path,
        body,
        headers: { cookie: this.cookieHeader(), origin: this.origin, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(body.length) },
      }),
    );
  }

  static async signIn(app: AppProcess, name = "Test User"): Promise<Client> {
    const c = new Client(app);
    const r = await c.get(`/?token=${app.token}`);
    if (r.status !== 303) throw new Error(`token not accepted: ${r.status}`);
    await c.get("/name");
    const n = await c.post("/name", { name, next: "/" });
    if (n.status !== 303) throw new Error(`name not accepted: ${n.status}`);
    await c.get("/");
    return c;
  }
}

/** Form fields for one rater's four lines of an instrument, all the same value. */
export function lines(respondent: string, instrument: string, value: string | string[]): Record<string, string> {
  const v = Array.isArray(value) ? value : [value, value, value, value];
  return Object.fromEntries(v.map((x, i) => [`r.${respondent}.${instrument}_${i + 1}`, x]));
}
