// commissions.mjs - the 约稿 pages in Chromium (run by tests/bugs.test, which starts the server with
// an office user OFFICE, a unit handler UNIT and a notice ID sent to that unit): the office's list
// with the form picking units by checkbox, and the notice's page as the office and as the unit,
// each fitting 1366 and 390 px without sideways scrolling. Screenshots commissions-1366.png,
// commissions-390.png, commission-office-1366.png, commission-office-390.png,
// commission-unit-1366.png and commission-unit-390.png go to $SHOTS.
// Prints one line per check and ends with "N passed, N failed".
import { chromium } from "playwright-core";

const { BASE, SHOTS, OFFICE, UNIT, ID } = process.env;
let passed = 0, failed = 0;

// check: run FN as the check NAME; a thrown error or a false result fails it.
async function check(name, fn) {
  try {
    const ok = await fn();
    if (ok === false) throw new Error("condition false");
    passed++; console.log(`ok   ${name}`);
  } catch (e) {
    failed++; console.log(`FAIL ${name}: ${String(e.message || e).split("\n")[0]}`);
  }
}

// login: a new page logged in as LOGIN (password pw-LOGIN-123).
async function login(browser, who) {
  const page = await (await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN",
                                                  viewport: { width: 1366, height: 900 } })).newPage();
  await page.goto(`${BASE}/login`);
  await page.fill("#login", who);
  await page.fill("#password", `pw-${who}-123`);
  await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
  return page;
}

// shots: PATH on PAGE at 1366 and 390 px, saved as NAME-WIDTH.png; whether neither scrolls sideways.
async function shots(page, path, name) {
  let ok = true;
  for (const [w, h] of [[1366, 900], [390, 844]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.goto(`${BASE}${path}`);
    await page.screenshot({ path: `${SHOTS}/${name}-${w}.png`, fullPage: true });
    const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (over > 0) { ok = false; console.log(`  ${name} at ${w} px scrolls ${over} px sideways`); }
  }
  return ok;
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium", headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  const office = await login(browser, OFFICE);
  await check("the office's 约稿 list picks the units by checkbox and fits 1366 and 390 px", async () => {
    const fits = await shots(office, "/commissions", "commissions");
    return fits && (await office.locator("#commission-form input[type=checkbox]").count()) > 1;
  });
  await check("the notice's page shows the office its text and every unit's due date, at 1366 and 390 px", async () => {
    const fits = await shots(office, `/commissions/${ID}`, "commission-office");
    return fits && (await office.locator("#commission-text").isVisible())
      && (await office.locator("#commission-units tbody tr").count()) > 1;
  });
  const unit = await login(browser, UNIT);
  await check("the unit reads the notice and only its own row, at 1366 and 390 px", async () => {
    const fits = await shots(unit, `/commissions/${ID}`, "commission-unit");
    return fits && (await unit.locator("#commission-text").isVisible())
      && (await unit.locator("#commission-units tbody tr").count()) === 1;
  });
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
