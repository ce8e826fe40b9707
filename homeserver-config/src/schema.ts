import { z } from "zod";

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "must be lowercase letters, digits and dashes");

const serverName = z
  .string()
  .regex(
    /^[a-z0-9.-]+(:\d{1,5})?$/,
    "must be a DNS name (optionally with :port), lowercase, like agent.example.gouv.fr",
  );

const emailDomainPattern = z
  .string()
  .regex(
    /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$/,
    'must be a domain like "agency.gouv.fr" or a pattern like "*.agency.gouv.fr"',
  );

const emailAddress = z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "must be an e-mail address");

export const agencySchema = z.strictObject({
  id,
  displayName: z.string().min(1),
  /** Short name shown after people's names: "First Last [label]". */
  label: z.string().min(1),
  email: z.strictObject({
    domains: z.array(emailDomainPattern).default([]),
    addresses: z.array(emailAddress).default([]),
  }),
});

export const homeserverSchema = z.strictObject({
  id,
  displayName: z.string().min(1),
  serverName,
  external: z.boolean().default(false),
  agencies: z.array(agencySchema).min(1),
});

const productionHomeserverSchema = z.strictObject({
  publicBaseUrl: z.url({ protocol: /^https$/ }),
  database: z.strictObject({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(5432),
    name: z.string().min(1),
    user: z.string().min(1),
  }),
});

export const federationSchema = z.strictObject({
  version: z.literal(1),
  name: z.string().min(1),
  homeservers: z.array(homeserverSchema).min(1),
  production: z
    .strictObject({
      homeservers: z.record(z.string(), productionHomeserverSchema),
      rtcAuthServiceUrl: z.url({ protocol: /^https$/ }),
      /** The agency directory; the external server asks it whether an address was invited. */
      directoryUrl: z.url({ protocol: /^https$/ }).optional(),
      /** Origins the web client may embed third-party room widgets from (its config.json). */
      widgetOrigins: z
        .array(
          z
            .url({ protocol: /^https$/ })
            .refine(
              (v) => new URL(v).origin === v,
              "must be an origin: https://host[:port], no path and no trailing slash",
            ),
        )
        .default([]),
    })
    .optional(),
  demoAccounts: z
    .array(z.strictObject({ email: emailAddress, displayName: z.string().min(1) }))
    .default([]),
});

export type FederationInput = z.input<typeof federationSchema>;
