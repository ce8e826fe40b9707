import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { FederationConfigError, loadFederation } from "../src/load-federation.ts";
import { writeProductionConfigs } from "../src/render/write-production.ts";
import { renderRtcProduction, RTC_DEPLOYMENT_FILE } from "../../rtc/production/render.ts";
import { renderProductionWebConfig } from "../../web/server/production-config.ts";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const usage = `Usage: npm run render -- [--federation FILE] [--out DIR] [--listen-port N] [--rtc FILE]

Renders the production Synapse configs of every homeserver in the federation file into
DIR/<homeserver id>/ (default .local/production), and the LiveKit cluster and MatrixRTC
authorization service described by the RTC deployment file (default
rtc/production/rtc-deployment.yaml) into DIR/rtc/, and the web client's config.json and the
Content-Security-Policy its host sends with index.html into DIR/web/. Keys and secrets already
there are kept.
(The local profile is rendered by \`npm start\`.)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      federation: {
        type: "string",
        default: path.join(projectRoot, "homeserver-config/federation.yaml"),
      },
      out: { type: "string", default: path.join(projectRoot, ".local/production") },
      "listen-port": { type: "string" },
      rtc: { type: "string", default: path.join(projectRoot, RTC_DEPLOYMENT_FILE) },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const listenPort = values["listen-port"] ? Number(values["listen-port"]) : undefined;
  if (
    listenPort !== undefined &&
    !(Number.isInteger(listenPort) && listenPort > 0 && listenPort < 65536)
  ) {
    throw new Error(`--listen-port must be a port number, not "${values["listen-port"]}"`);
  }
  const federation = await loadFederation(values.federation);
  if (!federation.production) {
    throw new Error(`${values.federation} has no "production" section to render`);
  }
  const written = await writeProductionConfigs(federation, values.out, { listenPort });
  for (const w of written) {
    console.log(`${w.serverName}: synapse -c ${w.configFiles.join(" -c ")}`);
  }
  await renderRtcProduction(federation, values.rtc, values.out);
  const web = renderProductionWebConfig(federation);
  const webDir = path.join(values.out, "web");
  await mkdir(webDir, { recursive: true });
  await writeFile(path.join(webDir, "config.json"), `${JSON.stringify(web.config, null, 2)}\n`);
  await writeFile(
    path.join(webDir, "content-security-policy.txt"),
    `${web.contentSecurityPolicy}\n`,
  );
  console.log(`web client: ${path.join(webDir, "config.json")} (+ content-security-policy.txt)`);
}

main().catch((e: unknown) => {
  console.error(
    e instanceof FederationConfigError
      ? `Invalid federation file:\n${e.message}`
      : `Error: ${(e as Error).message}`,
  );
  process.exit(1);
});
