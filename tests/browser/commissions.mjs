// commissions.mjs - the 约稿 pages in Chromium (run by tests/bugs.test, which starts the server with
// an office user OFFICE, a unit handler UNIT and a notice ID sent to that unit): the office's list
// with the form picking units by checkbox, and the notice's page as the office and as the unit,
// each fitting 1366 and 390 px without sideways scrolling. Screenshots commissions-1366.png,
// commissions-390.png, commission-office-1366.png, commission-office-390.png,
// commission-unit-1366.png and commission-unit-390.png go to $SHOTS.
// Prints one line per check and ends with "N passed, N failed".
import { check, fits, launch, finish, loginPage } from "./harness.mjs";

const { BASE, SHOTS, OFFICE, UNIT, ID } = process.env;

// shots: PATH on PAGE at 1366 and 390 px, saved as NAME-WIDTH.png; whether neither scrolls sideways.
const shots = (page, path, name) => fits(page, `${BASE}${path}`, name);

const browser = await launch();
try {
  const office = await loginPage(browser, OFFICE);
  await check("the office's 约稿 list picks the units by checkbox and fits 1366 and 390 px", async () => {
    const fits = await shots(office, "/commissions", "commissions");
    return fits && (await office.locator("#commission-form input[type=checkbox]").count()) > 1;
  });
  await check("the notice's page shows the office its text and every unit's due date, at 1366 and 390 px", async () => {
    const fits = await shots(office, `/commissions/${ID}`, "commission-office");
    return fits && (await office.locator("#commission-text").isVisible())
      && (await office.locator("#commission-units tbody tr").count()) > 1;
  });
  const unit = await loginPage(browser, UNIT);
  await check("the unit reads the notice and only its own row, at 1366 and 390 px", async () => {
    const fits = await shots(unit, `/commissions/${ID}`, "commission-unit");
    return fits && (await unit.locator("#commission-text").isVisible())
      && (await unit.locator("#commission-units tbody tr").count()) === 1;
  });
} finally {
  await browser.close();
}
finish();
