// tests/cli/browser.mjs - the browser half of tests/cli/browser.sh: drives
// Debian's chromium through playwright-core, one page, as a citizen would.
//
//   node browser.mjs PLAYWRIGHT_DIR OUT_DIR SHOT_DIR
//
// PLAYWRIGHT_DIR holds node_modules/playwright-core (browser.sh installs it
// there).  Commands arrive on standard input, one per line, fields split by
// tabs:
//
//   viewport  -     WxH       resize the page (e.g. 360x800)
//   open      NAME  URL       go to URL
//   reload    NAME  -         reload the current page
//   click     NAME  SELECTOR  click a link or button, wait for the next page
//   upload    NAME  FILE      put FILE into the page's file input, submit its form
//   type      NAME  TEXT      type TEXT into the code field (name="code"), submit
//   download  NAME  SELECTOR  click a download link: OUT_DIR/NAME.download holds
//                             the file, NAME.meta "filename=" the name offered
//
// After each command that lands on a page, the page is recorded under NAME:
//   OUT_DIR/NAME.txt       the rendered text (document.body.innerText)
//   OUT_DIR/NAME.dom.html  the DOM as the browser serialises it (page.content())
//   OUT_DIR/NAME.raw.html  the bytes the server sent (when chromium kept them)
//   OUT_DIR/NAME.meta      key=value lines: status, url, lang, scrollWidth,
//                          innerWidth, scripts, imgs (img, svg, iframe,
//                          object, embed), handlers (elements with on*
//                          attributes), dialogs, banner (one per
//                          status banner word), console (one per console error,
//                          e.g. a Content-Security-Policy violation)
//   SHOT_DIR/NAME.png      a full-page screenshot
// and one line answers on standard output: "done NAME" or "error NAME: why".
// It never judges: browser.sh does, with tests/lib.sh.  Output starts with
// "ready MS" (chromium's start-up time) or "error launch: why".
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const [pwDir, outDir, shotDir] = process.argv.slice(2);
const say = (line) => process.stdout.write(line.replace(/[\r\n]+/g, ' ') + '\n');
// the first line of an error (playwright appends its call log), cut short
const why = (e) => String(e && e.message ? e.message : e).split('\n')[0].slice(0, 300);

let chromium;
try {
    ({ chromium } = createRequire(join(pwDir, 'package.json'))('playwright-core'));
} catch (e) {
    say(`error launch: playwright-core not found under ${pwDir}: ${why(e)}`);
    process.exit(2);
}

const t0 = Date.now();
let browser;
try {
    // As root, chromium needs --no-sandbox; the machine has no network but
    // loopback, so chromium's own background traffic is switched off.
    browser = await chromium.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        headless: true,
        chromiumSandbox: false,
        timeout: 60000,
        args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
               '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    });
} catch (e) {
    say(`error launch: ${why(e)}`);
    process.stderr.write(`${e.stack || e}\n`);
    process.exit(2);
}
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'mn-MN' });
const page = await context.newPage();
page.setDefaultTimeout(30000);
let dialogs = 0;
let consoleErrors = [];
page.on('dialog', async (d) => { dialogs++; await d.dismiss().catch(() => {}); });
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
page.on('pageerror', (e) => consoleErrors.push('pageerror: ' + e.message));
say(`ready ${Date.now() - t0}`);

async function record(name, response) {
    const facts = await page.evaluate(() => ({
        lang: document.documentElement.getAttribute('lang'),
        scrollWidth: document.scrollingElement.scrollWidth,
        innerWidth: window.innerWidth,
        scripts: document.querySelectorAll('script').length,
        imgs: document.querySelectorAll('img, svg, iframe, object, embed').length,
        handlers: [...document.querySelectorAll('*')].filter((e) =>
            [...e.attributes].some((a) => a.name.startsWith('on'))).length,
        banners: [...document.querySelectorAll('.banner .word')].map((e) => e.textContent.trim()),
        text: document.body ? document.body.innerText : '',
    }));
    const meta = [
        `status=${response ? response.status() : ''}`,
        `url=${page.url()}`,
        `lang=${facts.lang}`,
        `scrollWidth=${facts.scrollWidth}`,
        `innerWidth=${facts.innerWidth}`,
        `scripts=${facts.scripts}`,
        `imgs=${facts.imgs}`,
        `handlers=${facts.handlers}`,
        `dialogs=${dialogs}`,
        ...facts.banners.map((b) => `banner=${b}`),
        ...consoleErrors.map((c) => `console=${c.replace(/\s+/g, ' ')}`),
    ];
    consoleErrors = [];
    writeFileSync(join(outDir, `${name}.txt`), facts.text + '\n');
    writeFileSync(join(outDir, `${name}.dom.html`), await page.content());
    if (response) {
        try {
            writeFileSync(join(outDir, `${name}.raw.html`), await response.body());
        } catch (e) {
            meta.push(`raw=unavailable: ${e.message}`);
        }
    }
    writeFileSync(join(outDir, `${name}.meta`), meta.join('\n') + '\n');
    await page.screenshot({ path: join(shotDir, `${name}.png`), fullPage: true });
}

// submit SELECTOR: click it and wait for the page it leads to.
async function submit(selector) {
    const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
    return response;
}

async function run(verb, name, arg) {
    switch (verb) {
    case 'viewport': {
        const [w, h] = arg.split('x').map(Number);
        await page.setViewportSize({ width: w, height: h });
        return false;
    }
    case 'open':
        return page.goto(arg, { waitUntil: 'load' });
    case 'reload':
        return page.reload({ waitUntil: 'load' });
    case 'click':
        return submit(arg);
    case 'upload':
        await page.setInputFiles('form input[type=file]', arg);
        return submit('form:has(input[type=file]) [type=submit]');
    case 'type':
        await page.fill('input[name=code]', arg);
        return submit('form:has(input[name=code]) [type=submit]');
    case 'download': {
        const [dl] = await Promise.all([page.waitForEvent('download'), page.click(arg)]);
        await dl.saveAs(join(outDir, `${name}.download`));
        writeFileSync(join(outDir, `${name}.meta`), `filename=${dl.suggestedFilename()}\nurl=${dl.url()}\n`);
        return false;
    }
    default:
        throw new Error(`unknown command ${verb}`);
    }
}

const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of rl) {
    if (!line.trim()) continue;
    const [verb, name = '-', arg = ''] = line.split('\t');
    try {
        const response = await run(verb, name, arg);
        if (response !== false) await record(name, response);
        say(`done ${name}`);
    } catch (e) {
        say(`error ${name}: ${why(e)}`);
        process.stderr.write(`${verb} ${name}: ${e.stack || e}\n`);
    }
}
await browser.close();
