/**
 * The service's settings from environment variables, named as lk-jwt-service 0.5 names them so
 * a deployment can switch by configuration alone. Who has access comes from federation.yaml,
 * not from `LIVEKIT_FULL_ACCESS_HOMESERVERS` (pure: files are read through `readText`).
 */

export interface EnvConfig {
  host: string;
  port: number;
  livekitUrl: string;
  livekitApiUrl?: string;
  apiKey: string;
  apiSecret: string;
  verifyTls: boolean;
  federationFile: string;
  /** PEM certificates trusted besides the system roots (an agency's private CA). */
  extraCaFile?: string;
  /** `/etc/hosts`-format file consulted before DNS (split-horizon federation addresses). */
  hostsFile?: string;
}

export class EnvConfigError extends Error {
  readonly code = "RTC_AUTH_CONFIG_INVALID";
  override name = "EnvConfigError";
}

export const SKIP_VERIFY_TLS_VALUE = "YES_I_KNOW_WHAT_I_AM_DOING";

type Env = Record<string, string | undefined>;

export function configFromEnv(
  env: Env,
  readText: (file: string) => string,
  defaultFederationFile: string,
): EnvConfig {
  if (env.LIVEKIT_FULL_ACCESS_HOMESERVERS !== undefined) {
    throw new EnvConfigError(
      "LIVEKIT_FULL_ACCESS_HOMESERVERS is not used: the federation file decides who may start " +
        "calls (homeservers without `external: true`). Unset it and check TCHAP_FEDERATION_FILE.",
    );
  }
  const livekitUrl = required(env, "LIVEKIT_URL");
  if (!/^wss?:\/\//.test(livekitUrl)) {
    throw new EnvConfigError(`LIVEKIT_URL must be a ws:// or wss:// URL, not "${livekitUrl}"`);
  }
  const livekitApiUrl = env.LIVEKIT_API_URL || undefined;
  if (livekitApiUrl && !/^(https?|wss?):\/\//.test(livekitApiUrl)) {
    throw new EnvConfigError(`LIVEKIT_API_URL must be an http(s) URL, not "${livekitApiUrl}"`);
  }
  const { apiKey, apiSecret } = keyAndSecret(env, readText);
  const { host, port } = bindAddress(env);
  return {
    host,
    port,
    livekitUrl,
    ...(livekitApiUrl ? { livekitApiUrl } : {}),
    apiKey,
    apiSecret,
    verifyTls: env.LIVEKIT_INSECURE_SKIP_VERIFY_TLS !== SKIP_VERIFY_TLS_VALUE,
    federationFile: env.TCHAP_FEDERATION_FILE || defaultFederationFile,
    ...(env.TCHAP_EXTRA_CA_FILE ? { extraCaFile: env.TCHAP_EXTRA_CA_FILE } : {}),
    ...(env.TCHAP_HOSTS_FILE ? { hostsFile: env.TCHAP_HOSTS_FILE } : {}),
  };
}

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new EnvConfigError(`${name} must be set`);
  return value;
}

/** lk-jwt-service's precedence: LIVEKIT_KEY_FILE ("key: secret"), then *_FROM_FILE, then env. */
function keyAndSecret(env: Env, readText: (file: string) => string) {
  const read = (name: string, file: string) => {
    try {
      return readText(file);
    } catch (e) {
      throw new EnvConfigError(`${name}: cannot read ${file}: ${(e as Error).message}`);
    }
  };
  let apiKey = env.LIVEKIT_KEY ?? "";
  let apiSecret = env.LIVEKIT_SECRET ?? "";
  if (env.LIVEKIT_KEY_FILE) {
    const parts = read("LIVEKIT_KEY_FILE", env.LIVEKIT_KEY_FILE).trim().split(":");
    if (parts.length !== 2) {
      throw new EnvConfigError(
        `LIVEKIT_KEY_FILE ${env.LIVEKIT_KEY_FILE} must hold one line "<key>: <secret>"`,
      );
    }
    [apiKey, apiSecret] = parts as [string, string];
  } else {
    if (env.LIVEKIT_KEY_FROM_FILE)
      apiKey = read("LIVEKIT_KEY_FROM_FILE", env.LIVEKIT_KEY_FROM_FILE);
    if (env.LIVEKIT_SECRET_FROM_FILE) {
      apiSecret = read("LIVEKIT_SECRET_FROM_FILE", env.LIVEKIT_SECRET_FROM_FILE);
    }
  }
  apiKey = apiKey.trim();
  apiSecret = apiSecret.trim();
  if (!apiKey || !apiSecret) {
    throw new EnvConfigError(
      "the LiveKit API key and secret must be set (LIVEKIT_KEY and LIVEKIT_SECRET, " +
        "LIVEKIT_KEY_FROM_FILE and LIVEKIT_SECRET_FROM_FILE, or LIVEKIT_KEY_FILE)",
    );
  }
  if (apiSecret.length < 32) {
    throw new EnvConfigError("the LiveKit API secret must be at least 32 characters long");
  }
  return { apiKey, apiSecret };
}

/** `LIVEKIT_JWT_BIND` (`:8080`, `127.0.0.1:8080`, `[::1]:8080`), or the deprecated port. */
function bindAddress(env: Env): { host: string; port: number } {
  if (env.LIVEKIT_JWT_BIND && env.LIVEKIT_JWT_PORT) {
    throw new EnvConfigError("LIVEKIT_JWT_BIND and LIVEKIT_JWT_PORT must not be set together");
  }
  const bind = env.LIVEKIT_JWT_BIND || `:${env.LIVEKIT_JWT_PORT || "8080"}`;
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(bind);
  const port = Number(m?.[3]);
  if (!m || port > 65535) {
    throw new EnvConfigError(
      `LIVEKIT_JWT_BIND must look like ":8080" or "127.0.0.1:8080", not "${bind}"`,
    );
  }
  return { host: m[1] ?? (m[2] || "0.0.0.0"), port };
}
