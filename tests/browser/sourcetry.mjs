// sourcetry.mjs - a source in one URL in Chromium (run by tests/sourcetryweb.test, which starts the
// server with the manager LOGIN and the fixture internet behind PROXY): on /sources the admin
// pastes a forum board's URL (the proxy under 高级选项), the page refreshes by itself until the
// preview is there; it fits 1366 and 390 px; emptying a rule and pressing 预览 shows the new
// preview (建议后修改); saving lands on /sources with the confirmation; /source-try lists the try as
// saved; a URL that is no http URL is refused on the page with the reason and the text kept.
// Screenshots sourcetry-1366.png, sourcetry-390.png (and its preview and detail parts at phone
// height), sourcetry-edited-1366.png, sourcetry-refused-390.png go to $SHOTS. Prints one line per check and ends with
// "N passed, N failed".
import { check, launch, finish } from "./harness.mjs";
import { secondFactor } from "./secondfactor.mjs";

const BASE = process.env.BASE;
const SHOTS = process.env.SHOTS;
const LOGIN = process.env.LOGIN;
const PROXY = process.env.PROXY;
const LIST = "http://shapes.qingshan.test/phpwind.html";

const browser = await launch();
try {
  const page = await (await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN",
                                                  viewport: { width: 1366, height: 900 } })).newPage();
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const titles = () => page.locator("table.preview td[data-label='标题']").allTextContents();
  await page.goto(`${BASE}/login`);
  await page.fill("#login", LOGIN);
  await page.fill("#password", `pw-${LOGIN}-123`);
  await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
  await secondFactor(page, LOGIN);

  await check("a URL pasted on /sources leads to its page, which refreshes by itself until the preview is there", async () => {
    await page.goto(`${BASE}/sources`);
    await page.fill("#try-url", LIST);
    await page.click("form.tryurl summary");
    await page.fill("#try-proxy", PROXY);
    await Promise.all([page.waitForNavigation(), page.click("form.tryurl button[type=submit]")]);
    const onTry = /^\/source-try\/\d+$/.test(new URL(page.url()).pathname);
    await page.locator("table.preview").waitFor({ timeout: 30000 });
    const t = await titles();
    await page.screenshot({ path: `${SHOTS}/sourcetry-1366.png`, fullPage: true });
    return onTry && t.length === 5 && t[0] === "桃源镇卫生院夜间没有值班医生" && (await overflow()) <= 0
      && (await page.locator("section.tryrules").textContent()).includes("自动建议");
  });
  await check("the try page fits a 390 px phone (preview rows as cards, long rules and links wrapped)", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SHOTS}/sourcetry-390.png`, fullPage: true });
    await page.locator("table.preview").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/sourcetry-preview-390.png` });
    await page.locator("dl.detail").scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/sourcetry-detail-390.png` });
    const narrow = await overflow();
    await page.setViewportSize({ width: 1366, height: 900 });
    return narrow <= 0;
  });
  await check("emptying a rule and pressing 预览 shows the new preview, the rule marked as changed", async () => {
    await page.fill("#r-views", "");
    await Promise.all([page.waitForNavigation(), page.click("form.rules button[type=submit]")]);
    await page.locator("table.preview").waitFor({ timeout: 30000 });
    const views = await page.locator("table.preview td[data-label='浏览']").allTextContents();
    await page.screenshot({ path: `${SHOTS}/sourcetry-edited-1366.png`, fullPage: true });
    return views.length === 5 && views.every(v => v === "") && (await titles()).length === 5
      && (await page.locator("small.edited").count()) === 1
      && (await page.locator("form.save").textContent()).includes("建议后修改");
  });
  await check("保存为采集源 lands on /sources with the confirmation naming how the rules were made", async () => {
    await page.fill("#s-name", "browser-bbs");
    await page.selectOption("#s-tier", "forum");
    await page.fill("#s-title", "青山论坛");
    await Promise.all([page.waitForNavigation(), page.click("form.save button[type=submit]")]);
    const notice = await page.locator("p.notice").textContent();
    return new URL(page.url()).pathname === "/sources" && notice.includes("已保存采集源 browser-bbs")
      && notice.includes("建议后修改") && (await page.locator("td", { hasText: "browser-bbs" }).count()) === 1;
  });
  await check("/source-try lists the user's tries, the saved one as saved", async () => {
    await page.goto(`${BASE}/source-try`);
    return (await page.locator("table.list td", { hasText: "已保存为 browser-bbs" }).count()) === 1;
  });
  await check("a URL that is no http URL is refused on the page with the reason and the text kept (390 px)", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${BASE}/sources`);
    await page.fill("#try-url", "ftp://shapes.qingshan.test/list");
    await Promise.all([page.waitForNavigation(), page.click("form.tryurl button[type=submit]")]);
    const problems = await page.locator(".problems").textContent();
    await page.screenshot({ path: `${SHOTS}/sourcetry-refused-390.png`, fullPage: true });
    const narrow = await overflow();
    await page.setViewportSize({ width: 1366, height: 900 });
    return problems.includes("网址须以 http:// 或 https:// 开头")
      && (await page.inputValue("#try-url")) === "ftp://shapes.qingshan.test/list" && narrow <= 0;
  });
} finally {
  await browser.close();
}
finish();
