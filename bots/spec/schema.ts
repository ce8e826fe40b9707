import { z } from "zod";

/** Room types a spec may ask for (direct messages are people's business, not provisioning's). */
export const SPEC_ROOM_TYPES = ["forum", "private", "private_external"] as const;
export const ROLES = ["member", "moderator", "admin"] as const;
export type Role = (typeof ROLES)[number];

const key = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "must be lowercase letters, digits, dots, dashes, underscores");

const aliasLocalpart = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9._=-]*$/,
    'must be the alias localpart only, lowercase, e.g. "cellule-crise" (not "#cellule-crise:server")',
  );

/** A Matrix ID (`@local:server`, server may be a homeserver id of the federation) or an e-mail. */
const memberRef = z
  .string()
  .trim()
  .refine(
    (s) => /^@[^:\s]+:[^\s]+$/.test(s) || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s),
    "must be a Matrix ID (@name:server) or an e-mail address",
  );

/** `- alice@x.fr` is short for `- { user: alice@x.fr, role: member }`. */
const member = z.preprocess(
  (v) => (typeof v === "string" ? { user: v } : v),
  z.strictObject({ user: memberRef, role: z.enum(ROLES).default("member") }),
);

const roomFields = {
  key,
  name: z.string().trim().min(1),
  topic: z.string().optional(),
  /** Homeserver id of the agency whose provisioner creates and administers the room. */
  owner: z.string().min(1).optional(),
  type: z.enum(SPEC_ROOM_TYPES).optional(),
  alias: aliasLocalpart.optional(),
  /** Ordinary members may start and join calls (MatrixRTC membership at power level 0). */
  callReady: z.boolean().optional(),
  members: z.array(member).default([]),
};

export const specSchema = z.strictObject({
  version: z.literal(1),
  /** Names the set of rooms this spec manages; written into each room's marker. */
  id: key,
  defaults: z
    .strictObject({
      owner: z.string().min(1).optional(),
      type: z.enum(SPEC_ROOM_TYPES).optional(),
      callReady: z.boolean().optional(),
    })
    .default({}),
  accounts: z
    .array(
      z.strictObject({
        email: z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, "must be an e-mail address"),
        displayName: z.string().trim().min(1),
      }),
    )
    .default([]),
  spaces: z.array(z.strictObject({ ...roomFields, rooms: z.array(key).default([]) })).default([]),
  rooms: z.array(z.strictObject(roomFields)).default([]),
});

export type SpecInput = z.input<typeof specSchema>;
export type ParsedSpec = z.output<typeof specSchema>;
