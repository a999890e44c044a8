// day.mjs - a working day in the browser, from an empty box (issue 14, "How it is checked"). Run by
// run.tcl (`yqbox run tests/browser/run.tcl day.mjs`), which gives it a box that was only
// initialised (`yqbox init`, the HTTPS port set) and is serving, and the simulated county internet
// (tests/fixtures/serve.tcl) on port $FIXTURE. Everything else is done as the README says: the
// first units and accounts at the console (`yqbox console -d DIR`, the README's lines as printed),
// the sources on the 采集源 pages (a template and the form), a unit and the other accounts on
// 单位与用户, the patrol with `crawl now`. Then the day, each person in their own browser context:
// the handler's work list and claim queue show the new event; claim, investigation report, reply
// draft; the unit head reads the draft and the report and sends it back with a comment; the
// handler sees the comment and revises; the unit head approves; the office reads it and publishes;
// a citizen on a 390 px phone finds the reply by search and votes; the leader reads the 专报,
// writes a 批示 and sees it carried out on /instructions once the handler fulfils it.
// Every page visited is shot at 1366 and 390 px: $SHOTS/day-NN-role-page-WIDTH.png.
// Prints one line per check and ends with "N passed, N failed".
import { check, launch, finish } from "./harness.mjs";
import { secondFactor } from "./secondfactor.mjs";
import { spawnSync } from "node:child_process";

const BASE = process.env.BASE;
const SHOTS = process.env.SHOTS;
// the binary, run with --dev DIR when the test runs from a checkout
const YQBOX = [process.env.YQBOX, ...(process.env.YQBOX_DEV ? ["--dev", process.env.YQBOX_DEV] : [])];
const DATADIR = process.env.DATADIR;
const PROXY = `http://127.0.0.1:${process.env.FIXTURE}`;
// the README's passwords ("First users"), and the ones given on the pages
const PW = { office1: "a long password", handler1: "another long password", sec1: "a third long password",
             sys1: "a fourth long password", head1: "pw-head1-long", leader1: "pw-leader1-long" };
let shotNo = 0;

// consoleRun: type LINES into `yqbox console -d DATADIR` (attached to the running server) as an
// administrator would; returns what it printed. Errors when the console fails.
function consoleRun(lines) {
  const r = spawnSync(YQBOX[0], [...YQBOX.slice(1), "console", "-d", DATADIR],
                      { input: lines.join("\n") + "\n", encoding: "utf-8", timeout: 120000 });
  if (r.status !== 0) throw new Error(`console exited ${r.status}: ${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}

// shot: screenshots of PAGE as day-NN-ROLE-NAME-{1366,390}.png; returns the horizontal overflow
// (px) at 390 px. Leaves the page at 1366 px.
async function shot(page, role, name) {
  const nn = String(++shotNo).padStart(2, "0");
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.screenshot({ path: `${SHOTS}/day-${nn}-${role}-${name}-1366.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${SHOTS}/day-${nn}-${role}-${name}-390.png`, fullPage: true });
  const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.setViewportSize({ width: 1366, height: 900 });
  if (over > 0) console.log(`note day-${nn}-${role}-${name}-390.png scrolls sideways by ${over} px`);
  return over;
}

// unread: the unread count in the header of PAGE (0 when the link shows none).
async function unread(page) {
  const c = page.locator("a.inboxlink span.count");
  return (await c.count()) ? Number(await c.textContent()) : 0;
}

// workCount: the count in the menu's 我的待办 link of PAGE, or -1.
async function workCount(page) {
  const m = /我的待办（(\d+)）/.exec(await page.textContent("nav.side"));
  return m ? Number(m[1]) : -1;
}

// submit: click SELECTOR on PAGE and wait for the page it leads to.
async function submit(page, selector) {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

// act: on the event page of EVENT, open the folded form of transition NAME, fill FIELDS
// ({id-suffix: value}) and submit it.
async function act(page, event, name, fields = {}) {
  await page.goto(`${BASE}/events/${event}`);
  const form = `form[action="/events/${event}/${name}"]`;
  const fold = page.locator(`details:has(${form}) > summary`);
  if (await fold.count()) await fold.click();
  for (const [k, v] of Object.entries(fields)) {
    const el = page.locator(`#${name}-${k}`);
    if ((await el.evaluate((e) => e.tagName)) === "SELECT") await el.selectOption(v); else await el.fill(v);
  }
  await submit(page, `${form} button`);
}

const browser = await launch();
// person: a new browser context for one person, logged in through the login form.
async function person(login) {
  const page = await (await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN",
                                                  viewport: { width: 1366, height: 900 } })).newPage();
  await page.goto(`${BASE}/login`);
  await page.fill("#login", login);
  await page.fill("#password", PW[login]);
  await submit(page, "form.form button[type=submit]");
  await secondFactor(page, login);
  return page;
}

const REPORT = "经现场核实，城东路第二期拆迁补偿款因审计复核延迟发放，县住建局已协调财政于本月内发放到户。";
const DRAFT1 = "您好，您反映的城东路拆迁补偿款问题已收悉，我局正在核实。";
const COMMENT = "请写明补偿款发放的具体时间和咨询电话";
const DRAFT2 = "您好，经核实，城东路第二期拆迁补偿款将于本月30日前发放到户，如有疑问请致电县住建局0571-0000000。";
const ORDER = "请住建局确保补偿款按期足额发放，并将结果报县政府办";
const DONE = "补偿款已全部发放到户，结果已报县政府办";
let event = "", question = "";

try {
  // ---- the box is configured as the README says ----
  await check("console: the README's first units and users are accepted as printed", async () => {
    const out = consoleRun([
      "unit add 住建局 department -contact 王五 -phone 0571-0000000",
      "user add office1 张信息 信息办 -roles office -password {a long password}",
      "user add handler1 李承办 住建局 -roles handler -password {another long password}",
      "user add sec1 吴安全 信息办 -roles secadmin -password {a third long password}",
      "user add sys1 刘系统 信息办 -roles sysadmin -password {a fourth long password}",
    ]);
    return !/错误|error|未知|用法/i.test(out);
  });

  const sys = await person("sys1");
  await check("sysadmin adds a source from a template (任意订阅源) on 按模板新增", async () => {
    await sys.goto(`${BASE}/sources`);
    await shot(sys, "sys", "sources");
    await submit(sys, "a[href='/source-templates']");
    await sys.fill("#feed-value", "http://rsshub.qingshan.test/rss2.xml");
    await sys.fill("#feed-name", "qingshan-weibo");
    await sys.selectOption("#feed-tier", "government");
    await submit(sys, "#t-feed button[type=submit]");
    await shot(sys, "sys", "sources-added");
    return (await sys.textContent(".notice")).includes("qingshan-weibo")
      && (await sys.locator("td", { hasText: /^qingshan-weibo$/ }).count()) === 1;
  });
  await check("sysadmin adds the 问政 platform's API with the form on 采集源", async () => {
    await sys.goto(`${BASE}/sources`);
    await sys.fill("#s-name", "qingshan-wenzheng");
    await sys.fill("#s-title", "青山问政平台");
    await sys.selectOption("#s-type", "json");
    await sys.fill("#s-url", "http://wenzheng.qingshan.test/posts.json");
    await sys.selectOption("#s-tier", "government");
    await sys.fill("#s-rules", "items data.list link url title title author author.nick time ctime replies reply_count views view_count");
    await submit(sys, "form[action='/sources'].form button[type=submit]");
    return (await sys.textContent(".notice")).includes("qingshan-wenzheng");
  });
  await check("the sources reach the fictional hosts through the fixture proxy (console: source set)", async () => {
    // the pages have no proxy field: the console sets it, as the README's default sources do
    const out = consoleRun([`source set qingshan-weibo proxy ${PROXY}`, `source set qingshan-wenzheng proxy ${PROXY}`]);
    return !/error|错误/i.test(out);
  });
  await check("sysadmin adds the unit 县领导 on 单位与用户", async () => {
    await sys.goto(`${BASE}/units`);
    await sys.fill("#u-name", "县领导");
    await sys.selectOption("#u-kind", "leadership");
    await submit(sys, "form[action='/units'] button[type=submit]");
    await shot(sys, "sys", "units");
    return (await sys.textContent(".notice")).includes("县领导")
      && (await sys.locator("table td", { hasText: /^县领导$/ }).count()) === 1;
  });
  const sec = await person("sec1");
  await check("security admin adds the unit head and the leader on 单位与用户", async () => {
    for (const [login, name, unit, role] of [["head1", "王负责", "住建局", "unithead"], ["leader1", "孙县长", "县领导", "leader"]]) {
      await sec.goto(`${BASE}/units`);
      await sec.fill("#n-login", login);
      await sec.fill("#n-name", name);
      await sec.selectOption("#n-unit", unit);
      await sec.selectOption("#n-role", role);
      await sec.fill("#n-pw", PW[login]);
      await submit(sec, "form[action='/users'] button[type=submit]");
      if (!(await sec.textContent(".notice")).includes(login)) return false;
    }
    await shot(sec, "sec", "users");
    return (await sec.locator("table td", { hasText: /^孙县长$/ }).count()) === 1;
  });
  await check("console: crawl now patrols the two sources and finds new posts", async () => {
    const out = consoleRun(["crawl now"]);
    const m = /(\d+) 个采集源，新帖 (\d+) 条/.exec(out);
    if (!m) throw new Error(out.trim());
    return Number(m[1]) === 2 && Number(m[2]) >= 2;
  });

  // ---- the handler: the new event is in the work list and the claim queue ----
  const handler = await person("handler1");
  await check("handler lands on 我的待办 with the new 拆迁 event to claim, counted in the menu", async () => {
    const row = handler.locator("table.work tbody tr", { hasText: "拆迁" });
    await shot(handler, "handler", "work");
    const href = await row.first().locator("a[href^='/events/']").first().getAttribute("href");
    event = /\/events\/(\d+)/.exec(href)[1];
    return new URL(handler.url()).pathname === "/work" && (await handler.textContent("h1")) === "我的待办"
      && (await row.textContent()).includes("认领")
      && (await workCount(handler)) === await handler.locator("table.work tbody tr").count();
  });
  await check("handler's 认领 queue shows it; claiming says so", async () => {
    await handler.goto(`${BASE}/queue`);
    await shot(handler, "handler", "queue");
    await submit(handler, `form[action="/events/${event}/claim"] button`);
    return (await handler.textContent(".notice")).includes("认领")
      && (await handler.textContent("p.meta")).includes("承办单位 住建局");
  });
  const office = await person("office1");
  await check("office sends the 专报 to the leaders (报送专报)", async () => {
    await act(office, event, "report");
    await shot(office, "office", "event-reported");
    return (await office.textContent(".notice")).includes("报送专报")
      && (await office.locator("a[href^='/documents/']", { hasText: "专报" }).count()) >= 1;
  });
  await check("handler starts the investigation and files the report", async () => {
    await act(handler, event, "investigate", { handler: "李承办", contact: "0571-88880000" });
    await act(handler, event, "conclude", { report: REPORT });
    await shot(handler, "handler", "event-investigated");
    return (await handler.textContent(".notice")).includes("核实调查报告")
      && (await handler.textContent("section#h-report, section.review")).includes("审计复核");
  });
  await check("handler drafts the reply", async () => {
    await handler.goto(`${BASE}/events/${event}/reply`);
    question = (await handler.inputValue("#question")).trim();
    await handler.fill("#body", DRAFT1);
    await shot(handler, "handler", "reply-draft");
    await submit(handler, "form.form button[type=submit]");
    return (await handler.locator(".notice").count()) === 1 && question.length > 0;
  });

  // ---- the unit head reads everything, sends back, then approves ----
  const head = await person("head1");
  await check("unit head: the draft is in 我的待办 and the inbox has an unread notice", async () => {
    await shot(head, "head", "work");
    return (await head.locator("table.work tbody tr", { hasText: "拆迁" }).count()) >= 1 && (await unread(head)) >= 1;
  });
  await check("unit head reads the full draft and the investigation report on the event page", async () => {
    await head.goto(`${BASE}/events/${event}`);
    await shot(head, "head", "event-review");
    const text = await head.textContent("body");
    return text.includes(DRAFT1) && text.includes("审计复核") && text.includes("核实调查报告")
      && (await head.locator(`form[action="/events/${event}/approve"]`).count()) === 1;
  });
  await check("unit head sends it back (退回修改) with a comment", async () => {
    await act(head, event, "sendback", { comment: COMMENT });
    return (await head.textContent(".notice")).includes("退回修改");
  });
  await check("handler is told, sees the comment and revises the draft", async () => {
    await handler.goto(`${BASE}/work`);
    const told = await unread(handler);
    await shot(handler, "handler", "work-sentback");
    await handler.goto(`${BASE}/events/${event}`);
    const seen = (await handler.textContent("body")).includes(COMMENT);
    await handler.goto(`${BASE}/events/${event}/reply`);
    await handler.fill("#body", DRAFT2);
    await submit(handler, "form.form button[type=submit]");
    return told >= 1 && seen && (await handler.locator(".notice").count()) === 1;
  });
  await check("unit head sees what changed since the first draft and approves", async () => {
    await head.goto(`${BASE}/events/${event}`);
    const text = await head.textContent("body");
    await shot(head, "head", "event-revised");
    await act(head, event, "approve");
    return text.includes("第 2 稿") && text.includes("与第 1 稿相比的改动") && text.includes(COMMENT)
      && (await head.textContent(".notice")).includes("审定");
  });

  // ---- the office reads and publishes ----
  // (an event that is not high-attention is published without the office's 审核; see the report)
  await check("office: the approved reply is in 我的待办; it reads the full text and publishes", async () => {
    await office.goto(`${BASE}/work`);
    await shot(office, "office", "work");
    const listed = (await office.locator("table.work tbody tr", { hasText: "拆迁" }).count()) >= 1;
    await office.goto(`${BASE}/events/${event}`);
    const text = await office.textContent("body");
    await act(office, event, "publish");
    await shot(office, "office", "event-published");
    return listed && text.includes(DRAFT2) && (await office.textContent(".notice")).includes("发布")
      && (await office.locator(`a[href^="/replies/"]`, { hasText: "公开页面" }).count()) === 1;
  });

  // ---- a citizen on a phone ----
  const phone = await (await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN",
    viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
  await check("citizen (390 px phone) finds the reply by searching 拆迁 in the public column", async () => {
    await phone.goto(`${BASE}/replies/`);
    await phone.fill("#q", "拆迁");
    await submit(phone, "form.search button[type=submit]");
    const item = phone.locator("li.reply", { hasText: "拆迁" });
    const over = await shot(phone, "citizen", "search");
    await phone.setViewportSize({ width: 390, height: 844 });
    return new URL(phone.url()).searchParams.get("q") === "拆迁" && (await item.count()) >= 1 && over <= 0;
  });
  await check("citizen opens it, reads the reply and votes 满意", async () => {
    await submit(phone, "li.reply h3 a");
    const text = await phone.textContent("article.reply");
    await phone.check("input[name=choice][value=satisfied]");
    await submit(phone, "form.vote button[type=submit]");
    await shot(phone, "citizen", "reply");
    await phone.setViewportSize({ width: 390, height: 844 });
    return text.includes("本月30日前发放到户")
      && (await phone.textContent("#vote .notice")).includes("感谢")
      && (await phone.textContent("#votes-satisfied")) === "1";
  });

  // ---- the leader: 专报, 批示, carried out ----
  const leader = await person("leader1");
  let doc = "";
  await check("leader: the 专报 is in 我的待办; it opens it and writes a 批示", async () => {
    await shot(leader, "leader", "work");
    const link = leader.locator("a[href^='/documents/']").first();
    doc = /\/documents\/(\d+)/.exec(await link.getAttribute("href"))[1];
    await leader.goto(`${BASE}/documents/${doc}`);
    const title = await leader.locator("h1").first().textContent();
    await leader.fill("#i-text", ORDER);
    await leader.fill("#i-days", "5");
    await submit(leader, "aside#instruct button[type=submit]");
    await shot(leader, "leader", "report-instructed");
    return title.includes("专报") && (await leader.textContent("p.notice")).includes("已签批");
  });
  await check("handler fulfils the 批示 on the event page (落实批示)", async () => {
    await handler.goto(`${BASE}/events/${event}`);
    const fold = handler.locator(`details:has(form[action="/events/${event}/fulfil"]) > summary`);
    if (await fold.count()) await fold.click();
    const opt = await handler.locator("#fulfil-instruction option", { hasText: ORDER.slice(0, 8) }).getAttribute("value");
    await act(handler, event, "fulfil", { instruction: opt, result: DONE });
    await shot(handler, "handler", "event-fulfilled");
    return (await handler.textContent(".notice")).includes("落实批示");
  });
  await check("leader sees it carried out on /instructions (已落实 with the result)", async () => {
    await leader.goto(`${BASE}/instructions`);
    await shot(leader, "leader", "instructions");
    const row = await leader.locator("#instructions tr", { hasText: ORDER }).textContent();
    return row.includes("已落实") && row.includes(DONE.slice(0, 8)) && (await unread(leader)) >= 1;
  });
} finally {
  await browser.close();
}
finish();
