import { access } from "node:fs/promises";
import { chromium, type Browser } from "playwright-core";

const CHROMIUM_PATH = "/usr/bin/chromium";

/** Real headless Chromium from Debian (`npx playwright install` cannot download here). */
export async function launchChromium(): Promise<Browser> {
  try {
    await access(CHROMIUM_PATH);
  } catch {
    throw new Error(`${CHROMIUM_PATH} is missing: install Debian package chromium (apt-get install -y chromium)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
