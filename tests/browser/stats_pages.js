// The statistics report in headless Chromium (Debian's, driven by
// playwright-core): the English and Chinese pages idregd serves load with no
// console error and no failed request; their charts are drawn (SVG paths
// with data, and drawn pixels in a screenshot of each chart); sorting the
// world table by a column orders its rows; the figures shown for a handful
// of economies and groups equal those computed from the raw files
// (expected_stats.py); the Chinese page names economies in Chinese.
//
// usage: node stats_pages.js BASE_URL EXPECTED_JSON SHOT_DIR
// Prints one line per failed check and "N checks" at the end; exit 1 on any failure.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const [baseUrl, expectedPath, shotDir] = process.argv.slice(2);
const expected = JSON.parse(fs.readFileSync(expectedPath, 'utf8'));
let checks = 0;
let failures = 0;

function check(ok, what) {
  checks++;
  if (!ok) {
    failures++;
    console.log(`FAIL: ${what}`);
  }
}

// Equal to a relative 1e-9 (IPv6 /32 counts are sums of powers of two).
function near(a, b) {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

// A number as shown ("1,234.5", "93.3%") equals @value at the precision shown.
function shownAs(text, value, percent) {
  const clean = text.replace(/,/g, '').replace('%', '');
  const decimals = clean.includes('.') ? clean.split('.')[1].length : 0;
  const shown = Number(clean);
  const v = percent ? value * 100 : value;
  return Number.isFinite(shown) && Math.abs(shown - v) <= 0.5 * 10 ** -decimals + 1e-9 * Math.abs(v);
}

const CHARTS = ['chart-share-region', 'chart-ipv6-region', 'chart-share-group',
  'chart-ipv6-group', 'chart-lorenz-raw', 'chart-lorenz-per-capita'];

// The cell of row @key in column @col of table @table: its data-v and text.
async function cell(page, table, key, col) {
  return page.evaluate(([table, key, col]) => {
    const t = document.getElementById(table);
    const heads = Array.from(t.tHead.rows[0].cells);
    const index = heads.findIndex((th) => th.dataset.col === col);
    const row = t.querySelector(`tbody tr[data-key="${key}"]`);
    if (index < 0 || !row) return null;
    return { v: row.cells[index].dataset.v, text: row.cells[index].textContent };
  }, [table, key, col]);
}

// The data-v of every row of column @col of the world table, in page order.
async function columnValues(page, col) {
  return page.evaluate((col) => {
    const t = document.getElementById('world-table');
    const index = Array.from(t.tHead.rows[0].cells).findIndex((th) => th.dataset.col === col);
    return Array.from(t.tBodies[0].rows).map((r) => r.cells[index].dataset.v);
  }, col);
}

async function sortBy(page, col) {
  await page.click(`#world-table thead th[data-col="${col}"] button`);
}

// Rows ordered by number, gaps ("") last whichever the direction.
function ordered(values, ascending) {
  const numbers = values.filter((v) => v !== '');
  const gapsLast = values.slice(numbers.length).every((v) => v === '');
  for (let i = 1; i < numbers.length; i++) {
    const a = Number(numbers[i - 1]);
    const b = Number(numbers[i]);
    if (ascending ? a > b : a < b) return false;
  }
  return gapsLast && numbers.length > 1;
}

// Pixels of a PNG that are not its background (its most common colour),
// counted in a blank page's canvas (no CSP there), and the distinct
// strong colours among them (the series' palette).
async function ink(decoder, png) {
  return decoder.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, img.width, img.height).data;
    const counts = new Map();
    for (let i = 0; i < data.length; i += 4) {
      const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
      counts.set(key, (counts.get(key) || 0) + 1);
    }
    let background = 0;
    let most = -1;
    for (const [key, n] of counts) if (n > most) { most = n; background = key; }
    const br = background >> 16;
    const bg = (background >> 8) & 255;
    const bb = background & 255;
    let drawn = 0;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4) {
      const d = Math.max(Math.abs(data[i] - br), Math.abs(data[i + 1] - bg), Math.abs(data[i + 2] - bb));
      if (d > 40) drawn++;
      const spread = Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]);
      if (spread > 80) colours.add(((data[i] >> 5) << 6) | ((data[i + 1] >> 5) << 3) | (data[i + 2] >> 5));
    }
    return { drawn: drawn / (img.width * img.height), colours: colours.size };
  }, png.toString('base64'));
}

async function checkPage(context, decoder, url, lang) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure() && r.failure().errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  const response = await page.goto(url, { waitUntil: 'load' });
  check(response && response.status() === 200, `${lang}: ${url} answers 200`);
  await page.waitForTimeout(300); // late console messages, the icon
  check(problems.length === 0, `${lang}: no console error, no failed request: ${problems.join('; ')}`);

  // The language.
  const htmlLang = await page.getAttribute('html', 'lang');
  check(htmlLang === (lang === 'zh' ? 'zh-Hans' : 'en'), `${lang}: html lang is ${htmlLang}`);
  const title = await page.textContent('h1');
  check(lang === 'zh' ? /[\u4e00-\u9fff]/.test(title) : /^[\x20-\x7e]+$/.test(title),
    `${lang}: the heading is in the page's language: ${title}`);
  const other = await page.getAttribute('#other-language', 'href');
  check(other === (lang === 'zh' ? '../' : 'zh/'), `${lang}: links the other language: ${other}`);

  // The charts: SVG paths with data, and drawn pixels.
  for (const id of CHARTS) {
    const points = await page.evaluate((id) => {
      const svg = document.getElementById(id);
      if (!svg) return -1;
      return Math.max(0, ...Array.from(svg.querySelectorAll('path.series'))
        .map((p) => (p.getAttribute('d').match(/[ML]/g) || []).length));
    }, id);
    check(points >= 5, `${lang}: chart ${id} has a series of at least 5 points (${points})`);
    const shot = await page.locator(`#${id}`).screenshot();
    const drawn = await ink(decoder, shot);
    check(drawn.drawn > 0.01 && drawn.colours >= 3,
      `${lang}: chart ${id} has drawn pixels in 3 or more colours (${(drawn.drawn * 100).toFixed(2)}%, ${drawn.colours} colours)`);
  }
  const series = await page.evaluate(() => Array.from(
    document.querySelectorAll('#chart-share-group path.series')).map((p) => p.dataset.series));
  check(series.length === 5, `${lang}: the group chart has LDC, LLDC, SIDS, other and world: ${series}`);

  // The whole page: not blank.
  const full = await page.screenshot({ path: path.join(shotDir, `stats-${lang}.png`) });
  const whole = await ink(decoder, full);
  check(whole.drawn > 0.02 && whole.colours >= 3,
    `${lang}: the page screenshot is not blank (${(whole.drawn * 100).toFixed(2)}% drawn, ${whole.colours} colours)`);

  // Figures against the raw files.
  for (const [cc, e] of Object.entries(expected.economies)) {
    for (const col of ['ipv4', 'ipv6_32', 'asn']) {
      const c = await cell(page, 'world-table', cc, col);
      check(c && near(Number(c.v), e[col]) && shownAs(c.text, e[col], false),
        `${lang}: ${cc} ${col}: expected ${e[col]}, page has ${c && c.v} shown "${c && c.text}"`);
    }
    const name = await cell(page, 'world-table', cc, 'name');
    const want = lang === 'zh' && e.name_zh ? e.name_zh : e.name_en;
    check(name && name.text === want, `${lang}: ${cc} is named "${want}": "${name && name.text}"`);
  }
  for (const [group, e] of Object.entries(expected.groups)) {
    for (const col of ['ipv4', 'ipv6_32', 'asn']) {
      const c = await cell(page, 'group-table', group, col);
      check(c && near(Number(c.v), e[col]) && shownAs(c.text, e[col], false),
        `${lang}: group ${group} ${col}: expected ${e[col]}, page has ${c && c.v} "${c && c.text}"`);
    }
  }
  for (const col of ['ipv4', 'ipv6_32', 'asn']) {
    const c = await cell(page, 'group-table', 'world', col);
    check(c && near(Number(c.v), expected.world[col]),
      `${lang}: world ${col}: expected ${expected.world[col]}, page has ${c && c.v}`);
  }
  const share = await cell(page, 'group-table', 'LDC', 'economies_ipv6_share');
  check(share && shownAs(share.text, Number(share.v), true), `${lang}: LDC share shown as a percentage: ${share && share.text}`);

  // Sorting: by IPv4 up, then down; by population (with gaps); by code.
  await sortBy(page, 'ipv4');
  let values = await columnValues(page, 'ipv4');
  check(ordered(values, true), `${lang}: IPv4 column sorted ascending`);
  await sortBy(page, 'ipv4');
  values = await columnValues(page, 'ipv4');
  check(ordered(values, false), `${lang}: IPv4 column sorted descending`);
  const top = await page.evaluate(() => document.querySelector('#world-table tbody tr').dataset.key);
  const biggest = expected.largest_ipv4;
  check(top === biggest, `${lang}: the first row after sorting by IPv4 down is ${biggest}: ${top}`);
  const sortState = await page.getAttribute('#world-table th[data-col="ipv4"]', 'aria-sort');
  check(sortState === 'descending', `${lang}: aria-sort says descending: ${sortState}`);
  await sortBy(page, 'population');
  values = await columnValues(page, 'population');
  check(ordered(values, true), `${lang}: population column sorted ascending, gaps last`);
  await sortBy(page, 'code');
  values = await columnValues(page, 'code');
  const sorted = values.slice().sort((a, b) => a.localeCompare(b, htmlLang));
  check(values.join() === sorted.join() && values.length > 200, `${lang}: codes sorted (${values.length} rows)`);
  await page.close();
}

(async () => {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idreg-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 1000 },
  });
  try {
    const decoder = await context.newPage();
    await decoder.goto('about:blank');
    await checkPage(context, decoder, `${baseUrl}/stats/`, 'en');
    await checkPage(context, decoder, `${baseUrl}/stats/zh/`, 'zh');
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  console.log(`${checks} checks, ${failures} failed`);
  process.exit(failures ? 1 : 0);
})().catch((e) => {
  console.log(`FAIL: ${e.stack || e}`);
  process.exit(1);
});
