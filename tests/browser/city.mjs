// city.mjs - the pages of the link between boxes in Chromium (run by tests/fedcity.test, which
// starts a city box with one member county's reports, and then that county's box): on the city,
// 县区汇总, the county events and one event's timeline, the drill-down to a county, the ranking,
// 政务信息 against quotas (and adopting an item there), the 2-hour table and the tasks page, as the
// city office (OFFICE); on the county (when COUNTY_BASE is set), the office's work list with the
// repost task and the task's page. Each page at 1366 and 390 px without sideways scrolling; screenshots city-NAME-WIDTH.png
// go to $SHOTS. Prints one line per check and ends with "N passed, N failed".
import { check, fits, launch, finish, loginPage } from "./harness.mjs";

const { BASE, SHOTS, OFFICE, COUNTY_BASE } = process.env;

// shots: PATH (under base B) on PAGE at 1366 and 390 px, saved as city-NAME-WIDTH.png; whether
// neither width scrolls sideways.
const shots = (page, b, path, name) => fits(page, `${b}${path}`, `city-${name}`);

const browser = await launch();
try {
  const office = await loginPage(browser, OFFICE);
  const pages = [
    ["/city", "dashboard", "#counties tbody tr"],
    ["/city/events", "events", "#events tbody tr"],
    ["/city/events/1/1", "event", "ol.timeline li"],
    ["/city/counties/1", "county", "#events tbody tr"],
    ["/city/assessment", "assessment", "#ranking tbody tr"],
    ["/city/submissions", "submissions", "#quotas tbody tr"],
    ["/city/twohour", "twohour", "main h1"],
    ["/city/tasks", "tasks", "#tasks tbody tr"],
  ];
  for (const [path, name, sel] of pages) {
    await check(`city ${path} shows its content and fits 1366 and 390 px`, async () => {
      const fits = await shots(office, BASE, path, name);
      return fits && (await office.locator(sel).count()) > 0;
    });
  }
  await check("the city office adopts a county's 政务信息 item on its page and reads 已采用, at 1366 and 390 px", async () => {
    await office.goto(`${BASE}/city/submissions`);
    await Promise.all([office.waitForNavigation(), office.locator("#items form.inline button", { hasText: "采用" }).first().click()]);
    const adopted = (await office.locator("#items td", { hasText: "已采用" }).count()) > 0;
    return adopted && (await shots(office, BASE, "/city/submissions", "submissions-adopted"));
  });
  if (COUNTY_BASE) {
    const county = await (await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN" })).newPage();
    await county.goto(`${COUNTY_BASE}/login`);
    await county.fill("#login", OFFICE);
    await county.fill("#password", `pw-${OFFICE}-123`);
    await Promise.all([county.waitForNavigation(), county.click("form.form button[type=submit]")]);
    await check("the county office's work list shows the city's repost task with its clock, at 1366 and 390 px", async () => {
      const fits = await shots(county, COUNTY_BASE, "/work", "county-work");
      return fits && (await county.locator('a[href="/reposts/2"]').count()) > 0;
    });
    await check("the repost task's page shows its clock and the form, at 1366 and 390 px", async () => {
      const fits = await shots(county, COUNTY_BASE, "/reposts/2", "county-repost");
      return fits && (await county.locator('form input[name="url"]').count()) === 1;
    });
  }
} finally {
  await browser.close();
}
finish();
