/**
 * Web bundle sizes (gzip), against the budgets of issue 4:
 *  - login screen: the JavaScript index.html loads before anyone logs in ≤ 300 KB;
 *  - whole client: every JS/CSS file of the build except the crypto wasm (and Element Call,
 *    which is not part of this bundle) ≤ 600 KB.
 * `npx tsx web/bench/bundle-size.ts` prints the figures; the test suite asserts the budgets.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { ensureWebBuild } from "../server/build.ts";

export const BUDGET_KB = { loginScreen: 300, wholeClient: 600 } as const;

export interface BundleSizes {
  loginScreenKb: number;
  wholeClientKb: number;
  cryptoWasmKb: number;
  files: { file: string; gzipKb: number }[];
}

const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

export async function measureBundle(projectRoot: string): Promise<BundleSizes> {
  const { dir } = await ensureWebBuild(projectRoot, () => undefined);
  const html = await readFile(path.join(dir, "index.html"), "utf8");
  // What the browser fetches for the first screen: the entry script and its preloads.
  const initial = new Set(
    [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!),
  );
  const files: BundleSizes["files"] = [];
  let login = 0;
  let whole = 0;
  let wasm = 0;
  for (const f of (await readdir(path.join(dir, "assets"))).sort()) {
    const bytes = gzipSync(await readFile(path.join(dir, "assets", f)), { level: 9 }).length;
    files.push({ file: f, gzipKb: kb(bytes) });
    if (f.endsWith(".wasm")) wasm += bytes;
    else if (/\.(js|css)$/.test(f)) {
      whole += bytes;
      if (initial.has(`assets/${f}`) && f.endsWith(".js")) login += bytes;
    }
  }
  return { loginScreenKb: kb(login), wholeClientKb: kb(whole), cryptoWasmKb: kb(wasm), files };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
  const s = await measureBundle(root);
  console.log(JSON.stringify({ ...s, budgetKb: BUDGET_KB }, null, 2));
}
