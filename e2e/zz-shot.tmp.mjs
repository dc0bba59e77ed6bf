import { chromium } from 'playwright-core';
const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const p = await (await b.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' })).newPage();
if (process.env.TOK) { await p.goto(new URL('/explore/', process.argv[2]).href); await p.evaluate((t) => sessionStorage.setItem('maillage.token', t), process.env.TOK); }
await p.goto(process.argv[2]);
await p.waitForFunction(() => window.__maillageGraph && document.querySelector('#cy[data-layout-ms]'));
await p.locator('#cy').screenshot({ path: process.argv[3] });
await b.close();
