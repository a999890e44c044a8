// secondfactor.mjs - the administrators' second factor as the person at the browser passes it, shared
// by the browser scripts: after the password, an administrator without TOTP is sent to enrolment
// (the secret is read off the page, as a phone would scan it, and confirmed with a code); one who
// enrolled answers the code step. The secrets and the last time step spent per login are kept in
// the JSON file $TOTP_FILE (run.tcl sets it), so a later script logs in as the same administrator
// with the secret an earlier one enrolled; the box refuses a step twice, so a spent step is skipped.
import { createHmac } from "node:crypto";
import { readFileSync, writeFileSync, existsSync } from "node:fs";

const FILE = process.env.TOTP_FILE || "";

// totp: the 6-digit code of base32 SECRET (spaces ignored) at time T in seconds (RFC 6238: HMAC-SHA1,
// 30-second steps), as the phone's authenticator computes it.
export function totp(secret, t) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/\s/g, "")) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(Math.floor(t / 30)));
  const mac = createHmac("sha1", key).update(msg).digest();
  const off = mac[19] & 15;
  return String((mac.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, "0");
}

// load / save: the file's {login: {secret, step}} (an empty object without a file).
function load() { return FILE && existsSync(FILE) ? JSON.parse(readFileSync(FILE, "utf8")) : {}; }
function save(all) { if (FILE) writeFileSync(FILE, JSON.stringify(all)); }

// codeFor: a code of LOGIN's SECRET for a time step not spent yet (the step before now, now or after:
// the drift the box accepts), waiting for the next step when all three are spent; records the secret
// and the step for the scripts after this one.
export async function codeFor(login, secret) {
  for (;;) {
    const all = load();
    const last = all[login] && all[login].step ? all[login].step : 0;
    const now = Date.now() / 1000;
    for (const d of [-30, 0, 30]) {
      const step = Math.floor((now + d) / 30);
      if (step > last) {
        all[login] = { secret, step };
        save(all);
        return totp(secret, step * 30);
      }
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

// secondFactor: on PAGE, just after LOGIN's password was accepted, pass the second factor when the
// box asks for it: answer /login/totp with the enrolled secret, or enrol at /account/totp and go on
// to the home page. Returns "code", "enrolled" or "" (the box asked nothing).
export async function secondFactor(page, login) {
  const path = new URL(page.url()).pathname;
  if (path === "/login/totp") {
    const known = load()[login];
    if (!known) throw new Error(`no TOTP secret known for ${login}`);
    await page.fill("#code", await codeFor(login, known.secret));
    await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
    return "code";
  }
  if (path === "/account/totp" && (await page.locator("#secret").count()) === 1) {
    const secret = (await page.textContent("#secret")).replace(/\s/g, "");
    await page.fill("#code", await codeFor(login, secret));
    await Promise.all([page.waitForNavigation(), page.click("form.form button[type=submit]")]);
    await page.goto(new URL("/", page.url()).href.replace(/\/$/, "") + "/work");
    return "enrolled";
  }
  return "";
}
