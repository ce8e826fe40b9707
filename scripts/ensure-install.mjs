// Runs on whatever Node the machine has (it runs before our pinned Node 22 exists),
// so it uses nothing but Node's standard library.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const lock = "package-lock.json";
const stamp = "node_modules/.install-stamp";
const digest = createHash("sha256").update(readFileSync(lock)).digest("hex");

if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== digest) {
  console.log("Installing npm dependencies (npm ci)…");
  execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { stdio: "inherit" });
  writeFileSync(stamp, digest);
}
