// reports.mjs - a leader's 批示 on a 专报 in Chromium (run by tests/reports.test, which starts the
// server with the leader LOGIN, the office user OFFICE and the 专报 REPORT): the leader opens the
// 专报, writes a 批示 under it with its time limit, is told it was signed with its due date, and finds
// it on /instructions (我的批示, linked from the 专报) with its progress; the 专报 page and /instructions fit 1366 and 390
// px without sideways scrolling, and the 批示 form is not printed. The office's 日报周报 page and a
// preview fit too. Screenshots report-instruct-{1366,390}.png, instructions-{1366,390}.png,
// reports-{1366,390}.png and reports-preview-390.png go to $SHOTS.
// Prints one line per check and ends with "N passed, N failed".
import { check, launch, finish, loginPage } from "./harness.mjs";

const BASE = process.env.BASE;
const SHOTS = process.env.SHOTS;
const LOGIN = process.env.LOGIN;
const OFFICE = process.env.OFFICE;
const REPORT = process.env.REPORT;
const TEXT = "请住建局会同东城镇连夜核实，五个工作日内答复群众";

const browser = await launch();
try {
  const page = await loginPage(browser, LOGIN);
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  await check("the leader opens the 专报 and finds the 批示 form under it, at 1366 and 390 px", async () => {
    await page.goto(`${BASE}/documents/${REPORT}`);
    const title = await page.locator("h1").first().textContent();
    const form = await page.locator("aside#instruct form.instruct").count();
    await page.locator("aside#instruct").scrollIntoViewIfNeeded();
    const wide = await overflow();
    await page.setViewportSize({ width: 390, height: 844 });
    const narrow = await overflow();
    await page.setViewportSize({ width: 1366, height: 900 });
    return title.includes("网络舆情专报") && form === 1 && wide <= 0 && narrow <= 0;
  });
  await check("the 批示 form is not printed", async () => {
    await page.emulateMedia({ media: "print" });
    const shown = await page.locator("aside#instruct").isVisible();
    await page.emulateMedia({ media: "screen" });
    return !shown;
  });
  await check("writing the 批示 signs it: the 专报 says so with the due date and lists it", async () => {
    await page.fill("#i-text", TEXT);
    await page.fill("#i-days", "5");
    await Promise.all([page.waitForNavigation(), page.click("aside#instruct button[type=submit]")]);
    const notice = await page.locator("p.notice").textContent();
    const item = await page.locator("aside#instruct li", { hasText: TEXT }).textContent();
    await page.screenshot({ path: `${SHOTS}/report-instruct-1366.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SHOTS}/report-instruct-390.png`, fullPage: true });
    const narrow = await overflow();
    await page.setViewportSize({ width: 1366, height: 900 });
    return notice.includes("已签批，落实时限") && item.includes("落实时限") && item.includes("落实中") && narrow <= 0;
  });
  await check("the leader finds it on /instructions (我的批示) with its due date and progress, at 1366 and 390 px", async () => {
    await page.click("nav.screen-only a[href='/instructions']");
    await page.waitForURL(`${BASE}/instructions`);
    const row = await page.locator("#instructions tr", { hasText: TEXT }).textContent();
    await page.screenshot({ path: `${SHOTS}/instructions-1366.png`, fullPage: true });
    const wide = await overflow();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SHOTS}/instructions-390.png`, fullPage: true });
    const narrow = await overflow();
    return (await page.locator("h1").textContent()) === "我的批示" && row.includes("落实中")
      && /\d{4}年\d+月\d+日/.test(row) && wide <= 0 && narrow <= 0;
  });
  await check("the office's 日报周报 page and a preview fit 1366 and 390 px", async () => {
    const office = await loginPage(browser, OFFICE);
    const over = () => office.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await office.goto(`${BASE}/reports`);
    await office.screenshot({ path: `${SHOTS}/reports-1366.png`, fullPage: true });
    const wide = await over();
    await office.setViewportSize({ width: 390, height: 844 });
    await office.screenshot({ path: `${SHOTS}/reports-390.png`, fullPage: true });
    const narrow = await over();
    await Promise.all([office.waitForNavigation(), office.click("form.filters button[type=submit]")]);
    await office.screenshot({ path: `${SHOTS}/reports-preview-390.png`, fullPage: true });
    const preview = await over();
    const button = await office.locator("nav.preview button").textContent();
    return wide <= 0 && narrow <= 0 && preview <= 0 && button.includes("印发");
  });
} finally {
  await browser.close();
}
finish();
