// layout.mjs - the layout check of every page (run by run.tcl after flow.mjs, which sets up the
// server and the objects behind the pages with an id): every GET route of scripts/web/*.tcl that
// answers HTML is visited as every role (and logged out), at 1366 px and at 390 px (a phone), and
// fails when
//   - the page is wider than the window (document scrollWidth > window width), naming the
//     outermost elements that stick out, or
//   - a text with Chinese characters is broken one or two characters per line (it takes two or
//     more lines and its widest line is narrower than 2.5 em: a badge, button or narrow header
//     squeezed by its neighbours), naming the element and the text.
// A route with a parameter that has no concrete address below fails too ("not walked"), so a new
// page cannot escape the check. Pages a role may not see (403, 404, the login page) are left out
// for that role. One full-page screenshot per page and width goes to $SHOTS/page-NAME-WIDTH.png
// (seen as the first role that may see it). Also: the pages link the favicon; the event page's
// timeline is in time order; the public request form's fields stay inside it on a phone; the event page and a document print (@media print) without
// navigation or forms, black on white, nothing cut off (PDF and screenshot to $SHOTS/print-*).
// Prints one line per page and width and a summary (pages overflowing, pages with narrow wraps),
// and ends with "N passed, N failed, N skipped".
import { check, fail, launch, pass, skip, finish } from "./harness.mjs";
import { secondFactor } from "./secondfactor.mjs";
import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const BASE = process.env.BASE;
const SHOTS = process.env.SHOTS;
const top = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

// routes not answering an HTML page of their own (files, feeds, data, the demo pages)
const notPages = new Set(["/events.csv", "/requests.csv", "/assessment/csv", "/sources/opml", "/metrics", "/healthz",
  "/replies/atom.xml", "/api/replies", "/api/replies/:id", "/submissions/:id/files/:fid", "/map.csv"]);

// pages that exist only on a city box, or only with what a city box sent down: the seeded box is
// a county box standing alone; tests/browser/city.mjs (run by fedcity-4.3) walks them on a city
// and a county box linked to it, at 1366 and 390 px
function elsewhere(pattern) {
  if (pattern.startsWith("/city") || pattern === "/reposts/:id") return "a city box's page: walked by city.mjs (fedcity-4.3)";
  if (pattern === "/bulletins/:id") return "needs a 通报 sent down by a city box: fetched as every role by lint.test, not walked in Chromium";
  return "";
}

// concrete: the address to visit for route PATTERN (its parameters, or the query it needs, filled
// in), or "" when none is known. REPLY is the id of a published reply ("" when there is none).
function concrete(pattern, reply) {
  const ids = {
    "/events/:id": `/events/${process.env.EVENT}`, "/events/:id/reply": `/events/${process.env.EVENT2}/reply`,
    "/assessment/events": `/assessment/events?unit=${process.env.UNITID}&counter=claimed_ontime`,
    "/documents/:id": `/documents/${process.env.DOCUMENT}`, "/sources/:name": `/sources/${process.env.SOURCE}`,
    "/submissions/:id": `/submissions/${process.env.SUBMISSION}`, "/requests/:id": `/requests/${process.env.REQUEST}`,
    "/requests/:id/letter": `/requests/${process.env.REQUEST}/letter`,
    "/source-try/:id": `/source-try/${process.env.SOURCETRY}`, "/commissions/:id": `/commissions/${process.env.COMMISSION}`, "/replies/:id": reply ? `/replies/${reply}` : "",
  };
  return ids[pattern] || (/[:*]/.test(pattern) ? "" : pattern);
}

// the GET routes of scripts/web/*.tcl (demo pages left out), in file order
function routes() {
  const out = [];
  const dir = join(top, "scripts", "web");
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".tcl") && f !== "demo.tcl").sort()) {
    for (const line of readFileSync(join(dir, f), "utf8").split("\n")) {
      const m = /^route\s+(\{[^}]*\}|\S+)\s+(\S+)/.exec(line);
      if (!m || !m[1].replace(/[{}]/g, "").split(/\s+/).includes("GET")) continue;
      if (!notPages.has(m[2])) out.push(m[2]);
    }
  }
  return out;
}

// measure: run in the page. Returns {over, wide, narrow}: how many pixels the page is wider than
// the window, the outermost elements sticking out, the texts broken a character or two per line.
function measure() {
  const vw = document.documentElement.clientWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? `#${el.id}` : "")
    + (el.classList.length ? "." + [...el.classList].join(".") : "");
  const over = document.documentElement.scrollWidth - vw;
  const wide = [];
  if (over > 0) {
    for (const el of document.body.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= vw + 1) continue;
      const p = el.parentElement;
      if (p && p !== document.body && p.getBoundingClientRect().right > vw + 1) continue;
      wide.push(`${name(el)} to ${Math.round(r.right)} px`);
    }
  }
  const narrow = [];
  const cjk = /[\u3400-\u9fff\uf900-\ufaff]/g;
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const chars = (n.data.match(cjk) || []).length;
    if (chars < 2) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    const lines = new Set(rects.map((r) => Math.round(r.top)));
    if (lines.size < 2) continue;
    const em = parseFloat(getComputedStyle(n.parentElement).fontSize);
    const widest = Math.max(...rects.map((r) => r.width));
    if (widest < 2.5 * em) narrow.push(`${name(n.parentElement)} "${n.data.trim().slice(0, 12)}" on ${lines.size} lines`);
  }
  return { over, wide: wide.slice(0, 4), narrow };
}

// the roles, in the order their screenshots are preferred; "" is the logged-out visitor; the info
// office once more with JavaScript off (tables then scroll sideways instead of becoming cards)
const roles = ["office1", "handler1", "head1", "leader1", "viewer1", "sys1", "sec1", "aud1", "", "office1 nojs"];

const browser = await launch();
const findings = {};   // "PATH WIDTH" -> [text...]
const seen = {};       // "PATH WIDTH" -> [role...]
const shot = new Set();
try {
  const anon = await browser.newContext({ ignoreHTTPSErrors: true });
  const api = await anon.request.get(`${BASE}/api/replies`);
  let reply = "";
  try { reply = String((JSON.parse(await api.text()).replies || [])[0]?.id || ""); } catch { reply = ""; }
  await anon.close();
  const pages = [];
  for (const pattern of routes()) {
    if (elsewhere(pattern)) { skip(`layout ${pattern}`, elsewhere(pattern)); continue; }
    const path = concrete(pattern, reply);
    if (path === "") {
      if (pattern === "/replies/:id") skip(`layout ${pattern}`, "no published reply (the workflow did not run)");
      else fail(`layout ${pattern}`, "not walked (no address for its parameters in layout.mjs)");
      continue;
    }
    if (!pages.includes(path)) pages.push(path);
  }
  for (const role of roles) {
    const [login, nojs] = role.split(" ");
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN", viewport: { width: 1366, height: 900 },
                                           javaScriptEnabled: !nojs });
    const page = await ctx.newPage();
    if (login) {
      await page.goto(`${BASE}/login`);
      await page.fill("#login", login);
      await page.fill("#password", `pw-${login}-123`);
      await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
      await secondFactor(page, login);
    }
    for (const path of pages) {
      const r = await page.goto(`${BASE}${path}`);
      const at = new URL(page.url());
      if (!r || r.status() !== 200 || (at.pathname.startsWith("/login") && !path.startsWith("/login"))) continue;
      for (const width of [1366, 390]) {
        await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
        const m = await page.evaluate(measure);
        const key = `${path} ${width}`;
        (seen[key] ||= []).push(role || "访客");   // page.evaluate runs with the page's scripts off too
        const f = (findings[key] ||= []);
        if (m.over > 0) f.push(`${role || "访客"}: ${m.over} px too wide (${m.wide.join("; ")})`);
        for (const n of m.narrow) f.push(`${role || "访客"}: narrow ${n}`);
        if (!shot.has(key) && SHOTS) {
          shot.add(key);
          const file = path.replace(/^\//, "").replace(/[^A-Za-z0-9]+/g, "-").replace(/-$/, "") || "home";
          await page.screenshot({ path: `${SHOTS}/page-${file}-${width}.png`, fullPage: true });
        }
      }
      await page.setViewportSize({ width: 1366, height: 900 });
    }
    await ctx.close();
  }
  let overPages = 0, narrowPages = 0;
  for (const path of pages) {
    for (const width of [1366, 390]) {
      const key = `${path} ${width}`;
      if (!seen[key]) { fail(`layout ${path} at ${width} px`, "no role could open it"); continue; }
      const f = findings[key];
      if (f.some((t) => / too wide /.test(t))) overPages++;
      if (f.some((t) => /: narrow /.test(t))) narrowPages++;
      if (f.length) {
        fail(`layout ${path} at ${width} px`, [...new Set(f)].slice(0, 6).join(" | "));
      } else {
        pass(`layout ${path} at ${width} px (${seen[key].join(" ")})`);
      }
    }
  }
  console.log(`layout: ${pages.length} pages × 2 widths; overflowing ${overPages}, with narrow wraps ${narrowPages}`);

  // the icon, the timeline's order and the printed event page and document, as the info office
  const ctx = await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN", viewport: { width: 1366, height: 900 } });
  const office = await ctx.newPage();
  await office.goto(`${BASE}/login`);
  await office.fill("#login", "office1");
  await office.fill("#password", "pw-office1-123");
  await Promise.all([office.waitForNavigation(), office.click("form.form button[type=submit]")]);
  await check("favicon: pages link /favicon.svg, served as SVG", async () => {
    await office.goto(`${BASE}/dashboard`);
    const href = await office.getAttribute("link[rel=icon]", "href");
    const r = await office.request.get(`${BASE}${href}`);
    return href === "/favicon.svg" && r.status() === 200 && r.headers()["content-type"].startsWith("image/svg+xml")
      && (await r.text()).includes("<svg");
  });
  for (const ev of [process.env.EVENT, process.env.EVENT2]) {
    await check(`event ${ev}: the timeline (办理过程) is in time order`, async () => {
      await office.goto(`${BASE}/events/${ev}`);
      const times = await office.locator("ol.timeline li > time").allTextContents();
      const sorted = [...times].sort();
      if (times.join() !== sorted.join()) throw new Error(`out of order: ${times.join(", ")}`);
      return times.length >= 2;
    });
  }
  await check("request form on a phone, problems shown: every field inside the form, labels above fields", async () => {
    const phone = await browser.newContext({ ignoreHTTPSErrors: true, locale: "zh-CN", viewport: { width: 390, height: 844 } });
    const p = await phone.newPage();
    await p.goto(`${BASE}/request/`);
    await p.fill("#description", "申请公开".repeat(40) + "https://www.qingshan.gov.cn/" + "x".repeat(120));
    await Promise.all([p.waitForNavigation(), p.click("#apply button[type=submit]")]);
    const r = await p.evaluate(() => {
      const form = document.querySelector("#apply").getBoundingClientRect();
      const out = [...document.querySelectorAll("#apply input:not([type=hidden]), #apply select, #apply textarea")]
        .filter((e) => e.getBoundingClientRect().right > form.right + 0.5).map((e) => e.id);
      const ta = document.querySelector("#description"), label = document.querySelector("label[for=description]");
      return { out, problems: document.querySelectorAll(".problems li").length, kept: ta.value.length,
               above: label.getBoundingClientRect().bottom <= ta.getBoundingClientRect().top + 0.5,
               over: document.documentElement.scrollWidth - document.documentElement.clientWidth };
    });
    await phone.close();
    if (r.out.length) throw new Error(`fields sticking out of the form: ${r.out.join(" ")}`);
    return r.problems >= 3 && r.kept > 200 && r.above && r.over <= 0;
  });
  // printed: PATH under print media shows no navigation, form or button, black text on white, no
  // element wider than the page; a PDF and a screenshot go to $SHOTS
  const printed = async (path, name) => {
    await office.goto(`${BASE}${path}`);
    await office.emulateMedia({ media: "print" });
    await office.setViewportSize({ width: 718, height: 1000 });   // A4 less 15 mm margins at 96 dpi
    const r = await office.evaluate(() => {
      const shown = (sel) => [...document.querySelectorAll(sel)].filter((e) => e.getClientRects().length > 0).length;
      const cs = getComputedStyle(document.body);
      const main = document.querySelector("main") || document.body;
      return { chrome: shown("header.top, nav, footer, form, button, details.action"),
               color: getComputedStyle(main).color, bg: cs.backgroundColor,
               over: document.documentElement.scrollWidth - document.documentElement.clientWidth,
               scrollers: [...document.querySelectorAll("table")].filter((t) => t.scrollWidth > t.clientWidth + 1
                 && getComputedStyle(t).overflowX !== "visible").length };
    });
    if (SHOTS) {
      await office.screenshot({ path: `${SHOTS}/print-${name}.png`, fullPage: true });
      await office.pdf({ path: `${SHOTS}/print-${name}.pdf`, format: "A4", printBackground: true });
    }
    await office.emulateMedia({ media: "screen" });
    await office.setViewportSize({ width: 1366, height: 900 });
    const problems = [];
    if (r.chrome) problems.push(`${r.chrome} navigation/form elements shown`);
    if (r.color !== "rgb(0, 0, 0)") problems.push(`text ${r.color}`);
    if (!/rgba?\(255, 255, 255|rgba\(0, 0, 0, 0\)/.test(r.bg)) problems.push(`background ${r.bg}`);
    if (r.over > 0) problems.push(`${r.over} px wider than the page`);
    if (r.scrollers) problems.push(`${r.scrollers} tables cut off (scrolling)`);
    if (problems.length) throw new Error(problems.join("; "));
  };
  await check("the event page prints: content only, black on white, nothing cut off", () => printed(`/events/${process.env.EVENT2}`, "event"));
  await check("a document (专报) prints: no navigation, black on white, nothing cut off", () => printed(`/documents/${process.env.DOCUMENT}`, "document"));
  await ctx.close();
} finally {
  await browser.close();
}

finish(true);
