export { startSfu, type RunningSfu } from "./server.ts";
export { configFromEnv, resolveConfig, type SfuConfig, type SfuConfigInput } from "./config.ts";
