// e2e-seconds: 20 (how long this file's scenarios ran in one browser; e2e/shards_test.go balances shards with it)
// Browser scenarios of the demo sign-in (`maillage serve --demo` on a
// loopback address): the picker in the header, each demo role seeing what
// only that role sees, anonymous reading seeing none of it, the phone
// layout; and, when MAILLAGE_DOCS_SCREENSHOTS names a directory, the
// screenshots docs/explorer.md shows. Registered with the kit; run by
// e2e/run.mjs.

import fs from 'node:fs';
import path from 'node:path';
import { base, explore, gid, assert, scenario, shotDir } from './kit.mjs';

const PICKER = 'Démo : agir en tant que …';

let accountsOnce;
/** accounts are the server's demo accounts, by role (null: no demo sign-in). */
async function accounts() {
  accountsOnce ??= fetch(`${base}/demo/accounts`).then(async (res) => {
    if (res.status === 404) return null;
    assert(res.ok, `GET /demo/accounts: ${res.status}`);
    const body = await res.json();
    return Object.fromEntries(body.accounts.map((a) => [a.role, a]));
  });
  return accountsOnce;
}

/** signIn picks the demo account of role in the header's picker. */
async function signIn(page, account) {
  const picker = page.getByLabel(PICKER);
  await picker.waitFor();
  await picker.selectOption({ label: `${account.name} — ${roleLabel[account.role]}` });
  await page.locator('.token-status.token-ok').filter({ hasText: account.name }).waitFor({ state: 'attached' });
  const token = await page.evaluate(() => sessionStorage.getItem('maillage.token'));
  assert(token === account.token, `the picker set ${token}, not the ${account.role} token`);
}

const roleLabel = { CONTRIBUTOR: 'contribution', RESEARCHER: 'recherche', CURATOR: 'curation', ADMIN: 'administration' };

const NOTE = gid('Note', 'note-msc-cinq-piliers');

/** privateStandpoints lists the "(privée)" standpoints on a contributor's page. */
async function privateStandpoints(page, contributor) {
  await page.goto(explore(`node/${contributor}`));
  const section = page.locator('section[aria-labelledby="standpoints"]');
  await section.locator('dd').first().waitFor();
  return section.locator('dd').filter({ hasText: '(privée)' }).allInnerTexts();
}

scenario('demo-signin-anonymous', async ({ page }) => {
  const acc = await accounts();
  if (!acc) return { skipped: 'this server has no demo sign-in (not serve --demo on loopback)' };
  await page.goto(explore());
  const bar = page.getByRole('region', { name: 'Connexion de démonstration' });
  await bar.waitFor();
  assert((await bar.innerText()).includes('Démo'), 'the picker is not marked as demo-only');
  const options = await page.getByLabel(PICKER).locator('option').allInnerTexts();
  assert(options.length === 5, `want "personne" and four accounts, have ${options}`);
  assert(await page.evaluate(() => sessionStorage.getItem('maillage.token')) === null, 'a token is set before any pick');
  // Anonymous reading: no private standpoint on the demo contributor's
  // page, no curator's panel on a note, the network asks for a token.
  assert((await privateStandpoints(page, acc.CONTRIBUTOR.contributor)).length === 0, 'a private standpoint shown to the public');
  await page.goto(explore(`node/${NOTE}`));
  await page.locator('#doc-title').waitFor();
  assert(await page.locator('#suggestions').count() === 0, 'suggested links shown to an anonymous reader');
  await page.goto(explore('network'));
  await page.getByText('Cette vue demande un jeton.').waitFor();
});

scenario('demo-signin-contributor', async ({ page }) => {
  const acc = await accounts();
  if (!acc) return { skipped: 'no demo sign-in' };
  const me = acc.CONTRIBUTOR;
  await page.goto(explore(`node/${me.contributor}`));
  await signIn(page, me);
  // Their own page, as they see it: their private standpoint is there.
  await page.locator('section[aria-labelledby="standpoints"] dd').filter({ hasText: '(privée)' }).first().waitFor();
  const priv = await privateStandpoints(page, me.contributor);
  assert(priv.length > 0, 'the contributor does not see their own private standpoint');
  const file = await shotOf(page, '20-demo-contributor');
  // Not a curator: the suggested links refuse them (the panel goes away),
  // and the network is not theirs to map.
  await page.goto(explore('network'));
  await page.getByText('Accès refusé.').waitFor();
  // Signing out again through the picker.
  await page.getByLabel(PICKER).selectOption({ index: 0 });
  await page.locator('.token-status.token-none').waitFor({ state: 'attached' });
  assert(await page.evaluate(() => sessionStorage.getItem('maillage.token')) === null, 'the token is still set');
  return { screenshot: file, detail: `private: ${priv.join('; ')}` };
});

scenario('demo-signin-curator', async ({ page }) => {
  const acc = await accounts();
  if (!acc) return { skipped: 'no demo sign-in' };
  await page.goto(explore(`node/${NOTE}`));
  await page.locator('#doc-title').waitFor();
  assert(await page.locator('#suggestions').count() === 0, 'suggested links shown before signing in');
  await signIn(page, acc.CURATOR);
  // The curator's control: suggested links with an "add" button each.
  await page.locator('#suggestions .suggestion-list li').first().waitFor();
  await page.locator('#suggestions').getByRole('button', { name: /Ajouter le lien/ }).first().waitFor();
  await page.locator('#suggestions').scrollIntoViewIfNeeded();
  return { screenshot: await shotOf(page, '21-demo-curator') };
});

scenario('demo-signin-researcher', async ({ page }) => {
  const acc = await accounts();
  if (!acc) return { skipped: 'no demo sign-in' };
  await page.goto(explore('network'));
  await page.getByText('Cette vue demande un jeton.').waitFor();
  await signIn(page, acc.RESEARCHER);
  // The researcher's view: the contributor network, as a graph and a table.
  await page.waitForFunction(() => window.__maillageGraph && window.__maillageGraph.nodes().length > 1, null, { timeout: 60000 }); // the layout, on a busy machine
  assert(await page.locator('.node-table tbody tr').count() > 1, 'no contributor table for the researcher');
  return { screenshot: await shotOf(page, '22-demo-researcher') };
});

scenario('demo-signin-admin', async ({ page }) => {
  const acc = await accounts();
  if (!acc) return { skipped: 'no demo sign-in' };
  await page.goto(explore());
  await signIn(page, acc.ADMIN);
  // The token box says who one is, and the admin's token answers the
  // admin-only tokens query (which the explorer has no page for).
  await page.getByRole('button', { name: 'Jeton ✓' }).click();
  await page.getByText(`Connecté·e : ${acc.ADMIN.name}.`).waitFor();
  const res = await page.evaluate(async () => {
    const r = await fetch('/graphql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${sessionStorage.getItem('maillage.token')}` },
      body: JSON.stringify({ query: '{ tokens(first: 10) { totalCount } }' }),
    });
    return r.json();
  });
  assert(!res.errors && res.data.tokens.totalCount >= 4, `the admin's tokens query: ${JSON.stringify(res)}`);
});

scenario('demo-signin-phone', async ({ page }) => {
  const acc = await accounts();
  if (!acc) return { skipped: 'no demo sign-in' };
  await page.goto(explore());
  const picker = page.getByLabel(PICKER);
  await picker.waitFor();
  // The strip fits the phone's width: nothing scrolls sideways.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  const box = await picker.boundingBox();
  assert(box && box.x >= 0 && box.x + box.width <= 390, `the picker overflows: ${JSON.stringify(box)}`);
  await signIn(page, acc.CURATOR);
  return { screenshot: await shotOf(page, '23-demo-phone') };
}, { viewport: { width: 390, height: 844 } });

// ------------------------------------------------------------------ docs

// shotOf is the kit's shot, viewport-sized: the demo's pages are long.
async function shotOf(page, name) {
  const file = path.join(shotDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

// The screenshots docs/explorer.md shows, written to the directory named by
// MAILLAGE_DOCS_SCREENSHOTS (docs/img from the repository's root) at a fixed
// small viewport, so that a run of the browser tests refreshes them:
//   MAILLAGE_DOCS_SCREENSHOTS=docs/img go test ./e2e
const DOCS = process.env.MAILLAGE_DOCS_SCREENSHOTS || '';

scenario('docs-screenshots', async ({ page }) => {
  if (!DOCS) return { skipped: 'MAILLAGE_DOCS_SCREENSHOTS not set' };
  fs.mkdirSync(DOCS, { recursive: true });
  const acc = await accounts();
  const written = [];
  const take = async (name) => {
    const file = path.join(DOCS, `${name}.png`);
    await page.screenshot({ path: file });
    written.push(`${name}.png ${Math.round(fs.statSync(file).size / 1024)} KB`);
  };
  await page.goto(explore());
  await page.locator('.about a.example').first().waitFor();
  await take('explorer-home');
  await page.goto(explore('?q=gouvernance'));
  await page.locator('.result').first().waitFor();
  await take('explorer-search');
  await page.goto(explore(`node/${NOTE}`));
  await page.locator('#doc-title').waitFor();
  await take('explorer-note');
  await page.goto(explore(`graph/${NOTE}`));
  await page.waitForFunction(() => window.__maillageGraph && window.__maillageGraph.nodes().length > 1, null, { timeout: 60000 }); // the layout, on a busy machine
  await take('explorer-graph');
  await page.goto(explore('coverage?q=gouvernance'));
  await page.locator('.coverage-dim').first().waitFor();
  await take('explorer-coverage');
  if (acc) {
    // Signed in as the demo contributor: their page shows their private
    // standpoint, which the public does not see.
    await page.goto(explore(`node/${acc.CONTRIBUTOR.contributor}`));
    await signIn(page, acc.CONTRIBUTOR);
    await page.locator('section[aria-labelledby="standpoints"] dd').filter({ hasText: '(privée)' }).first().waitFor();
    await take('explorer-demo-signin');
    await signIn(page, acc.RESEARCHER);
    await page.goto(explore('network'));
    await page.waitForFunction(() => window.__maillageGraph && window.__maillageGraph.nodes().length > 1, null, { timeout: 60000 }); // the layout, on a busy machine
    await take('explorer-network');
  }
  return { detail: `written to ${DOCS}: ${written.join(', ')}` };
}, { viewport: { width: 1024, height: 640 } });
