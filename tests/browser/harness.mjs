// harness.mjs - what every browser script shares: Debian's Chromium launched the same way, the
// checks counted and printed one line each ("ok   NAME" / "FAIL NAME: why" / "skip NAME: why"), and
// the closing line "N passed, N failed[, N skipped]" that run.tcl and the suites read (finish).
import { chromium } from "playwright-core";
import { secondFactor } from "./secondfactor.mjs";

export const counts = { passed: 0, failed: 0, skipped: 0 };

// pass / fail / skip: count check NAME as passed, failed (WHY) or skipped (WHY) and print its line.
export function pass(name) { counts.passed++; console.log(`ok   ${name}`); }
export function fail(name, why) { counts.failed++; console.log(`FAIL ${name}: ${why}`); }
export function skip(name, why) { counts.skipped++; console.log(`skip ${name}: ${why}`); }

// check: run FN as the check NAME; a thrown error or a false result fails it.
export async function check(name, fn) {
  try {
    const ok = await fn();
    if (ok === false) throw new Error("condition false");
    pass(name);
  } catch (e) {
    fail(name, String(e.message || e).split("\n")[0]);
  }
}

// launch: Debian's Chromium, headless, with nothing of its own going to the network.
export function launch() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium", headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

// finish: print the closing line (with the skipped count when WITHSKIPPED) and exit, 1 if a check failed.
export function finish(withSkipped = false) {
  const { passed, failed, skipped } = counts;
  console.log(withSkipped ? `${passed} passed, ${failed} failed, ${skipped} skipped` : `${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

// loginPage: a new 1366 px page of BROWSER logged in at $BASE as WHO with PASSWORD (default
// pw-WHO-123), an administrator's second factor passed.
export async function loginPage(browser, who, password = `pw-${who}-123`) {
  const page = await (await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN",
                                                  viewport: { width: 1366, height: 900 } })).newPage();
  await page.goto(`${process.env.BASE}/login`);
  await page.fill("#login", who);
  await page.fill("#password", password);
  await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
  await secondFactor(page, who);
  return page;
}

// fits: URL on PAGE at 1366 and 390 px, each width's full page saved as $SHOTS/NAME-WIDTH.png;
// whether neither width scrolls sideways (an overflow is printed with its width).
export async function fits(page, url, name) {
  let ok = true;
  for (const [w, h] of [[1366, 900], [390, 844]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.goto(url);
    await page.screenshot({ path: `${process.env.SHOTS}/${name}-${w}.png`, fullPage: true });
    const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (over > 0) { ok = false; console.log(`  ${name} at ${w} px scrolls ${over} px sideways`); }
  }
  return ok;
}
