import { MatrixHttpError } from "../../homeserver-config/src/admin/matrix-http.ts";
import {
  ADMIN_POWER,
  createRoomRequest,
  type RoomType,
} from "../../homeserver-config/src/policy/room-types.ts";
import { enc, type MatrixApi } from "../matrix/matrix-api.ts";
import type { SpecEnvironment } from "../spec/model.ts";
import { homeserverOfUser, resolveUser } from "../spec/resolve-user.ts";
import { parseCommand, type MeetingCommand } from "./command.ts";
import {
  createdText,
  failedText,
  helpText,
  problemText,
  reminderText,
  unknownPeopleText,
} from "./messages.ts";
import type { BotState, BotStateStore, Reminder } from "./reminder-store.ts";

export interface MeetingBotOptions {
  /** The bot's own identity (an appservice user, `@bot.meeting:<server>`). */
  api: MatrixApi;
  env: SpecEnvironment;
  store: BotStateStore;
  /** Times without a zone, and times in replies, are in this zone. */
  timeZone?: string;
  displayName?: string;
  log?: (line: string) => void;
  now?: () => Date;
}

interface SyncEvent {
  event_id: string;
  type: string;
  sender: string;
  origin_server_ts?: number;
  content: Record<string, unknown>;
}

interface SyncResponse {
  next_batch: string;
  rooms?: {
    join?: Record<string, { timeline?: { events?: SyncEvent[] } }>;
    invite?: Record<string, unknown>;
  };
}

const SYNC_FILTER = JSON.stringify({
  presence: { not_types: ["*"] },
  account_data: { not_types: ["*"] },
  room: {
    // Synapse fails on limit 0; one event is enough, the first sync's timeline is skipped.
    timeline: { limit: 20, types: ["m.room.message", "m.room.encrypted"] },
    state: { types: [] },
    ephemeral: { not_types: ["*"] },
    account_data: { not_types: ["*"] },
  },
});

const MAX_TIMER_MS = 2 ** 31 - 1;
const createRoomLimit = 10;

/**
 * Answers `!meeting` / `!reunion` / `!help` in the rooms it is invited to: creates a private,
 * encrypted, call-ready room for the meeting, invites the requester and the participants
 * (any agency), replies with a link, and posts a reminder in the meeting room when it is time.
 * Reminders and the sync position live in the state store and survive a restart.
 */
export class MeetingBot {
  private state: BotState = { version: 1, reminders: [] };
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private txn = 0;
  private readonly warnedEncrypted = new Set<string>();
  private readonly timeZone: string;
  private readonly log: (line: string) => void;
  private readonly now: () => Date;

  constructor(private readonly o: MeetingBotOptions) {
    this.timeZone = o.timeZone ?? "Europe/Paris";
    this.log = o.log ?? (() => {});
    this.now = o.now ?? (() => new Date());
  }

  get userId(): string {
    return this.o.api.userId;
  }

  /** Registers the bot user if needed, reschedules saved reminders, starts answering. */
  async start(): Promise<void> {
    await this.register();
    this.state = await this.o.store.load();
    for (const r of this.state.reminders) this.schedule(r);
    if (this.state.reminders.length > 0) {
      this.log(`meeting bot: ${this.state.reminders.length} reminder(s) rescheduled`);
    }
    this.loop = this.syncLoop();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await this.loop?.catch(() => {});
  }

  private async register(): Promise<void> {
    const localpart = this.userId.slice(1, this.userId.indexOf(":"));
    try {
      await this.o.api.call("POST", "/_matrix/client/v3/register", {
        body: { type: "m.login.application_service", username: localpart, inhibit_login: true },
      });
    } catch (e) {
      if (!(e instanceof MatrixHttpError && e.errcode === "M_USER_IN_USE")) throw e;
    }
    if (this.o.displayName) {
      await this.o.api.call("PUT", `/_matrix/client/v3/profile/${enc(this.userId)}/displayname`, {
        body: { displayname: this.o.displayName },
      });
    }
  }

  private async syncLoop(): Promise<void> {
    let failures = 0;
    while (!this.abort.signal.aborted) {
      try {
        const first = this.state.since === undefined;
        const res = await this.o.api.call<SyncResponse>("GET", "/_matrix/client/v3/sync", {
          query: {
            timeout: first ? "0" : "30000",
            filter: SYNC_FILTER,
            ...(this.state.since ? { since: this.state.since } : {}),
          },
          timeoutMs: 90_000,
          signal: this.abort.signal,
        });
        await this.handleSync(res, first);
        this.state.since = res.next_batch;
        await this.o.store.save(this.state);
        failures = 0;
      } catch (e) {
        if (this.abort.signal.aborted) return;
        failures++;
        this.log(`meeting bot: sync failed (${(e as Error).message}); retrying`);
        await sleep(Math.min(30_000, 1000 * 2 ** Math.min(failures, 5)), this.abort.signal);
      }
    }
  }

  private async handleSync(res: SyncResponse, first: boolean): Promise<void> {
    for (const roomId of Object.keys(res.rooms?.invite ?? {})) {
      try {
        await this.o.api.call("POST", `/_matrix/client/v3/join/${enc(roomId)}`, { body: {} });
        this.log(`meeting bot: joined ${roomId}`);
      } catch (e) {
        this.log(`meeting bot: could not join ${roomId}: ${(e as Error).message}`);
      }
    }
    // The very first sync returns old history: answering it would replay old commands.
    if (first) return;
    for (const [roomId, room] of Object.entries(res.rooms?.join ?? {})) {
      for (const event of room.timeline?.events ?? []) {
        if (event.sender === this.userId) continue;
        await this.handleEvent(roomId, event).catch((e: unknown) =>
          this.log(`meeting bot: ${roomId} ${event.event_id}: ${(e as Error).message}`),
        );
      }
    }
  }

  private async handleEvent(roomId: string, event: SyncEvent): Promise<void> {
    if (event.type === "m.room.encrypted") {
      // Without end-to-end encryption support the bot cannot read these; say so once.
      if (this.warnedEncrypted.has(roomId)) return;
      this.warnedEncrypted.add(roomId);
      await this.notice(
        roomId,
        "Je ne peux pas lire les messages chiffrés : écrivez-moi dans un salon non chiffré. / " +
          "I cannot read encrypted messages: talk to me in an unencrypted room.",
      );
      return;
    }
    const body = event.content.body;
    if (event.type !== "m.room.message" || typeof body !== "string") return;
    if (event.content.msgtype !== "m.text") return;
    const command = parseCommand(body, this.now(), this.timeZone);
    if (!command || this.state.handled?.includes(event.event_id)) return;
    this.log(`meeting bot: ${command.kind} from ${event.sender} in ${roomId}`);
    const reply = await this.answer(command, event.sender, event.event_id);
    await this.notice(roomId, reply, event.event_id);
  }

  private async answer(
    command: MeetingCommand,
    requester: string,
    eventId: string,
  ): Promise<string> {
    if (command.kind === "help") return helpText(command.lang);
    if (command.kind === "invalid") return problemText(command.lang, command.problem);
    try {
      return await this.createMeeting(command, requester, eventId);
    } catch (e) {
      return failedText(command.lang, (e as Error).message);
    }
  }

  private async createMeeting(
    c: Extract<MeetingCommand, { kind: "meeting" }>,
    requester: string,
    eventId: string,
  ): Promise<string> {
    const people: string[] = [];
    const unknown: { ref: string; reason: string }[] = [];
    for (const ref of c.participants) {
      const res = resolveUser(this.o.env, ref);
      if (!res.ok) {
        unknown.push({ ref, reason: c.lang === "fr" ? "serveur inconnu" : "unknown server" });
        continue;
      }
      if (!(await this.exists(res.userId))) {
        unknown.push({ ref, reason: c.lang === "fr" ? "aucun compte" : "no account" });
        continue;
      }
      if (res.userId !== requester && !people.includes(res.userId)) people.push(res.userId);
    }
    if (unknown.length > 0) return unknownPeopleText(c.lang, unknown);

    const externalServers = this.o.env.federation.homeservers
      .filter((h) => h.external)
      .map((h) => this.o.env.serverNames[h.id]);
    const isExternal = (u: string) => externalServers.includes(u.slice(u.indexOf(":") + 1));
    const invitees = [requester, ...people];
    const type: RoomType = invitees.some(isExternal) ? "private_external" : "private";
    const body = createRoomRequest({
      type,
      creatorUserId: this.userId,
      name: c.title,
      ...(c.at
        ? { topic: `${c.lang === "fr" ? "Réunion" : "Meeting"} ${c.at.toISOString()}` }
        : {}),
      invite: invitees.slice(0, createRoomLimit),
    });
    const pl = body.power_level_content_override as { users: Record<string, number> };
    // The person who asked runs the meeting (externals may hold no power in Tchap rooms).
    if (!isExternal(requester)) pl.users[requester] = ADMIN_POWER;
    const { room_id } = await this.o.api.call<{ room_id: string }>(
      "POST",
      "/_matrix/client/v3/createRoom",
      { body, retryTransient: false, timeoutMs: 120_000 },
    );
    for (const u of invitees.slice(createRoomLimit)) {
      await this.o.api.call("POST", `/_matrix/client/v3/rooms/${enc(room_id)}/invite`, {
        body: { user_id: u },
      });
    }
    // Saved at once, with the reminder: from here on a restart neither loses nor repeats it.
    this.state.handled = [eventId, ...(this.state.handled ?? [])].slice(0, 200);
    const reminder: Reminder | undefined = c.at && {
      id: `r${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`,
      roomId: room_id,
      title: c.title,
      at: c.at.toISOString(),
      lang: c.lang,
    };
    if (reminder) this.state.reminders.push(reminder);
    await this.o.store.save(this.state);
    if (reminder) this.schedule(reminder);
    const server = this.o.api.serverName;
    this.log(`meeting bot: created ${room_id} "${c.title}" for ${requester}`);
    return createdText(c.lang, {
      title: c.title,
      link: `https://matrix.to/#/${room_id}?via=${server}`,
      invited: invitees,
      at: c.at,
      timeZone: this.timeZone,
    });
  }

  private async exists(userId: string): Promise<boolean> {
    try {
      await this.o.api.call("GET", `/_matrix/client/v3/profile/${enc(userId)}`);
      return true;
    } catch (e) {
      if (e instanceof MatrixHttpError && e.status === 404) return false;
      // A server that does not answer profile lookups is not proof of absence.
      if (homeserverOfUser(this.o.env, userId)) return true;
      throw e;
    }
  }

  private schedule(r: Reminder): void {
    const delay = new Date(r.at).getTime() - this.now().getTime();
    const timer = setTimeout(
      () => {
        if (delay > MAX_TIMER_MS) return this.schedule(r);
        void this.remind(r);
      },
      Math.max(0, Math.min(delay, MAX_TIMER_MS)),
    );
    this.timers.set(r.id, timer);
  }

  private async remind(r: Reminder): Promise<void> {
    this.timers.delete(r.id);
    if (this.abort.signal.aborted) return;
    try {
      await this.o.api.call(
        "PUT",
        `/_matrix/client/v3/rooms/${enc(r.roomId)}/send/m.room.message/${enc(`reminder-${r.id}`)}`,
        { body: { msgtype: "m.notice", body: reminderText(r.lang, r.title) } },
      );
      this.state.reminders = this.state.reminders.filter((x) => x.id !== r.id);
      await this.o.store.save(this.state);
      this.log(`meeting bot: reminder posted in ${r.roomId}`);
    } catch (e) {
      this.log(`meeting bot: reminder for ${r.roomId} failed (${(e as Error).message}); retrying`);
      const retry = setTimeout(() => void this.remind(r), 30_000);
      this.timers.set(r.id, retry);
    }
  }

  private async notice(roomId: string, body: string, replyTo?: string): Promise<void> {
    const txn = `m${Date.now().toString(36)}-${this.txn++}`;
    await this.o.api.call(
      "PUT",
      `/_matrix/client/v3/rooms/${enc(roomId)}/send/m.room.message/${txn}`,
      {
        body: {
          msgtype: "m.notice",
          body,
          ...(replyTo ? { "m.relates_to": { "m.in_reply_to": { event_id: replyTo } } } : {}),
        },
      },
    );
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    });
  });
}
