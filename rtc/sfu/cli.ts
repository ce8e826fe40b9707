/**
 * Runs the SFU from environment variables:
 * SFU_PORT, SFU_HOST, SFU_API_KEY, SFU_API_SECRET, SFU_UDP_PORT_MIN, SFU_UDP_PORT_MAX,
 * SFU_ANNOUNCED_IP, SFU_AUTO_CREATE. Never prints the secret or tokens.
 */
import { configFromEnv, SfuConfigError } from "./config.ts";
import { startSfu } from "./server.ts";

try {
  const sfu = await startSfu({
    ...configFromEnv(process.env),
    log: (line) => console.log(`[sfu] ${line}`),
  });
  console.log(`[sfu] ready at ${sfu.url}`);
  const shutdown = () => {
    void sfu.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
} catch (e) {
  console.error(`[sfu] cannot start: ${e instanceof SfuConfigError ? e.message : String(e)}`);
  process.exit(1);
}
