import http from "node:http";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { servicePort } from "../local/instance.ts";
import type { StackService } from "../stack/service.ts";

/** One e-mail a homeserver sent (registration and address validation links). */
export interface CaughtMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  receivedAt: string;
}

const MAX_KEPT = 500;

/**
 * The local profile's mail relay: accepts every message on loopback and keeps it in memory,
 * so people and tests can read validation links (`GET /messages?to=<address>`). Never used in
 * production, where Synapse relays through the host's MTA.
 */
export function mailCatcherService(): StackService {
  return {
    name: "mail",
    async start(ctx) {
      const mails: CaughtMail[] = [];
      const smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ["AUTH", "STARTTLS"],
        banner: "tchap local mail catcher",
        logger: false,
        onData(stream, session, done) {
          simpleParser(stream)
            .then((parsed) => {
              mails.push({
                to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
                subject: parsed.subject ?? "",
                text: parsed.text ?? "",
                receivedAt: new Date().toISOString(),
              });
              if (mails.length > MAX_KEPT) mails.shift();
              done();
            })
            .catch((e: unknown) => done(e instanceof Error ? e : new Error(String(e))));
        },
      });
      const web = http.createServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://localhost");
        if (req.method !== "GET" || url.pathname !== "/messages") {
          res.writeHead(404, { "content-type": "application/json" });
          res.end(JSON.stringify({ errcode: "M_NOT_FOUND", error: "Try GET /messages?to=…" }));
          return;
        }
        const to = url.searchParams.get("to")?.toLowerCase();
        const body = to ? mails.filter((m) => m.to.includes(to)) : mails;
        res.writeHead(200, {
          "content-type": "application/json",
          "access-control-allow-origin": "*",
        });
        res.end(JSON.stringify({ messages: body }));
      });
      const smtpPort = servicePort(ctx.instance, "smtp");
      const webPort = servicePort(ctx.instance, "mail");
      await new Promise<void>((resolve, reject) => {
        smtp.once("error", reject);
        smtp.listen(smtpPort, "127.0.0.1", () => resolve());
      });
      await new Promise<void>((resolve, reject) => {
        web.once("error", reject);
        web.listen(webPort, "127.0.0.1", () => resolve());
      });
      ctx.log(`mail catcher: SMTP 127.0.0.1:${smtpPort}, messages http://127.0.0.1:${webPort}`);
      return {
        urls: { mail: `http://127.0.0.1:${webPort}` },
        async stop() {
          await new Promise<void>((resolve) => web.close(() => resolve()));
          await new Promise<void>((resolve) => smtp.close(() => resolve()));
        },
      };
    },
  };
}
