import type { z } from "zod";
import type { agencySchema, federationSchema, homeserverSchema } from "./schema.ts";

export type Federation = z.output<typeof federationSchema>;
export type Homeserver = z.output<typeof homeserverSchema>;
export type Agency = z.output<typeof agencySchema>;
