import type { Page } from "playwright-core";

/** Sign in through the real /login page, as an operator would, and wait for the fleet page. */
export async function signInPage(page: Page, baseUrl: string, username: string, password: string, next = "/"): Promise<void> {
  await page.goto(`${baseUrl}/login?next=${encodeURIComponent(next)}`);
  await page.getByTestId("username").fill(username);
  await page.getByTestId("password").fill(password);
  await page.getByTestId("sign-in-button").click();
  await page.getByTestId("signed-in-as").waitFor();
}

/** The header's "Sign out": back on the sign-in page. */
export async function signOutPage(page: Page): Promise<void> {
  await page.getByTestId("sign-out").click();
  await page.getByTestId("sign-in-form").waitFor();
}
