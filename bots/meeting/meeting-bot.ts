import { MatrixHttpError } from "../../homeserver-config/src/admin/matrix-http.ts";
import {
  ADMIN_POWER,
  createRoomRequest,
  type RoomType,
} from "../../homeserver-config/src/policy/room-types.ts";
import { ensureAppserviceUser, nameAppserviceUser } from "../matrix/appservice-user.ts";
import { enc, type MatrixApi } from "../matrix/matrix-api.ts";
import type { BotConnection, IncomingMessage } from "./connection.ts";
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
  /** How the bot hears and speaks; its `api` is the bot's own identity (`@bot.meeting:…`). */
  connection: BotConnection;
  env: SpecEnvironment;
  store: BotStateStore;
  /** Times without a zone, and times in replies, are in this zone. */
  timeZone?: string;
  displayName?: string;
  log?: (line: string) => void;
  now?: () => Date;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const createRoomLimit = 10;

/**
 * Answers `!meeting` / `!reunion` / `!help` in the rooms it is invited to: creates a private,
 * encrypted, call-ready room for the meeting, invites the requester and the participants
 * (any agency), replies with a link, and posts a reminder in the meeting room when it is time.
 * Reminders live in the state store and survive a restart.
 */
export class MeetingBot {
  private state: BotState = { version: 1, reminders: [] };
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;
  private readonly timeZone: string;
  private readonly log: (line: string) => void;
  private readonly now: () => Date;

  constructor(private readonly o: MeetingBotOptions) {
    this.timeZone = o.timeZone ?? "Europe/Paris";
    this.log = o.log ?? (() => {});
    this.now = o.now ?? (() => new Date());
  }

  private get api(): MatrixApi {
    return this.o.connection.api;
  }

  get userId(): string {
    return this.api.userId;
  }

  /** Registers the bot user if needed, reschedules saved reminders, starts answering. */
  async start(): Promise<void> {
    await this.register();
    this.state = await this.o.store.load();
    await this.o.connection.start({
      message: (m) => this.handleMessage(m),
      log: this.log,
      device: {
        get: () => this.state.device,
        set: async (d) => {
          this.state.device = d;
          await this.o.store.save(this.state);
        },
      },
    });
    for (const r of this.state.reminders) this.schedule(r);
    if (this.state.reminders.length > 0) {
      this.log(`meeting bot: ${this.state.reminders.length} reminder(s) rescheduled`);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await this.o.connection.stop();
  }

  private async register(): Promise<void> {
    if (this.o.displayName) await nameAppserviceUser(this.api, this.o.displayName);
    else await ensureAppserviceUser(this.api);
  }

  private async handleMessage(m: IncomingMessage): Promise<void> {
    if (m.sender === this.userId) return;
    if (m.msgtype !== "m.text") return;
    const command = parseCommand(m.body, this.now(), this.timeZone);
    if (!command || this.state.handled?.includes(m.eventId)) return;
    this.log(`meeting bot: ${command.kind} from ${m.sender} in ${m.roomId}`);
    const reply = await this.answer(command, m.sender, m.eventId);
    // The reply's transaction id comes from the command: if the bot is killed after sending it
    // but before noting the command as handled, the resent reply is the same event, not a second.
    await this.notice(m.roomId, reply, `reply-${m.eventId}`, m.eventId);
    if (!this.state.handled?.includes(m.eventId)) {
      this.state.handled = [m.eventId, ...(this.state.handled ?? [])].slice(0, 200);
      await this.o.store.save(this.state);
    }
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
    const { room_id } = await this.api.call<{ room_id: string }>(
      "POST",
      "/_matrix/client/v3/createRoom",
      { body, retryTransient: false, timeoutMs: 120_000 },
    );
    for (const u of invitees.slice(createRoomLimit)) {
      await this.api.call("POST", `/_matrix/client/v3/rooms/${enc(room_id)}/invite`, {
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
    const server = this.api.serverName;
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
      await this.api.call("GET", `/_matrix/client/v3/profile/${enc(userId)}`);
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
    if (this.stopped) return;
    try {
      await this.o.connection.send(
        r.roomId,
        { msgtype: "m.notice", body: reminderText(r.lang, r.title) },
        `reminder-${r.id}`,
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

  private async notice(
    roomId: string,
    body: string,
    txnId: string,
    replyTo?: string,
  ): Promise<void> {
    await this.o.connection.send(
      roomId,
      {
        msgtype: "m.notice",
        body,
        ...(replyTo ? { "m.relates_to": { "m.in_reply_to": { event_id: replyTo } } } : {}),
      },
      txnId,
    );
  }
}
