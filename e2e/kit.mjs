// The browser-test kit shared by every e2e/*.spec.mjs: the server under
// test, a GraphQL client, scenario registration, pages that refuse to talk
// to another host, and screenshots. e2e/run.mjs loads every spec file and
// runs the scenarios they registered; e2e/explorer_test.go runs it.
//
//   node e2e/run.mjs <baseURL> <screenshotDir> [scenario…]
//
// MAILLAGE_E2E_TOKEN, when set, is a CURATOR token of that server.
// Each scenario prints one line `RESULT {"name":…,"ok":…}`; the exit code
// is 1 when one failed.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

export const [baseURL, shotDir, ...only] = process.argv.slice(2);
if (!baseURL || !shotDir) {
  console.error('usage: node e2e/run.mjs <baseURL> <screenshotDir> [scenario…]');
  process.exit(2);
}
fs.mkdirSync(shotDir, { recursive: true });
export const TOKEN = process.env.MAILLAGE_E2E_TOKEN || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export const base = baseURL.replace(/\/$/, '');
export const explore = (p = '') => `${base}/explore/${p}`;
export const gid = (type, id) => Buffer.from(`${type}:${id}`).toString('base64url');

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

export async function gql(query, variables = {}, token = '') {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return res.json();
}

export const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});

const scenarios = [];
export function scenario(name, fn, { viewport } = {}) {
  scenarios.push({ name, fn, viewport });
}

/** local reports whether a URL stays on this machine (or is no network address at all). */
function local(url) {
  const u = new URL(url);
  if (!/^(https?|wss?):$/.test(u.protocol)) return true;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) || u.host === new URL(base).host;
}

/**
 * newPage opens a fresh context (own sessionStorage) that records page
 * errors, and every request to another host as a problem (the request is
 * refused): every page must work on a closed network, and tell no third
 * party who reads it.
 */
async function newPage(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, locale: 'fr-CA', reducedMotion: 'reduce' });
  const problems = [];
  const requests = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    requests.push(url);
    if (local(url)) return route.continue();
    problems.push(`request to another host: ${url}`);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  // Generous: the suite shares two cores with the Neo4j suites in .ci/run, and a
  // graph page of 165 nodes took over 15 s to draw there once.
  page.setDefaultTimeout(45000);
  page.on('websocket', (ws) => {
    if (!local(ws.url())) problems.push(`WebSocket to another host: ${ws.url()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    // The browser logs every 401 it receives; the token scenario causes them on purpose.
    if (/status of 401/.test(text)) return;
    // A refused request to another host is already a problem of its own.
    if (/ERR_BLOCKED_BY_CLIENT/.test(text)) return;
    problems.push(`console error: ${text}`);
  });
  return { context, page, problems, requests };
}

export async function shot(page, name) {
  const file = path.join(shotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}



export async function runScenarios() {
let failed = 0;
for (const s of scenarios) {
  if (only.length && !only.includes(s.name)) continue;
  const { context, page, problems, requests } = await newPage(s.viewport);
  const start = Date.now();
  let result;
  try {
    const out = (await s.fn({ page, context, requests })) || {};
    if (problems.length) throw new Error(problems.join('; '));
    result = { name: s.name, ok: true, ms: Date.now() - start, ...out };
  } catch (err) {
    failed++;
    let screenshot;
    try {
      screenshot = await shot(page, `FAILED-${s.name}`);
    } catch {
      // the page is gone
    }
    result = { name: s.name, ok: false, ms: Date.now() - start, error: String(err?.message || err).split('\n')[0], problems, screenshot, url: page.url() };
  }
  console.log(`RESULT ${JSON.stringify(result)}`);
  await context.close();
}
await browser.close();
return failed;
}


/**
 * findPath opens the path page from a document, picks the first document
 * the "À" box offers for query, and asks for the paths.
 */
export async function findPath(page, from, query) {
  await page.goto(explore(`path?from=${from}`));
  const to = page.getByRole('combobox', { name: 'À' });
  await to.pressSequentially(query, { delay: 30 });
  await page.getByRole('listbox').getByRole('option').first().waitFor(); // the combobox's, not the demo picker's
  await to.press('ArrowDown');
  await to.press('Enter');
  await page.getByRole('button', { name: 'Trouver les chemins' }).click();
  await page.waitForURL(/to=/);
}
