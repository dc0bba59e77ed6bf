// e2e-seconds: 8 (how long this file's scenarios ran in one browser; e2e/shards_test.go balances shards with it)
// Browser scenarios of the search page's sort (relevance or update date,
// kept in the address) and of the search box's focus ring. Registered with
// the kit; run by e2e/run.mjs.

import { explore, assert, gql, scenario, shot } from './kit.mjs';

const SORTED = `query($q: String!, $sort: SearchSort, $after: String) {
  search(query: $q, sort: $sort, first: 20, after: $after) {
    totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`;

/** shownIds are the global ids of the results on the page, in order. */
async function shownIds(page) {
  return page.$$eval('.result h3 a', (as) => as.map((a) => decodeURIComponent(new URL(a.href).pathname.split('/').pop())));
}

/** waitForResults waits until the page lists exactly ids. */
async function waitForResults(page, ids, what) {
  try {
    await page.waitForFunction((want) => {
      const got = [...document.querySelectorAll('.result h3 a')].map((a) => decodeURIComponent(new URL(a.href).pathname.split('/').pop()));
      return got.length === want.length && got.every((id, i) => id === want[i]);
    }, ids, { timeout: 15000 });
  } catch {
    throw new Error(`${what}: page shows ${JSON.stringify(await shownIds(page))}, want ${JSON.stringify(ids)}`);
  }
}

async function apiPage(q, sort, after = null) {
  const r = await gql(SORTED, { q, sort, after });
  assert(!r.errors, `API: ${JSON.stringify(r.errors)}`);
  return r.data.search;
}

scenario('search-sort', async ({ page }) => {
  const q = 'commun';
  const newest = await apiPage(q, 'UPDATED_DESC');
  const oldest = await apiPage(q, 'UPDATED_ASC');
  const ids = (p) => p.edges.map((e) => e.node.id);
  assert(newest.totalCount > 20 && newest.pageInfo.hasNextPage, `“${q}” needs more than one page of hits (has ${newest.totalCount})`);

  await page.goto(explore(`?q=${encodeURIComponent(q)}`));
  await page.locator('.result').first().waitFor();
  const select = page.getByLabel('Trier par');
  assert(await select.inputValue() === 'relevance', 'relevance is not the default');
  assert(new URL(page.url()).searchParams.get('sort') === null, 'the default sort is written in the address');

  // Newest first: the page lists what the API answers, and the address says so.
  await select.selectOption({ label: 'Mise à jour la plus récente' });
  await page.waitForURL((u) => new URL(u).searchParams.get('sort') === 'newest');
  await waitForResults(page, ids(newest), 'newest first');
  assert(await page.locator('.result .result-updated').count() === ids(newest).length, 'results sorted by date do not show their update date');
  const file = await shot(page, '40-search-sort-newest');

  // The next page follows on in the same order.
  const newest2 = await apiPage(q, 'UPDATED_DESC', newest.pageInfo.endCursor);
  await page.getByRole('button', { name: /suivant/i }).click();
  await page.waitForURL((u) => new URL(u).searchParams.get('after') && new URL(u).searchParams.get('sort') === 'newest');
  await waitForResults(page, ids(newest2), 'newest first, page 2');

  // Another order starts from its first page (a cursor belongs to one order).
  await page.getByLabel('Trier par').selectOption('oldest');
  await page.waitForURL((u) => new URL(u).searchParams.get('sort') === 'oldest' && !new URL(u).searchParams.get('after'));
  await waitForResults(page, ids(oldest), 'oldest first');

  // The address alone restores the order, and back returns to the previous one.
  await page.reload();
  await waitForResults(page, ids(oldest), 'oldest first, reloaded');
  assert(await page.getByLabel('Trier par').inputValue() === 'oldest', 'the select does not show the order in the address');
  await page.goBack();
  await page.waitForURL((u) => new URL(u).searchParams.get('sort') === 'newest');
  await waitForResults(page, ids(newest2), 'back to newest first, page 2');
  assert(await page.getByLabel('Trier par').inputValue() === 'newest', 'the select does not follow the back button');

  // Back to relevance: the sort leaves the address.
  await page.getByLabel('Trier par').selectOption('relevance');
  await page.waitForURL((u) => new URL(u).searchParams.get('sort') === null && new URL(u).searchParams.get('q') === q);
  await waitForResults(page, ids(await apiPage(q, 'RELEVANCE')), 'relevance');

  // A cursor of one order pasted under another is refused, and said so.
  await page.goto(explore(`?q=${q}&sort=oldest&after=${encodeURIComponent(newest.pageInfo.endCursor)}`));
  await page.locator('.results [role=alert], .results .error').first().waitFor();
  return { screenshot: file };
});

scenario('search-sort-english', async ({ page }) => {
  await page.goto(explore('?q=projet&sort=newest'));
  await page.locator('.result').first().waitFor();
  await page.getByRole('button', { name: 'Switch to English' }).click();
  const select = page.getByLabel('Sort by');
  await select.waitFor();
  assert(await select.inputValue() === 'newest', 'the order is lost when switching language');
  assert((await select.locator('option:checked').innerText()) === 'Most recently updated', 'no English label');
  await page.getByRole('button', { name: 'Passer en français' }).click();
  return {};
});

scenario('search-sort-phone', async ({ page }) => {
  await page.goto(explore('?q=groupe&sort=oldest'));
  await page.locator('.result').first().waitFor();
  const select = page.getByLabel('Trier par');
  assert(await select.isVisible(), 'no sort control on a phone');
  assert(await select.inputValue() === 'oldest', 'the address order is not selected');
  const box = await select.boundingBox();
  assert(box && box.x >= 0 && box.x + box.width <= 390, `the sort control leaves the screen: ${JSON.stringify(box)}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 1, `page is ${overflow}px wider than the phone screen`);
  return { screenshot: await shot(page, '41-phone-search-sort') };
}, { viewport: { width: 390, height: 844 } });

/** contrast is the WCAG contrast ratio of two rgb() colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((m, n) => n - m);
  return (x + 0.05) / (y + 0.05);
}

// The search box's focus ring is seen (3:1 against the page, WCAG 1.4.11)
// and does not look like an error: no red or orange hue.
scenario('search-focus-ring', async ({ page }) => {
  await page.goto(explore());
  const box = page.getByRole('searchbox', { name: 'Rechercher dans le commun' });
  await box.waitFor();
  await page.keyboard.press('Tab'); // keyboard focus, so :focus-visible applies
  await box.focus();
  const ring = await box.evaluate((el) => {
    const s = getComputedStyle(el);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth), color: s.outlineColor, bg: getComputedStyle(document.body).backgroundColor };
  });
  assert(ring.style !== 'none' && ring.width >= 2, `no visible focus ring: ${JSON.stringify(ring)}`);
  const [r, g, b] = ring.color.match(/\d+/g).map(Number);
  assert(!(r > g && r > b), `the focus ring is reddish or orange (${ring.color}): it reads as an error`);
  const ratio = contrast(ring.color, ring.bg === 'rgba(0, 0, 0, 0)' ? 'rgb(255, 255, 255)' : ring.bg);
  assert(ratio >= 3, `the focus ring's contrast is ${ratio.toFixed(2)}:1, want 3:1`);
  return { screenshot: await shot(page, '42-search-focus'), focusRing: ring.color, contrast: Number(ratio.toFixed(2)) };
});
