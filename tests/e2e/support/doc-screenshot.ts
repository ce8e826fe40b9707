import type { Page } from "playwright-core";

/**
 * A README picture of the page: always written to .local/ (to look at after any run), and to
 * web/docs/ — the committed copy — when TCHAP_UPDATE_DOCS=1.
 */
export async function docScreenshot(page: Page, name: string): Promise<void> {
  await page.mouse.move(0, 0);
  await page.screenshot({ path: `.local/${name}` });
  if (process.env.TCHAP_UPDATE_DOCS === "1") await page.screenshot({ path: `web/docs/${name}` });
}
