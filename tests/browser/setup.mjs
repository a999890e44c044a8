// setup.mjs - the first-run setup of a box for its own county, as its sysadmin walks it (issue 20):
// a new box (`yqbox init`, only a sysadmin made at the console) opens on 首次设置 after the login; a
// wrong code is refused on the page with what was typed kept; the values are saved; the office
// imports the county's map (tests/fixtures/county2/map.csv, 桃源县) on 本县地图. Screenshots of both
// pages at 1366 and 390 px go to $SHOTS. Run by run.tcl (setupBox) with $BASE, $FIXTURES.
import { launch, check, finish, loginPage } from "./harness.mjs";

const shots = process.env.SHOTS;
const browser = await launch();
const page = await loginPage(browser, "sys1");

await check("setup: the sysadmin of a new box lands on 首次设置", async () => {
  await page.goto(`${process.env.BASE}/work`);
  await page.click("header.top a");   // the home link: web::home
  return new URL(page.url()).pathname === "/setup" && (await page.textContent("h1")) === "首次设置";
});
await check("setup: the page lists what is missing and nothing of 青山县", async () => {
  const text = await page.textContent("main");
  return text.includes("未填写：行政区划代码") && text.includes("尚无安全管理员账号") && !text.includes("青山");
});
await check("setup: a wrong code is refused on the page, what was typed kept", async () => {
  await page.fill("#s-county_name", "桃源县");
  await page.fill("#s-county_code", "4399");
  await page.fill("#s-agency_name", "桃源县人民政府办公室");
  await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
  const text = await page.textContent(".problems");
  return text.includes("行政区划代码“4399”应为 6 位数字") && (await page.inputValue("#s-agency_name")) === "桃源县人民政府办公室";
});
await check("setup: the values are saved", async () => {
  await page.fill("#s-county_code", "439901");
  await page.fill("#s-column_title", "桃源县人民政府");
  await page.fill("#s-doc_prefix_report", "桃政舆专");
  await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
  return (await page.textContent(".notice")).includes("已保存") && (await page.inputValue("#s-county_code")) === "439901";
});
for (const [w, h] of [[1366, 900], [390, 844]]) {
  await page.setViewportSize({ width: w, height: h });
  await page.goto(`${process.env.BASE}/setup`);
  await page.screenshot({ path: `${shots}/setup-${w}.png`, fullPage: true });
  await check(`setup: no horizontal scroll at ${w} px`, async () =>
    (await page.evaluate(() => document.documentElement.scrollWidth)) <= w);
}
const office = await loginPage(browser, "office1");
await check("map: the office imports the county's list", async () => {
  await office.goto(`${process.env.BASE}/map`);
  await office.setInputFiles("#m-file", `${process.env.FIXTURES}/county2/map.csv`);
  await Promise.all([office.waitForNavigation(), office.click("form[action='/map/import'] button[type=submit]")]);
  const text = await office.textContent("main");
  return text.includes("已导入 4 个乡镇（街道）、10 个村（社区）、5 个地点") && text.includes("石门村");
});
for (const [w, h] of [[1366, 900], [390, 844]]) {
  await office.setViewportSize({ width: w, height: h });
  await office.goto(`${process.env.BASE}/map`);
  await office.screenshot({ path: `${shots}/map-${w}.png`, fullPage: true });
  await check(`map: no horizontal scroll at ${w} px`, async () =>
    (await office.evaluate(() => document.documentElement.scrollWidth)) <= w);
}
await browser.close();
finish();
