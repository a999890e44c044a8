// inbox.mjs - the in-page inbox in Chromium (run by tests/inbox.test, which starts the server with a
// user LOGIN whose inbox holds read and unread notices): the header of a staff page shows the
// unread count, /inbox lists the notices with the unread marked, "标为已读" lowers the count by one,
// the header and the page fit 1366 and 390 px without sideways scrolling, and so does the settings
// page with its 短信 column (the server has an SMS gateway). Screenshots inbox-1366.png,
// inbox-390.png, inbox-header-1366.png, inbox-header-390.png, inbox-settings-1366.png and
// inbox-settings-390.png go to $SHOTS.
// Prints one line per check and ends with "N passed, N failed".
import { check, launch, finish } from "./harness.mjs";

const BASE = process.env.BASE;
const SHOTS = process.env.SHOTS;
const LOGIN = process.env.LOGIN;

const browser = await launch();
try {
  const page = await (await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN",
                                                  viewport: { width: 1366, height: 900 } })).newPage();
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const count = async () => {
    const c = page.locator("header.top a.inboxlink .count");
    return (await c.count()) ? Number(await c.textContent()) : 0;
  };
  await page.goto(`${BASE}/login`);
  await page.fill("#login", LOGIN);
  await page.fill("#password", `pw-${LOGIN}-123`);
  await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);

  let before = 0;
  await check("the header of a staff page shows the unread count, at 1366 and 390 px", async () => {
    await page.goto(`${BASE}/calendar`);
    before = await count();
    await page.screenshot({ path: `${SHOTS}/inbox-header-1366.png`, clip: { x: 0, y: 0, width: 1366, height: 140 } });
    const wide = await overflow();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SHOTS}/inbox-header-390.png`, clip: { x: 0, y: 0, width: 390, height: 220 } });
    const narrow = await overflow();
    await page.setViewportSize({ width: 1366, height: 900 });
    return before > 0 && wide <= 0 && narrow <= 0 && await page.locator("header.top a.inboxlink").isVisible();
  });
  await check("the header link opens /inbox with the unread notices marked", async () => {
    await Promise.all([page.waitForNavigation(), page.click("header.top a.inboxlink")]);
    const unread = await page.locator("ul.inbox li.unread").count();
    const badges = await page.locator("ul.inbox li.unread .badge").count();
    await page.screenshot({ path: `${SHOTS}/inbox-1366.png`, fullPage: true });
    return new URL(page.url()).pathname === "/inbox" && unread > 0 && badges === unread && (await overflow()) <= 0;
  });
  await check("标为已读 lowers the header's count by one and shows the confirmation", async () => {
    await Promise.all([page.waitForNavigation(), page.click("ul.inbox li.unread form button")]);
    const notice = await page.locator("p.notice").textContent();
    return (await count()) === before - 1 && notice.includes("已标为已读");
  });
  await check("/inbox fits a 390 px phone", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${BASE}/inbox`);
    await page.screenshot({ path: `${SHOTS}/inbox-390.png`, fullPage: true });
    return (await overflow()) <= 0;
  });
  await check("通知设置 (with the SMS gateway configured) offers 短信 per kind and fits 1366 and 390 px", async () => {
    await page.goto(`${BASE}/settings/notify`);
    const sms = await page.locator("input[name^=sms_]").count();
    await page.screenshot({ path: `${SHOTS}/inbox-settings-390.png`, fullPage: true });
    const narrow = await overflow();
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.screenshot({ path: `${SHOTS}/inbox-settings-1366.png`, fullPage: true });
    return sms === 5 && narrow <= 0 && (await overflow()) <= 0;
  });
} finally {
  await browser.close();
}
finish();
