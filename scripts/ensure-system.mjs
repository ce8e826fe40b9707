// Installs the Debian packages the test suite drives for real (Chromium, PostgreSQL,
// debootstrap for the Synapse root). Runs on the machine's own Node, before npm deps exist.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";

const needs = [
  { pkg: "debootstrap", present: () => existsSync("/usr/sbin/debootstrap") },
  { pkg: "chromium", present: () => existsSync("/usr/bin/chromium") },
  {
    pkg: "postgresql",
    present: () =>
      existsSync("/usr/lib/postgresql") &&
      readdirSync("/usr/lib/postgresql").some((v) =>
        existsSync(`/usr/lib/postgresql/${v}/bin/postgres`),
      ),
  },
  { pkg: "openssl", present: () => existsSync("/usr/bin/openssl") },
  // Without it headless Chromium draws reactions and emoji as empty boxes in screenshots.
  {
    pkg: "fonts-noto-color-emoji",
    present: () => existsSync("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf"),
  },
];

const missing = needs.filter((n) => !n.present()).map((n) => n.pkg);
if (missing.length > 0) {
  if (process.getuid?.() !== 0) {
    console.error(`Missing system packages: ${missing.join(", ")}. Install them as root:`);
    console.error(`  apt-get install -y ${missing.join(" ")}`);
    process.exit(1);
  }
  console.log(`Installing system packages: ${missing.join(", ")}…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-q"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-q", ...missing], {
    stdio: "inherit",
    env,
  });
}
