/** Starts the app on 127.0.0.1 and prints the link with the access token. */
import { spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import type { Registry } from "../../registry/registry.js";
import type { Lang } from "../i18n.js";
import { SqliteStore } from "../storage/sqlite.js";
import type { Store } from "../storage/store.js";
import { createApp } from "./app.js";
import { newSecrets } from "./security.js";

export interface StartOptions {
  db: string;
  /** 0: any free port */
  port: number;
  lang: Lang;
  registry: Registry;
}

export interface Running {
  url: string;
  port: number;
  store: Store;
  close(): Promise<void>;
}

export async function startApp(opts: StartOptions): Promise<Running> {
  const store = await SqliteStore.open(opts.db);
  const secrets = newSecrets();
  let port = 0;
  const app = createApp({ store, registry: opts.registry, lang: opts.lang, secrets, port: () => port });
  let server: ServerType;
  try {
    server = await new Promise<ServerType>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: opts.port, hostname: "127.0.0.1" }, () => resolve(s));
      s.once("error", reject);
    });
  } catch (e) {
    await store.close();
    throw e;
  }
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${secrets.token}`,
    port,
    store,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}

/** Opens the link in the desktop's browser; quietly does nothing where there is none. */
export function openBrowser(url: string): void {
  const [cmd, args] = process.platform === "darwin" ? ["open", [url]] : process.platform === "win32" ? ["cmd", ["/c", "start", "", url]] : ["xdg-open", [url]];
  try {
    const child = spawn(cmd, args as string[], { stdio: "ignore", detached: true });
    child.on("error", () => {});
    child.unref();
  } catch {
    // no browser to open: the printed link is enough
  }
}
