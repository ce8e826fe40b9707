import { directoryService } from "../directory/directory-service.ts";
import { mailCatcherService } from "../mail/mail-catcher.ts";
import { rtcStackService } from "../../../rtc/stack/rtc-service.ts";
import { webService } from "../../../web/server/web-service.ts";
import { botsService } from "../../../bots/stack/bots-service.ts";
import type { StackService } from "./service.ts";

/**
 * Every service `npm start` and the integration tests run beside the homeservers, in start
 * order. Each part of the product (directory, RTC, web, bots) adds its own entry here.
 */
export function allServices(): StackService[] {
  return [mailCatcherService(), directoryService(), rtcStackService(), webService(), botsService()];
}
