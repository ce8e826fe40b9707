/**
 * Embedded LiveKit-compatible SFU (werift): `startSfu(config)` serves LiveKit's
 * two-peer-connection signalling on `/rtc`, `/rtc/validate`, and the Twirp
 * RoomService subset used by `RoomServiceClient`. See cli.ts for the env config.
 */
export { startSfu, type RunningSfu } from "./server.ts";
export { configFromEnv, resolveConfig, type SfuConfig, type SfuConfigInput } from "./config.ts";
