/** SFU configuration: defaults and parsing from environment variables (pure). */

export interface SfuConfig {
  /** TCP port of the HTTP/WebSocket listener; 0 picks a free port. */
  port: number;
  /** Address the HTTP listener binds to. */
  host: string;
  apiKey: string;
  apiSecret: string;
  /** Inclusive UDP port range for ICE (each peer connection takes one port). */
  udpPortMin: number;
  udpPortMax: number;
  /**
   * IP announced to clients as the only ICE host candidate. When unset, the
   * machine's interface addresses plus 127.0.0.1 are announced.
   */
  announcedIp?: string;
  /** Whether joining a room that does not exist creates it (LiveKit `room.auto_create`). */
  autoCreate: boolean;
  /** Bitrate (bit/s) announced to publishers by periodic REMB so browsers send every simulcast layer; 0 disables REMB. */
  rembBitrate: number;
  /** Optional logger; never receives tokens or secrets. */
  log?: (line: string) => void;
}

export const DEFAULT_CONFIG: Omit<SfuConfig, "apiKey" | "apiSecret"> = {
  port: 7880,
  host: "0.0.0.0",
  udpPortMin: 50000,
  udpPortMax: 50200,
  autoCreate: false,
  rembBitrate: 5_000_000,
};

export type SfuConfigInput = Partial<SfuConfig> & Pick<SfuConfig, "apiKey" | "apiSecret">;

export class SfuConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SfuConfigError";
  }
}

export function resolveConfig(input: SfuConfigInput): SfuConfig {
  const config: SfuConfig = {
    ...DEFAULT_CONFIG,
    ...dropUndefined(input),
    apiKey: input.apiKey,
    apiSecret: input.apiSecret,
  };
  if (!config.apiKey) throw new SfuConfigError("apiKey is required");
  if (!config.apiSecret || config.apiSecret.length < 32) {
    throw new SfuConfigError("apiSecret is required and must be at least 32 characters");
  }
  checkPort("port", config.port, true);
  checkPort("udpPortMin", config.udpPortMin, false);
  checkPort("udpPortMax", config.udpPortMax, false);
  if (config.udpPortMin >= config.udpPortMax) {
    throw new SfuConfigError("udpPortMin must be lower than udpPortMax");
  }
  return config;
}

export function configFromEnv(env: Record<string, string | undefined>): SfuConfigInput {
  return {
    apiKey: env.SFU_API_KEY ?? "",
    apiSecret: env.SFU_API_SECRET ?? "",
    port: optionalInt("SFU_PORT", env.SFU_PORT),
    host: env.SFU_HOST || undefined,
    udpPortMin: optionalInt("SFU_UDP_PORT_MIN", env.SFU_UDP_PORT_MIN),
    udpPortMax: optionalInt("SFU_UDP_PORT_MAX", env.SFU_UDP_PORT_MAX),
    announcedIp: env.SFU_ANNOUNCED_IP || undefined,
    autoCreate: optionalBool("SFU_AUTO_CREATE", env.SFU_AUTO_CREATE),
  };
}

function optionalInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new SfuConfigError(`${name} must be an integer`);
  return n;
}

function optionalBool(name: string, value: string | undefined): boolean | undefined {
  if (value === undefined || value === "") return undefined;
  if (["1", "true", "yes"].includes(value.toLowerCase())) return true;
  if (["0", "false", "no"].includes(value.toLowerCase())) return false;
  throw new SfuConfigError(`${name} must be true or false`);
}

function checkPort(name: string, port: number, allowZero: boolean): void {
  if (!Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535) {
    throw new SfuConfigError(`${name} must be a port number`);
  }
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
