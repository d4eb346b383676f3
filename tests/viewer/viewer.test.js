// End-to-end test of the msgsim trace viewer (tools/viewer) in Debian's headless chromium.
// usage: node viewer.test.js URL SCREENSHOT.png
// URL is where tools/viewer/serve.py serves a run made with --trace packets.
// Exits 0 when every check passes, 1 otherwise (the failing check is printed).
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const [url, shot] = process.argv.slice(2);
if (!url || !shot) {
  console.error("usage: node viewer.test.js URL SCREENSHOT.png");
  process.exit(2);
}

function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
  console.log(`ok - ${what}`);
}

(async () => {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "msgsim-chromium-"));
  // a persistent context is how Playwright takes a fresh --user-data-dir
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1400, height: 860 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const errors = [];
  try {
    const page = browser.pages()[0] || await browser.newPage();
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    // the page may talk to the local server only
    await page.route("**/*", (route) => {
      const u = new URL(route.request().url());
      return u.hostname === "127.0.0.1" ? route.continue() : route.abort();
    });

    await page.goto(url);
    await page.waitForSelector("#status[data-state=ready]", { timeout: 20000 });
    const nodes = await page.locator("#layer-nodes .node").count();
    const links = await page.locator("#layer-links line").count();
    check(nodes === 5, `topology rendered: ${nodes} nodes (quickstart has 5)`);
    check(links === 4, `topology rendered: ${links} links (quickstart has 4)`);
    check(await page.locator("#layer-nodes .node[data-id=eu-central]").count() === 1, "server eu-central drawn");
    const msgs = await page.locator("#messages li.msg").count();
    check(msgs >= 4, `message list shows ${msgs} messages`);

    // play: time advances and packets appear on the links
    const t0 = await page.locator("#clock").textContent();
    await page.click("#btn-play");
    await page.waitForFunction(() => +document.getElementById("layer-packets").dataset.count > 0,
      null, { timeout: 15000 });
    check(true, "packets in flight while playing");
    await page.waitForFunction((t) => document.getElementById("clock").textContent !== t, t0);
    check(await page.locator("#btn-play[data-playing='1']").count() === 1, "play button shows playing");
    await page.click("#btn-play");
    check(await page.locator("#btn-play[data-playing='0']").count() === 1, "pause works");

    // click the 850 KiB image (stored while bob is offline): path and stages. Its id comes
    // from the run's trace.json, since ids depend on what else the run sends (receipts).
    const image = await page.evaluate(async () => {
      const t = await (await fetch("run/trace.json")).json();
      return t.messages.find((m) => m.content === "image").id;
    });
    await page.click(`#messages li.msg[data-id='${image}']`);
    await page.waitForSelector(`#details[data-selected='${image}']`);
    const pathText = await page.locator("#details .path").first().textContent();
    check(/alice-phone.*paris-router.*eu-central.*berlin-router.*bob-phone/.test(pathText),
      `journey path shown: ${pathText.trim()}`);
    const stages = await page.locator("#details tr.stage").evaluateAll((rows) =>
      rows.map((r) => [r.dataset.stage, r.querySelector(".ms").textContent]));
    const names = stages.map((s) => s[0]);
    for (const s of ["access", "queueing", "network", "server", "offline_wait", "notify"]) {
      check(names.includes(s), `stage ${s} listed`);
    }
    const offline = stages.find((s) => s[0] === "offline_wait")[1];
    check(/ s$/.test(offline) && parseFloat(offline) > 5, `offline_wait of the image is ${offline}`);
    check(await page.locator("#layer-links line.on-path").count() === 4, "its path is highlighted on the map");

    // step event by event forward and back
    const i0 = +(await page.locator("#event-info").getAttribute("data-index"));
    await page.click("#btn-fwd");
    await page.click("#btn-fwd");
    const i2 = +(await page.locator("#event-info").getAttribute("data-index"));
    check(i2 === i0 + 2, `two steps forward: event ${i0} -> ${i2}`);
    await page.click("#btn-back");
    const i1 = +(await page.locator("#event-info").getAttribute("data-index"));
    check(i1 === i0 + 1, `one step back: event ${i2} -> ${i1}`);
    const info = await page.locator("#event-info").textContent();
    check(/msg #\d+/.test(info), `event shown: ${info.slice(0, 90)}…`);
    // follow the journey hop by hop
    await page.click("#j-next");
    await page.click("#j-next");
    check(await page.locator("#details .steps li.current").count() === 1, "current hop marked in the journey");

    // a queue on a link: the image burst queues on alice-phone -> paris-router
    await page.click("#j-start");
    for (let k = 0; k < 40 && await page.locator("#layer-queues .queue").count() === 0; k++) {
      await page.click("#btn-fwd");
    }
    check(await page.locator("#layer-queues .queue").count() > 0, "queued packets shown on a link");

    await page.screenshot({ path: shot });
    check(fs.statSync(shot).size > 10000, `screenshot written to ${shot}`);
    check(errors.length === 0, `no errors in the page console${errors.length ? ": " + errors.join("; ") : ""}`);
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
})().then(() => { console.log("viewer test: PASS"); }, (e) => {
  console.error(`viewer test: FAIL: ${e.message}`);
  process.exit(1);
});
