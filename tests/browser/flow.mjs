// flow.mjs - the browser test of the web pages (run by run.tcl, which sets up the server):
// Playwright (playwright-core) driving Debian's Chromium through what people do: the info office
// logs in and sees the event from the fixture internet; a unit handler claims it and writes the
// reply; the unit head approves it; the info office publishes it; the public column shows it with
// the link to the original post and the Atom feed contains it. The workflow is part of the
// product: a box without it fails those steps (never skipped, never faked).
// Also: the core pages work with JavaScript off; an applicant submits a disclosure request on the
// public form and checks its state with the number and secret, and the office finds it; the
// calendar page (with an entry previewed) and the 运行状况 page fit 1366 and 390 px; the system
// administrator, after the password, enrols in TOTP (QR code, then the recovery codes) before any
// other page, at 1366 and 390 px. Screenshots (dashboard, event page, public page, TOTP enrolment
// and recovery codes, calendar, preview, health, each role's landing page) go to $SHOTS; every role
// logs in and lands on its own work list (the viewer on the dashboard). Prints one line
// per check and ends with "N passed, N failed, N skipped".
import { check, fail, launch, finish } from "./harness.mjs";
import { secondFactor, codeFor } from "./secondfactor.mjs";

const BASE = process.env.BASE;
const EVENT = process.env.EVENT;
const WORKFLOW = process.env.WORKFLOW === "1";
const SHOTS = process.env.SHOTS;

// login: log LOGIN in on PAGE through the form, and pass an administrator's second factor unless
// FACTOR is false (the enrolment check sees the box ask for it).
async function login(page, login, factor = true) {
  await page.goto(`${BASE}/login`);
  await page.fill("#login", login);
  await page.fill("#password", `pw-${login}-123`);
  await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
  if (factor) await secondFactor(page, login);
}

const browser = await launch();
try {
  const office = await (await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN" })).newPage();
  await check("info office logs in and lands on its work list (我的待办)", async () => {
    await login(office, "office1");
    return new URL(office.url()).pathname === "/work" && (await office.textContent("h1")) === "我的待办";
  });
  await check("dashboard shows open events by level and the posts-per-hour SVG", async () => {
    await office.goto(`${BASE}/dashboard`);
    const cards = await office.locator(".cards .card").count();
    const svg = await office.locator("svg.chart rect").count();
    await office.screenshot({ path: `${SHOTS}/dashboard.png`, fullPage: true });
    return cards === 4 && svg >= 24;
  });
  await check("the event from the fixture internet is in the event list", async () => {
    await office.goto(`${BASE}/events`);
    return (await office.locator(`a[href="/events/${EVENT}"]`).count()) >= 1;
  });
  await check("event page: posts with highlighted terms, score reasons, timeline", async () => {
    await office.click(`a[href="/events/${EVENT}"]`);
    await office.waitForURL(`**/events/${EVENT}`);
    const marks = await office.locator("article.post mark").count();
    const reasons = await office.locator("#h-score ~ table tbody tr").count();
    await office.screenshot({ path: `${SHOTS}/event.png`, fullPage: true });
    return marks >= 1 && reasons >= 1 && (await office.locator("ol.timeline li").count()) >= 1;
  });
  await check("no script from crawled text ran (no dialogs)", async () => {
    let dialogs = 0;
    office.on("dialog", (d) => { dialogs++; d.dismiss(); });
    await office.reload();
    return dialogs === 0;
  });

  const nojs = await (await browser.newContext({ ignoreHTTPSErrors: true, javaScriptEnabled: false })).newPage();
  await check("with JavaScript off: login, event list filter and event page work", async () => {
    await login(nojs, "office1");
    await nojs.goto(`${BASE}/events`);
    await nojs.selectOption("#level", "");
    await Promise.all([nojs.waitForNavigation(), nojs.click("form.filters button")]);
    await nojs.goto(`${BASE}/events/${EVENT}`);
    return (await nojs.locator("article.post").count()) >= 1;
  });

  let question = "";
  if (!WORKFLOW) {
    for (const step of ["handler claims the event", "handler investigates", "handler files the report",
                        "handler writes the reply", "unit head approves",
                        "info office publishes", "public column shows it with the original link",
                        "Atom feed contains it"]) {
      fail(step, "the workflow is not installed (no workflow::fire)");
    }
  } else {
    const handler = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
    await check("handler claims the event from the unit's claim queue", async () => {
      await login(handler, "handler1");
      await handler.goto(`${BASE}/queue`);
      await Promise.all([handler.waitForNavigation(),
        handler.click(`form[action="/events/${EVENT}/claim"] button`)]);
      return (await handler.textContent(".notice")).includes("认领");
    });
    // the workflow's order: claimed → investigating (handler and contact reported) → investigated
    // (核实调查报告 filed) → reply drafted → approved by the unit head → published
    await check("handler starts the investigation, naming handler and contact", async () => {
      await handler.goto(`${BASE}/events/${EVENT}`);
      // actions with a form are folded (<details>): open it as a person would
      await handler.click(`details:has(form[action="/events/${EVENT}/investigate"]) > summary`);
      await handler.fill(`#investigate-handler`, "李承办");
      await handler.fill(`#investigate-contact`, "0571-88880000");
      await Promise.all([handler.waitForNavigation(),
        handler.click(`form[action="/events/${EVENT}/investigate"] button`)]);
      return (await handler.locator(".notice").count()) === 1;
    });
    await check("handler files the investigation report", async () => {
      await handler.click(`details:has(form[action="/events/${EVENT}/conclude"]) > summary`);
      await handler.fill(`#conclude-report`, "经现场核实，网民反映的情况基本属实，已责成相关单位限期整改。");
      await Promise.all([handler.waitForNavigation(),
        handler.click(`form[action="/events/${EVENT}/conclude"] button`)]);
      return (await handler.locator(".notice").count()) === 1;
    });
    await check("handler writes the reply", async () => {
      await handler.goto(`${BASE}/events/${EVENT}/reply`);
      question = (await handler.inputValue("#question")).trim();
      await handler.fill("#body", "经核实，网民反映的问题属实，相关部门已于本周内处理完毕，感谢监督。");
      await Promise.all([handler.waitForNavigation(), handler.click("form.form button[type=submit]")]);
      return (await handler.locator(".notice").count()) === 1;
    });
    const head = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
    await check("unit head approves the reply", async () => {
      await login(head, "head1");
      await head.goto(`${BASE}/events/${EVENT}`);
      await Promise.all([head.waitForNavigation(), head.click(`form[action="/events/${EVENT}/approve"] button`)]);
      return (await head.locator(".notice").count()) === 1;
    });
    await check("info office publishes the reply", async () => {
      await office.goto(`${BASE}/events/${EVENT}`);
      await Promise.all([office.waitForNavigation(), office.click(`form[action="/events/${EVENT}/publish"] button`)]);
      return (await office.locator(".notice").count()) === 1;
    });
  }

  const pub = await (await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 390, height: 844 } })).newPage();
  await check("public column (phone-sized) loads without login", async () => {
    const r = await pub.goto(`${BASE}/replies/`);
    await pub.screenshot({ path: `${SHOTS}/public.png`, fullPage: true });
    return r.status() === 200 && (await pub.textContent("h1")) === "网络新闻发言人";
  });
  if (WORKFLOW) {
    await check("public column shows the reply with the link to the original post", async () => {
      const item = pub.locator("li.reply", { hasText: question.slice(0, 20) });
      const href = await item.locator("a.orig").getAttribute("href");
      return /^https?:\/\//.test(href);
    });
    await check("Atom feed contains the reply", async () => {
      const r = await pub.request.get(`${BASE}/replies/atom.xml`);
      return (await r.text()).includes(question.slice(0, 20));
    });
  } else {
    await check("Atom feed is served", async () => {
      const r = await pub.request.get(`${BASE}/replies/atom.xml`);
      return r.status() === 200 && (await r.text()).includes("<feed");
    });
  }

  // the public disclosure request (依申请公开): an applicant fills the online form, keeps the
  // number and secret from the confirmation page and checks the state on /request/status
  const applicant = await (await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN" })).newPage();
  let number = "", secret = "";
  await check("public request form: a form missing fields is shown again with the problems", async () => {
    await applicant.goto(`${BASE}/request/`);
    await Promise.all([applicant.waitForNavigation(), applicant.click("#apply button[type=submit]")]);
    return (await applicant.locator(".problems li").count()) >= 3;
  });
  await check("public request form: submitting gives a request number and a secret", async () => {
    await applicant.fill("#name", "陈申请");
    await applicant.selectOption("#id_type", "护照");
    await applicant.fill("#id_number", "E1234567");
    await applicant.fill("#phone", "13800000000");
    await applicant.fill("#description", "2024年城东路拆迁补偿安置方案全文");
    await applicant.fill("#purpose", "了解本户补偿标准");
    await applicant.selectOption("#form", "电子文档");
    await applicant.fill("#signature", "陈申请");
    await Promise.all([applicant.waitForNavigation(), applicant.click("#apply button[type=submit]")]);
    number = ((await applicant.textContent("#number")) || "").trim();
    secret = ((await applicant.textContent("#secret")) || "").trim();
    await applicant.screenshot({ path: `${SHOTS}/request.png`, fullPage: true });
    return /^\d{4}-\d{4}$/.test(number) && secret.length >= 12;
  });
  await check("status check with a wrong secret says so", async () => {
    await applicant.goto(`${BASE}/request/status`);
    await applicant.fill("#number", number);
    await applicant.fill("#secret", "wrong-secret");
    await Promise.all([applicant.waitForNavigation(), applicant.click("#status button[type=submit]")]);
    return (await applicant.textContent(".problems")).includes("不正确");
  });
  await check("status check with the number and secret shows the state and deadline", async () => {
    await applicant.goto(`${BASE}/request/status`);
    await applicant.fill("#number", number);
    await applicant.fill("#secret", secret);
    await Promise.all([applicant.waitForNavigation(), applicant.click("#status button[type=submit]")]);
    return (await applicant.textContent("#number")).trim() === number
      && (await applicant.textContent("#state")).includes("办理中")
      && /\d{4}年\d{1,2}月\d{1,2}日/.test(await applicant.textContent("#due"));
  });
  await check("the info office finds the online request in its register", async () => {
    await office.goto(`${BASE}/requests`);
    return (await office.locator("#register a", { hasText: number }).count()) === 1;
  });

  // the clock never stops: the 工作日历 page (month grids; a system administrator previews a year
  // entered from the State Council's notice) and the 运行状况 page, at desktop and phone widths,
  // with no horizontal overflow
  const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  const sys = await (await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN", viewport: { width: 1366, height: 900 } })).newPage();
  await check("a system administrator is sent to TOTP enrolment after the password: QR code and the secret in groups of 4, other pages redirect there", async () => {
    await login(sys, "sys1", false);
    const at = new URL(sys.url()).pathname;
    await sys.screenshot({ path: `${SHOTS}/totp-enrol-1366.png`, fullPage: true });
    const qr = await sys.locator("svg.qr path").count();
    const secret = (await sys.textContent("#secret")).trim();
    await sys.setViewportSize({ width: 390, height: 844 });
    await sys.screenshot({ path: `${SHOTS}/totp-enrol-390.png`, fullPage: true });
    const over = await overflow(sys);
    await sys.setViewportSize({ width: 1366, height: 900 });
    await sys.goto(`${BASE}/calendar`);
    const sent = new URL(sys.url()).pathname;
    sys.secret = secret;
    return at === "/account/totp" && qr === 1 && /^[A-Z2-7]{4}( [A-Z2-7]{4}){7}$/.test(secret)
      && over <= 0 && sent === "/account/totp";
  });
  await check("TOTP enrolment: a code from the authenticator enrols; 10 recovery codes are shown once, at 1366 and 390 px", async () => {
    await sys.fill("#code", await codeFor("sys1", sys.secret));
    await Promise.all([sys.waitForNavigation(), sys.click("form.form button[type=submit]")]);
    await sys.screenshot({ path: `${SHOTS}/totp-recovery-1366.png`, fullPage: true });
    const codes = await sys.locator("#recovery-codes li").allTextContents();
    await sys.setViewportSize({ width: 390, height: 844 });
    await sys.screenshot({ path: `${SHOTS}/totp-recovery-390.png`, fullPage: true });
    const over = await overflow(sys);
    await sys.setViewportSize({ width: 1366, height: 900 });
    return codes.length === 10 && codes.every((c) => /^[0-9a-z]{5}-[0-9a-z]{5}$/.test(c.trim())) && over <= 0;
  });
  await check("calendar page: twelve month grids, the year's status, entry and upload forms", async () => {
    await sys.goto(`${BASE}/calendar`);
    await sys.screenshot({ path: `${SHOTS}/calendar-1366.png`, fullPage: true });
    const ok = (await sys.locator("table.month").count()) === 12 && (await sys.locator("#yearstatus").count()) === 1
      && (await sys.locator("form#enter").count()) === 1 && (await sys.locator("input[type=file]").count()) === 1;
    await sys.setViewportSize({ width: 390, height: 844 });
    await sys.screenshot({ path: `${SHOTS}/calendar-390.png`, fullPage: true });
    const over = await overflow(sys);
    await sys.setViewportSize({ width: 1366, height: 900 });
    return ok && over <= 0 && (await overflow(sys)) <= 0;
  });
  await check("calendar entry: preview shows the figures and the grid and keeps the values", async () => {
    const y = Number(await sys.inputValue("#e-year"));
    // the first Saturday after 3 January of that year: a make-up working day
    const d = new Date(Date.UTC(y, 0, 4));
    while (d.getUTCDay() !== 6) d.setUTCDate(d.getUTCDate() + 1);
    const sat = d.toISOString().slice(0, 10);
    await sys.fill("#e-paper", "国办发明电（浏览器测试）");
    await sys.fill("input[name=hn1]", "元旦");
    await sys.fill("input[name=hf1]", `${y}-01-01`);
    await sys.fill("input[name=ht1]", `${y}-01-03`);
    await sys.fill("input[name=mn1]", "元旦");
    await sys.fill("input[name=md1]", sat);
    await Promise.all([sys.waitForNavigation(), sys.click("form#enter button[value=preview]")]);
    await sys.screenshot({ path: `${SHOTS}/calendar-preview-1366.png`, fullPage: true });
    await sys.setViewportSize({ width: 390, height: 844 });
    await sys.screenshot({ path: `${SHOTS}/calendar-preview-390.png`, fullPage: true });
    const over = await overflow(sys);
    await sys.setViewportSize({ width: 1366, height: 900 });
    return over <= 0 && /\d+ 天/.test(await sys.textContent("#pv-workdays"))
      && (await sys.locator("section.preview table.month").count()) === 12
      && (await sys.inputValue("input[name=md1]")) === sat && (await sys.inputValue("input[name=hn1]")) === "元旦";
  });
  await check("运行状况: one row per background job, at 1366 and 390 px", async () => {
    await office.setViewportSize({ width: 1366, height: 900 });
    await office.goto(`${BASE}/health`);
    await office.screenshot({ path: `${SHOTS}/health-1366.png`, fullPage: true });
    const rows = await office.locator("table.jobs tbody tr").count();
    await office.setViewportSize({ width: 390, height: 844 });
    await office.screenshot({ path: `${SHOTS}/health-390.png`, fullPage: true });
    return rows >= 3 && (await overflow(office)) <= 0;
  });

  // every role lands on its own start page: its work list with the count in the menu (the viewer,
  // who acts on nothing, on the dashboard), at 1366 and 390 px with no horizontal overflow
  for (const [who, path, h1] of [["office1", "/work", "我的待办"], ["handler1", "/work", "我的待办"],
      ["head1", "/work", "我的待办"], ["leader1", "/work", "我的待办"], ["sys1", "/work", "我的待办"],
      ["sec1", "/work", "我的待办"], ["aud1", "/work", "我的待办"], ["viewer1", "/dashboard", "工作台"]]) {
    await check(`${who} lands on ${path} (${h1}), at 1366 and 390 px`, async () => {
      const p = await (await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN", viewport: { width: 1366, height: 900 } })).newPage();
      await login(p, who);
      const at = new URL(p.url()).pathname;
      const title = await p.textContent("h1");
      await p.screenshot({ path: `${SHOTS}/landing-${who}-1366.png`, fullPage: true });
      await p.setViewportSize({ width: 390, height: 844 });
      await p.screenshot({ path: `${SHOTS}/landing-${who}-390.png`, fullPage: true });
      const over = await overflow(p);
      // the menu's count is the number of rows of the list
      let counted = true;
      if (path === "/work") {
        const m = /我的待办（(\d+)）/.exec(await p.textContent("nav.side"));
        counted = m !== null && Number(m[1]) === await p.locator("table.work tbody tr").count();
      }
      await p.context().close();
      return at === path && title === h1 && over <= 0 && counted;
    });
  }
} finally {
  await browser.close();
}
finish(true);
