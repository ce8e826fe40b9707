import { createHash } from "node:crypto";
import { readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";

/** Everything the bundle is made from; a change to any of it means a new build. */
const INPUTS = [
  "web/index.html",
  "web/src",
  "web/public",
  "vite.config.ts",
  "widgets/src",
  "widgets/vite-plugin.ts",
  "package-lock.json",
  "homeserver-config/src/policy",
  "homeserver-config/src/directory/user-id.ts",
  "homeserver-config/src/directory/resolve-email.ts",
];

async function listFiles(p: string): Promise<string[]> {
  const s = await stat(p).catch(() => null);
  if (!s) return [];
  if (s.isFile()) return [p];
  const entries = await readdir(p, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => listFiles(path.join(p, e.name))));
  return nested.flat().sort();
}

export async function sourceDigest(projectRoot: string): Promise<string> {
  const hash = createHash("sha256");
  for (const input of INPUTS) {
    for (const file of await listFiles(path.join(projectRoot, input))) {
      hash
        .update(path.relative(projectRoot, file))
        .update("\0")
        .update(await readFile(file));
    }
  }
  return hash.digest("hex");
}

export function webDistDir(projectRoot: string): string {
  return path.join(projectRoot, "dist", "web");
}

/**
 * Builds the client with Vite into dist/web unless the sources are unchanged since the last
 * build (a stamp holds their digest). Builds into a temporary folder and swaps it in, so a
 * server reading dist/web never sees half a build.
 */
export async function ensureWebBuild(
  projectRoot: string,
  log: (line: string) => void = console.log,
): Promise<{ dir: string; built: boolean }> {
  const dir = webDistDir(projectRoot);
  const stampFile = path.join(dir, ".build-stamp");
  const digest = await sourceDigest(projectRoot);
  if ((await readFile(stampFile, "utf8").catch(() => "")) === digest) return { dir, built: false };
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  const t0 = Date.now();
  const { build } = await import("vite");
  // Vite picks React's development JSX when NODE_ENV is not "production" (the test runner
  // sets "test"); the served bundle must be the production one whoever builds it.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  await build({
    configFile: path.join(projectRoot, "vite.config.ts"),
    logLevel: "warn",
    mode: "production",
    build: { outDir: tmp, emptyOutDir: true },
  }).finally(() => {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  });
  const assets = await readdir(path.join(tmp, "assets"));
  if (!assets.some((f) => f.endsWith(".wasm")) || !assets.some((f) => f.endsWith(".css"))) {
    throw new Error(`web: incomplete build in ${tmp} (${assets.join(", ")})`);
  }
  await writeFile(path.join(tmp, ".build-stamp"), digest);
  // Several test runs share dist/web: move the old build aside atomically (a concurrent
  // recursive rm of the same tree fails with ENOTEMPTY), then swap ours in.
  const old = `${dir}.old-${process.pid}-${Date.now()}`;
  await rename(dir, old).catch(() => undefined);
  await rename(tmp, dir).catch(async (e: unknown) => {
    // Another run swapped its build in first; it is as good as ours if the digest matches.
    if ((await readFile(stampFile, "utf8").catch(() => "")) !== digest) throw e;
    await rm(tmp, { recursive: true, force: true });
  });
  await rm(old, { recursive: true, force: true });
  log(`web: built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { dir, built: true };
}
