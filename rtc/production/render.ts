/** The RTC step of `npm run render` (homeserver-config/cli/render.ts). */
import type { Federation } from "../../homeserver-config/src/model.ts";
import { loadRtcDeployment } from "./load-deployment.ts";
import { writeRtcProductionConfigs } from "./write-rtc-production.ts";

/** Relative to the project root. */
export const RTC_DEPLOYMENT_FILE = "rtc/production/rtc-deployment.yaml";

export async function renderRtcProduction(
  federation: Federation,
  deploymentFile: string,
  outDir: string,
  print: (line: string) => void = console.log,
): Promise<void> {
  const deployment = await loadRtcDeployment(deploymentFile);
  const w = await writeRtcProductionConfigs(federation, deployment, deploymentFile, outDir);
  print(`LiveKit (${deployment.livekit.url}): livekit-server --config ${w.livekitConfig}`);
  print(`  install ${w.keyFile} as ${deployment.livekit.keyFile} on every node (mode 0600)`);
  print(
    `MatrixRTC authorization (${w.rtcAuthServiceUrl} → ${deployment.authService.bind}): ` +
      `EnvironmentFile=${w.authEnv}, npx tsx rtc/auth/cli.ts`,
  );
  print(`  install ${w.keyFile} as ${deployment.authService.keyFile} (mode 0600)`);
}
