// public.mjs - the public column in Chromium (run by tests/public.test, whose server has a
// published reply about 路灯 and no votes yet): a citizen on a 390 px phone opens /replies/, finds
// the reply by searching 路灯, opens it, votes 满意 and is thanked with the count shown; the list,
// the search results and the reply page fit 390 and 1366 px without sideways scrolling.
// Screenshots public-list-390.png, public-search-390.png, public-reply-390.png,
// public-list-1366.png, public-search-1366.png and public-reply-1366.png go to $SHOTS.
// Prints one line per check and ends with "N passed, N failed".
import { check, launch, finish } from "./harness.mjs";

const BASE = process.env.BASE;
const SHOTS = process.env.SHOTS;

const browser = await launch();
try {
  const phone = await (await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN",
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
  const overflow = (p) => p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  let replyUrl = "";

  await check("phone: the column opens with the government's name and the search form", async () => {
    const r = await phone.goto(`${BASE}/replies/`);
    await phone.screenshot({ path: `${SHOTS}/public-list-390.png`, fullPage: true });
    return r.status() === 200 && (await phone.textContent("header.top")).includes("县人民政府")
      && await phone.locator("input#q").isVisible() && (await overflow(phone)) <= 0;
  });
  await check("phone: searching 路灯 finds the reply", async () => {
    await phone.fill("#q", "路灯");
    await Promise.all([phone.waitForNavigation(), phone.click("form.search button[type=submit]")]);
    await phone.screenshot({ path: `${SHOTS}/public-search-390.png`, fullPage: true });
    const items = phone.locator("li.reply");
    replyUrl = await items.first().locator("h3 a").getAttribute("href");
    return (await items.count()) >= 1 && (await items.first().textContent()).includes("路灯")
      && (await overflow(phone)) <= 0;
  });
  await check("phone: the reply shows its status and dates and the vote", async () => {
    await Promise.all([phone.waitForNavigation(), phone.click("li.reply h3 a")]);
    const meta = await phone.locator("article.reply").textContent();
    return meta.includes("办理状态") && meta.includes("网民反映") && meta.includes("年")
      && await phone.locator("form.vote").isVisible();
  });
  await check("phone: voting 满意 thanks the citizen and counts the vote", async () => {
    await phone.check("input[name=choice][value=satisfied]");
    await Promise.all([phone.waitForNavigation(), phone.click("form.vote button[type=submit]")]);
    await phone.screenshot({ path: `${SHOTS}/public-reply-390.png`, fullPage: true });
    return (await phone.textContent("#vote .notice")).includes("感谢")
      && (await phone.textContent("#votes-satisfied")) === "1" && (await overflow(phone)) <= 0;
  });
  await check("phone: a second vote from the same phone is refused with the reason", async () => {
    await phone.goto(`${BASE}${replyUrl}`);
    await phone.check("input[name=choice][value=unsatisfied]");
    await Promise.all([phone.waitForNavigation(), phone.click("form.vote button[type=submit]")]);
    return (await phone.textContent("#vote .problems")).includes("已对这条回应作过评价")
      && (await phone.textContent("#votes-unsatisfied")) === "0"
      && await phone.isChecked("input[name=choice][value=unsatisfied]");
  });

  const desk = await (await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN",
    viewport: { width: 1366, height: 900 } })).newPage();
  await check("desktop: list and search results fit 1366 px", async () => {
    await desk.goto(`${BASE}/replies/`);
    await desk.screenshot({ path: `${SHOTS}/public-list-1366.png`, fullPage: true });
    const a = await overflow(desk);
    await desk.goto(`${BASE}/replies/?q=${encodeURIComponent("路灯")}`);
    await desk.screenshot({ path: `${SHOTS}/public-search-1366.png`, fullPage: true });
    return a <= 0 && (await overflow(desk)) <= 0 && (await desk.locator("li.reply").count()) >= 1;
  });
  await check("desktop: the reply page fits 1366 px and shows the count", async () => {
    await desk.goto(`${BASE}${replyUrl}`);
    await desk.screenshot({ path: `${SHOTS}/public-reply-1366.png`, fullPage: true });
    return (await overflow(desk)) <= 0 && (await desk.textContent("#votes-satisfied")) === "1";
  });
} finally {
  await browser.close();
}
finish();
