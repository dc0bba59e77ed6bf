// e2e-seconds: 118 (how long this file's scenarios ran in one browser; e2e/shards_test.go balances shards with it)
// Browser scenarios of the explorer's public pages, GraphiQL, the token
// box, the phone layout and live updates. Registered with the kit; run by
// e2e/run.mjs.

import fs from 'node:fs';
import path from 'node:path';
import { TOKEN, base, explore, gid, assert, gql, scenario, shot, shotDir, findPath } from './kit.mjs';

// ------------------------------------------------------------------ home

scenario('home', async ({ page }) => {
  const start = Date.now();
  await page.goto(explore());
  await page.getByRole('heading', { name: 'Modifiés récemment' }).waitFor();
  const shown = Date.now() - start;
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    const bytes = performance.getEntriesByType('resource').reduce((s, r) => s + (r.encodedBodySize || 0), n.encodedBodySize || 0);
    return { domContentLoaded: Math.round(n.domContentLoadedEventEnd), load: Math.round(n.loadEventEnd), bytes };
  });
  assert(await page.locator('.doc-list li').count() > 0, 'no recent documents listed');
  assert(await page.locator('html[lang="fr"]').count() === 1, 'page is not in French by default');
  assert(await page.locator('script[src*="cytoscape"]').count() === 0, 'cytoscape loaded on the search page');
  // How long the page took is reported (timing), never asserted: on a shared
  // machine a wall-clock bound measures the neighbours, not the page.
  return { screenshot: await shot(page, '01-home'), timing: { shownMs: shown, ...nav } };
});

scenario('landing', async ({ page }) => {
  await page.goto(explore());
  await page.getByRole('heading', { name: 'Un commun de savoirs pratiques' }).waitFor();
  assert((await page.locator('.about p').first().innerText()).length > 80, 'no text saying what the site is');
  const examples = page.locator('.about a.example');
  assert(await examples.count() === 3, `want 3 example searches, have ${await examples.count()}`);
  const q = await examples.first().innerText();
  const file = await shot(page, '01b-landing');
  await examples.first().click();
  await page.waitForURL((u) => new URL(u).searchParams.get('q') === q);
  await page.locator('.result').first().waitFor();
  assert(await page.getByRole('searchbox', { name: 'Rechercher dans le commun' }).inputValue() === q, 'the box does not show the example');
  // Every example finds something in the demo commons.
  for (let i = 1; i < 3; i++) {
    await page.goBack();
    await page.locator('.about a.example').nth(i).click();
    await page.waitForURL((u) => new URL(u).searchParams.get('q') !== q);
    await page.locator('.result').first().waitFor();
  }
  await page.goto(explore());
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.getByRole('heading', { name: 'A commons of practical knowledge' }).waitFor();
  await page.getByRole('button', { name: 'Passer en français' }).click();
  return { screenshot: file };
});

// ------------------------------------------------------------------ search

async function search(page, q) {
  await page.goto(explore());
  const box = page.getByRole('searchbox', { name: 'Rechercher dans le commun' });
  await box.waitFor();
  await box.pressSequentially(q, { delay: 30 });
  await page.locator('.result').first().waitFor();
  await page.waitForURL((u) => new URL(u).searchParams.get('q') === q);
}

scenario('search', async ({ page }) => {
  await search(page, 'éducation');
  const count = await page.locator('.result').count();
  assert(count > 0, 'no results');
  assert(await page.locator('.result mark').count() > 0, 'no highlighted fragment');
  // Fragments are inserted as text: only <mark> elements inside.
  const tags = await page.$$eval('.fragment *, .result h3 a *', (els) => [...new Set(els.map((e) => e.tagName))]);
  assert(tags.every((t) => t === 'MARK'), `unexpected tags in fragments: ${tags}`);
  assert(/\d+ résultats?/.test(await page.locator('#search-status').innerText()), 'no result count');
  for (const field of ['kind', 'carnet', 'term', 'organisation', 'language']) {
    assert(await page.locator(`fieldset.facet-${field} input[type=checkbox]`).count() > 0, `no ${field} facet`);
  }
  assert(await page.locator('.facet-standpoints fieldset').count() >= 2, 'standpoint facets are not per dimension');
  // Facet by kind narrows, and the address keeps it.
  await page.locator('fieldset.facet-kind input[data-value="NOTE"]').check();
  await page.waitForURL(/kind=NOTE/);
  await page.waitForFunction(() => [...document.querySelectorAll('.result .badge')].every((b) => /note/i.test(b.textContent)));
  return { screenshot: await shot(page, '02-search') };
});

/** words splits text into its words, as a reader sees them. */
function words(text) {
  return (text.replace(/[’]/g, "'").match(/[\p{L}\p{N}'-]+/gu) || []).filter((w) => /[\p{L}\p{N}]/u.test(w));
}

/** hasRun reports whether run (a few words) occurs, whole words in a row, in all. */
function hasRun(all, run) {
  outer: for (let i = 0; i + run.length <= all.length; i++) {
    for (let j = 0; j < run.length; j++) if (all[i + j] !== run[j]) continue outer;
    return true;
  }
  return false;
}

scenario('snippets', async ({ page, context }) => {
  // Notes only: their page shows every field a fragment comes from.
  let checked = 0;
  const seen = [];
  for (const q of ['éducation', 'gouvernance']) {
    await page.goto(explore(`?q=${encodeURIComponent(q)}&kind=NOTE`));
    await page.locator('.result').first().waitFor();
    const items = await page.$$eval('.result', (els) => els.map((el) => ({
      href: el.querySelector('h3 a').getAttribute('href'),
      fragments: [...el.querySelectorAll('.fragment')].map((f) => f.textContent),
    })));
    for (const it of items) {
      for (const f of it.fragments) {
        seen.push(f);
        for (const bad of ['##', '[[', ']]', '**', '](']) assert(!f.includes(bad), `Markdown "${bad}" in the snippet: ${f}`);
      }
    }
    // A snippet cut out of a longer text starts and ends on whole words:
    // its first and last words are words of the document, in that order.
    const cut = items.filter((it) => it.fragments.some((f) => f.startsWith('…') || f.endsWith('…'))).slice(0, 3);
    const other = await context.newPage();
    for (const it of cut) {
      await other.goto(new URL(it.href, base).href);
      await other.locator('#body').waitFor();
      const doc = words(await other.locator('main').innerText());
      for (const f of it.fragments) {
        const w = words(f);
        if (f.startsWith('…')) assert(hasRun(doc, w.slice(0, 3)), `snippet starts mid-word: "${f.slice(0, 60)}" (${it.href})`);
        if (f.endsWith('…')) assert(hasRun(doc, w.slice(-3)), `snippet ends mid-word: "…${f.slice(-60)}" (${it.href})`);
        checked++;
      }
    }
    await other.close();
  }
  assert(checked >= 3, `only ${checked} cut snippets checked`);
  return { screenshot: await shot(page, '02c-snippets'), detail: `${seen.length} snippets, ${checked} cut ones checked against their document` };
});

scenario('chips', async ({ page }) => {
  await search(page, 'numérique');
  assert(await page.locator('.chip').count() === 0, 'chips with no filter');
  await page.locator('fieldset.facet-kind input[data-value="NOTE"]').check();
  await page.waitForURL(/kind=NOTE/);
  const sp = page.locator('.facet-standpoints input[type=checkbox]').first();
  const value = await sp.getAttribute('data-value');
  await sp.check();
  await page.waitForURL((u) => new URL(u).searchParams.getAll('sp').includes(value));
  await page.locator('.chip').nth(1).waitFor();
  assert(await page.locator('.chip').count() === 2, `want 2 chips, have ${await page.locator('.chip').count()}`);
  const kindChip = page.locator('.chip[data-facet="kind"]');
  const kindText = await kindChip.innerText();
  assert(kindText.includes('Type') && kindText.includes('Note'), `kind chip reads ${kindText}`);
  await page.getByRole('button', { name: 'Enlever tous les filtres' }).first().waitFor();
  const file = await shot(page, '04b-filter-chips');
  // Remove one: the other stays, in the address and in the facets.
  await kindChip.getByRole('button', { name: /^Enlever le filtre/ }).click();
  await page.waitForURL((u) => !new URL(u).searchParams.has('kind') && new URL(u).searchParams.getAll('sp').includes(value));
  await page.waitForFunction(() => document.querySelectorAll('.chip').length === 1);
  assert(await page.locator(`.chip[data-facet="standpoint"][data-value="${value}"]`).count() === 1, 'the standpoint chip went too');
  assert(!(await page.locator('fieldset.facet-kind input[data-value="NOTE"]').isChecked()), 'the kind box is still checked');
  assert(await page.locator(`.facet-standpoints input[data-value="${value}"]`).isChecked(), 'the standpoint box was unchecked');
  await page.locator('.chip-remove').click();
  await page.waitForURL((u) => !new URL(u).searchParams.has('sp'));
  await page.waitForFunction(() => document.querySelectorAll('.chip').length === 0);
  return { screenshot: file };
});

scenario('search-none', async ({ page }) => {
  await page.goto(explore('?q=zzzyqxwv'));
  await page.getByText('Aucun résultat pour « zzzyqxwv ».').waitFor();
  return { screenshot: await shot(page, '03-search-none') };
});

scenario('filter-standpoint', async ({ page }) => {
  await search(page, 'numérique');
  const before = await page.locator('#search-status').innerText();
  const box = page.locator('.facet-standpoints input[type=checkbox]').first();
  const value = await box.getAttribute('data-value');
  const legend = await box.locator('xpath=ancestor::fieldset[1]/legend').innerText();
  assert(legend && !legend.includes(':'), `standpoint group legend looks wrong: ${legend}`);
  await box.check();
  await page.waitForURL((u) => new URL(u).searchParams.getAll('sp').includes(value));
  await page.waitForFunction((b) => document.querySelector('#search-status')?.innerText !== b, before);
  const after = await page.locator('#search-status').innerText();
  const n = (s) => parseInt(s.replace(/\s/g, ''), 10);
  assert(n(after) <= n(before), `filtering grew the results: ${before} → ${after}`);
  assert(await page.locator(`.facet-standpoints input[data-value="${value}"]`).isChecked(), 'checkbox not checked after filtering');
  const file = await shot(page, '04-filter-standpoint');
  // The address is shareable: open it in a new page.
  const url = page.url();
  const other = await page.context().newPage();
  await other.goto(url);
  await other.locator(`.facet-standpoints input[data-value="${value}"]:checked`).waitFor();
  await other.close();
  // Back returns to the unfiltered search.
  await page.goBack();
  await page.waitForURL((u) => !new URL(u).searchParams.has('sp'));
  await page.waitForFunction((b) => document.querySelector('#search-status')?.innerText === b, before);
  assert(!(await page.locator(`.facet-standpoints input[data-value="${value}"]`).isChecked()), 'checkbox still checked after back');
  return { screenshot: file, detail: `${value}: ${before} → ${after}` };
});

scenario('pagination', async ({ page }) => {
  await page.goto(explore('?q=commun'));
  await page.locator('.result').first().waitFor();
  const next = page.getByRole('button', { name: /Page suivante/ });
  if (!(await next.count())) return { skipped: 'fewer than one page of results for "commun"' };
  const firstTitle = await page.locator('.result h3').first().innerText();
  await next.click();
  await page.waitForURL(/after=/);
  await page.waitForFunction((t) => document.querySelector('.result h3')?.innerText !== t, firstTitle);
  assert(/21/.test(await page.locator('#search-status').innerText()), 'second page does not start at 21');
  await page.getByRole('button', { name: /Page précédente/ }).click();
  await page.waitForURL((u) => !new URL(u).searchParams.has('after'));
  await page.waitForFunction((t) => document.querySelector('.result h3')?.innerText === t, firstTitle);
  // Back returns to the second page, whose "previous" still works.
  await page.goBack();
  await page.waitForURL(/after=/);
  await page.waitForFunction((t) => document.querySelector('.result h3')?.innerText !== t, firstTitle);
  await page.getByRole('button', { name: /Page précédente/ }).waitFor();
  return { screenshot: await shot(page, '02b-search-page-2') };
});

// ------------------------------------------------------------------ document

scenario('document', async ({ page }) => {
  await search(page, 'outils numériques libres');
  await page.locator('.result h3 a').first().click();
  await page.waitForURL(/\/explore\/node\//);
  const h1 = page.locator('h1');
  await h1.waitFor();
  const title = await h1.innerText();
  assert(title.length > 3, 'no title');
  assert(await page.locator('#body p, #body li').count() > 0, 'the body is not rendered');
  assert(await page.locator('#body script, #body [onclick], #body iframe').count() === 0, 'unsafe markup in the body');
  for (const id of ['about', 'authors', 'revisions']) {
    assert(await page.locator(`#${id}`).count() === 1, `no ${id} section`);
  }
  assert(/Licence/.test(await page.locator('.meta').innerText()), 'no licence');
  assert(await page.locator('#links, #backlinks').count() >= 1, 'no links or backlinks');
  const file = await shot(page, '05-document');
  // A note with a table renders it as a table.
  await page.goto(explore(`node/${gid('Note', 'note-choisir-une-licence-libre')}`));
  await page.locator('#body table th').first().waitFor();
  await shot(page, '05b-document-table');
  return { screenshot: file, detail: title };
});

scenario('revisions', async ({ page }) => {
  if (!TOKEN) return { skipped: 'no curator token given: no second revision to compare' };
  const id = gid('Note', 'note-cotisations-solidaires');
  const read = await gql('query($id: ID!) { node(id: $id) { ... on Note { version body } } }', { id });
  const { version, body } = read.data.node;
  const upd = await gql(`mutation($input: UpdateNoteInput!) { updateNote(input: $input) { note { version } } }`,
    { input: { id, version, body: `${body}\n\nUne ligne ajoutée par le test du navigateur.` } }, TOKEN);
  assert(!upd.errors, `updateNote: ${JSON.stringify(upd.errors)}`);
  await page.goto(explore(`node/${id}`));
  await page.locator('#revisions').waitFor();
  assert(await page.locator('.revisions > li').count() >= 2, 'fewer than two revisions listed');
  await page.getByRole('button', { name: 'Voir les changements' }).first().click();
  await page.locator('table.diff tr.diff-insert').first().waitFor();
  const added = await page.locator('table.diff tr.diff-insert').allInnerTexts();
  assert(added.some((t) => t.includes('Une ligne ajoutée par le test du navigateur.')), `inserted line not shown: ${added}`);
  await page.locator('#revisions').scrollIntoViewIfNeeded();
  return { screenshot: await shot(page, '05c-revision-diff') };
});

scenario('suggestions', async ({ page }) => {
  const id = gid('Note', 'note-msc-cinq-piliers');
  await page.goto(explore(`node/${id}`));
  await page.locator('#doc-title').waitFor();
  assert(await page.locator('#suggestions').count() === 0, 'suggestions shown to an anonymous reader');
  if (!TOKEN) return { skipped: 'no curator token given' };
  await page.evaluate((tok) => sessionStorage.setItem('maillage.token', tok), TOKEN);
  await page.reload();
  // The server's linkSuggestions: a term the text names, with the
  // fragment naming it, accepted with one click through acceptLinkSuggestion.
  const item = page.locator('.suggestion-list li[data-reason="MENTIONS_TERM"]').first();
  await item.waitFor();
  const title = await item.locator('a').first().innerText();
  assert(await item.locator('.suggestion-fragment mark').count() > 0, 'no marked fragment in the suggestion');
  await item.getByRole('button', { name: /Ajouter le lien/ }).click();
  await item.getByText('Lien ajouté ✓').waitFor();
  const file = await shot(page, '05d-suggestions');
  await page.reload();
  await page.locator('section[aria-labelledby="terms"]').filter({ hasText: title }).first().waitFor();
  await page.locator('.suggestion-list, #suggestions p.muted').first().waitFor();
  const still = await page.locator('.suggestion-list li a').allInnerTexts();
  assert(!still.includes(title), `accepted, still suggested: ${title}`);
  return { screenshot: file, detail: `accepted: ${title}` };
});

scenario('objects', async ({ page }) => {
  const seen = [];
  for (const [type, id, section] of [
    ['Term', 'term-education-populaire', '#backlinks'],
    ['Organisation', 'org-centre-education-populaire-littoral', '#backlinks'],
    ['Contributor', 'contrib-elise-gagnon-roy', '#documents'],
    ['Carnet', 'carnet-litteratie-regions', '#documents'],
    ['Community', 'commu-voix-regionales', '#members'],
    ['KnowledgeBase', 'base-savoirs-communs', '#carnets'],
  ]) {
    await page.goto(explore(`node/${gid(type, id)}`));
    await page.locator(`h1, .message`).first().waitFor();
    if (await page.locator('.message.error').count()) throw new Error(`${type}: ${await page.locator('.message.error').first().innerText()}`);
    await page.locator(section).waitFor();
    seen.push(`${type}: ${await page.locator('h1').innerText()}`);
  }
  return { detail: seen.join(' · ') };
});

scenario('hidden-document', async ({ page }) => {
  await page.goto(explore(`node/${gid('Note', 'note-brouillon-charte-engagement')}`));
  await page.getByText('Document introuvable.').waitFor();
  assert(await page.getByRole('heading', { name: 'Introuvable' }).count() === 1, 'no heading');
  const file = await shot(page, '06-hidden-document');
  await page.goto(explore('node/pas-un-identifiant'));
  await page.getByText('Document introuvable.').waitFor();
  await page.goto(explore('nulle/part'));
  await page.getByRole('heading', { name: 'Page introuvable' }).waitFor();
  return { screenshot: file };
});

// ------------------------------------------------------------------ graph

async function graphCount(page) {
  return page.evaluate(() => ({ nodes: window.__maillageGraph.nodes().length, edges: window.__maillageGraph.edges().length }));
}

scenario('graph', async ({ page }) => {
  const id = gid('Note', 'note-education-populaire-outils-libres');
  await page.goto(explore(`node/${id}`));
  await page.getByRole('link', { name: 'Voir dans le graphe' }).click();
  await page.waitForURL(/\/explore\/graph\//);
  await page.waitForFunction(() => window.__maillageGraph && window.__maillageGraph.nodes().length > 1);
  const before = await graphCount(page);
  assert(await page.locator('.legend [data-kind]').count() >= 2, 'no kind legend');
  assert(await page.locator('.legend [data-relation]').count() >= 2, 'no relation legend');
  // Click (on the canvas) a neighbour with links beyond the graph.
  const target = await page.evaluate((rootId) => {
    const cy = window.__maillageGraph;
    const n = cy.nodes().filter((x) => x.id() !== rootId && x.data('kind') !== 'CARNET').max((x) => x.data('degree')).ele;
    const box = cy.container().getBoundingClientRect();
    const p = n.renderedPosition();
    return { id: n.id(), label: n.data('label'), x: box.left + p.x, y: box.top + p.y };
  }, id);
  await page.mouse.click(target.x, target.y);
  await page.waitForFunction((n) => window.__maillageGraph.nodes().length > n, before.nodes);
  const after = await graphCount(page);
  await page.locator('.graph-details h2').filter({ hasText: target.label }).waitFor();
  // Keyboard path: expand from the table.
  const btn = page.locator('.node-table tbody button.expand:not([disabled])').first();
  await btn.focus();
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
  await page.waitForFunction(() => !document.querySelector('.graph-status')?.textContent.includes('Ouverture'));
  return { screenshot: await shot(page, '07-graph'), detail: `${before.nodes} → ${after.nodes} nodes after expanding ${target.label}` };
});

scenario('path', async ({ page }) => {
  const from = gid('Note', 'note-education-populaire-outils-libres');
  await findPath(page, from, 'gouvernance');
  await page.locator('.panel.path, .message').first().waitFor();
  assert(await page.locator('.panel.path').count() > 0, `no path: ${await page.locator('.path-results').innerText()}`);
  await page.waitForFunction(() => window.__maillageGraph && window.__maillageGraph.nodes().length >= 2);
  return { screenshot: await shot(page, '08-path') };
});

// ------------------------------------------------------------------ coverage

scenario('coverage', async ({ page }) => {
  await page.goto(explore('coverage'));
  await page.locator('.coverage-dim, .message').first().waitFor({ timeout: 10000 });
  if (await page.locator('.error-unavailable').count()) {
    const file = await shot(page, '09-coverage-unavailable');
    return { skipped: 'the API has no coverage query yet', screenshot: file };
  }
  assert(await page.locator('.coverage-dim').count() >= 3, 'fewer than 3 dimensions');
  const states = await page.$$eval('.cov-row', (rows) => [...new Set(rows.map((r) => r.dataset.state))]);
  assert(states.includes('absent'), 'no absent value');
  assert(states.includes('present') || states.includes('suppressed'), 'no present or suppressed value');
  const file = await shot(page, '09-coverage');
  const carnet = await page.locator('#cov-carnet option').nth(1).getAttribute('value');
  if (carnet) {
    await page.selectOption('#cov-carnet', carnet);
    await page.getByRole('button', { name: 'Afficher' }).click();
    await page.waitForURL(/carnet=/);
    await page.locator('.coverage-dim').first().waitFor();
  }
  return { screenshot: file, detail: `states: ${states.join(', ')}` };
});

scenario('network', async ({ page }) => {
  await page.goto(explore('network'));
  await page.locator('.message').first().waitFor({ timeout: 10000 });
  if (await page.locator('.error-unavailable').count()) return { skipped: 'the API has no contributorNetwork query yet' };
  // Anonymous readers are asked for a token, in words.
  await page.getByText('Cette vue demande un jeton.').waitFor();
  if (!TOKEN) return { skipped: 'no curator token given' };
  await page.evaluate((tok) => sessionStorage.setItem('maillage.token', tok), TOKEN);
  await page.goto(explore('network'));
  // Drawing 165 nodes and 1 500 links takes seconds on a busy two-core machine.
  await page.waitForFunction(() => window.__maillageGraph && window.__maillageGraph.nodes().length > 1, null, { timeout: 60000 });
  const n = await page.evaluate(() => window.__maillageGraph.nodes().length);
  assert(await page.locator('.node-table tbody tr').count() > 1, 'no contributor table');
  const file = await shot(page, '14-network');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'GraphML' }).click()]);
  const saved = path.join(shotDir, 'network.graphml');
  await dl.saveAs(saved);
  const text = fs.readFileSync(saved, 'utf8');
  assert(dl.suggestedFilename() === 'network.graphml' && text.includes('<graphml'), `bad GraphML download: ${dl.suggestedFilename()} ${text.slice(0, 80)}`);
  return { screenshot: file, detail: `${n} nodes; GraphML ${text.length} bytes` };
});

// ------------------------------------------------------------------ GraphiQL

scenario('graphiql', async ({ page, requests }) => {
  // Every file comes from this server (newPage refuses and reports any
  // other host): GraphiQL must render and run a query on a closed network.
  await page.goto(`${base}/`);
  const editor = page.locator('.graphiql-query-editor .CodeMirror');
  await editor.waitFor();
  await page.evaluate(() => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue('{ __typename }'));
  await page.getByRole('button', { name: /Execute query/ }).click();
  await page.locator('.graphiql-response').filter({ hasText: '"__typename": "Query"' }).waitFor();
  // The schema came by introspection: the documentation lists the root type.
  await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
  await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).first().waitFor();
  const file = await shot(page, '15-graphiql');
  await page.goto(explore());
  await page.locator('.doc-list li').first().waitFor();
  const hosts = [...new Set(requests.map((u) => new URL(u).host))];
  assert(hosts.length === 1 && hosts[0] === new URL(base).host, `requests went to ${hosts.join(', ')}`);
  return { screenshot: file, detail: `${requests.length} requests, all to ${hosts[0]}` };
});

// ------------------------------------------------------------------ token, language, phone

scenario('token', async ({ page }) => {
  await page.goto(explore());
  await page.getByRole('button', { name: 'Jeton' }).click();
  await page.getByLabel('Jeton d’accès (Bearer)').fill('mlg_not-a-real-token');
  await page.getByRole('button', { name: 'Utiliser ce jeton' }).click();
  await page.getByText('Ce jeton est invalide').waitFor();
  // A token that stops working mid-session: a clear message, not a blank page.
  await page.evaluate(() => sessionStorage.setItem('maillage.token', 'mlg_expired'));
  await page.goto(explore('?q=commun'));
  await page.getByText('Votre jeton est invalide ou a expiré.').waitFor();
  const file = await shot(page, '10-token-invalid');
  await page.locator('.results').getByRole('button', { name: 'Effacer le jeton' }).click();
  await page.evaluate(() => location.reload());
  await page.locator('.result').first().waitFor();
  if (!TOKEN) return { screenshot: file, detail: 'no curator token given: valid-token part skipped' };
  const hidden = gid('Note', 'note-brouillon-charte-engagement');
  await page.getByRole('button', { name: 'Jeton' }).click();
  await page.getByLabel('Jeton d’accès (Bearer)').fill(TOKEN);
  await page.getByRole('button', { name: 'Utiliser ce jeton' }).click();
  await page.locator('.token-ok').waitFor();
  await page.goto(explore(`node/${hidden}`));
  await page.locator('#doc-title').waitFor();
  return { screenshot: file, detail: `curator sees: ${await page.locator('#doc-title').innerText()}` };
});

scenario('english', async ({ page }) => {
  await page.goto(explore('?q=gouvernance'));
  await page.locator('.result').first().waitFor();
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await page.getByRole('searchbox', { name: 'Search the commons' }).waitFor();
  assert(await page.locator('html[lang="en"]').count() === 1, 'html lang not en');
  await page.locator('.result').first().waitFor();
  assert(/results?/.test(await page.locator('#search-status').innerText()), 'status not in English');
  const file = await shot(page, '11-english');
  await page.reload();
  await page.getByRole('button', { name: 'Passer en français' }).click();
  await page.getByRole('searchbox', { name: 'Rechercher dans le commun' }).waitFor();
  return { screenshot: file };
});

scenario('keyboard', async ({ page }) => {
  await page.goto(explore());
  await page.locator('.doc-list li').first().waitFor();
  await page.keyboard.press('Tab');
  assert(await page.evaluate(() => document.activeElement.classList.contains('skip')), 'first Tab does not reach the skip link');
  const box = page.getByRole('searchbox', { name: 'Rechercher dans le commun' });
  await box.focus();
  await page.keyboard.type('gouvernance');
  await page.keyboard.press('Enter');
  await page.locator('.result').first().waitFor();
  // Tab to the first facet checkbox and tick it with the space bar.
  const cb = page.locator('.facets input[type=checkbox]').first();
  await cb.focus();
  await page.keyboard.press('Space');
  await page.waitForURL(/(kind|lang|carnet|term|org|sp|community)=/);
  return {};
});

scenario('phone', async ({ page }) => {
  await search(page, 'éducation');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 1, `page is ${overflow}px wider than the phone screen`);
  const file = await shot(page, '12-phone-search');
  await page.locator('.result h3 a').first().click();
  await page.locator('h1').waitFor();
  const overflow2 = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow2 <= 1, `document page is ${overflow2}px wider than the phone screen`);
  await shot(page, '13-phone-document');
  for (const p of [`graph/${gid('Note', 'note-education-populaire-outils-libres')}`, 'coverage']) {
    await page.goto(explore(p));
    await page.locator('.legend, .coverage-dim').first().waitFor();
    const o = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(o <= 1, `${p} is ${o}px wider than the phone screen`);
  }
  await shot(page, '13b-phone-coverage');
  return { screenshot: file };
}, { viewport: { width: 390, height: 844 } });

scenario('safety', async ({ page }) => {
  await page.goto(explore());
  await page.locator('.doc-list li').first().waitFor();
  const report = await page.evaluate(async () => {
    const md = await import('/explore/markdown.mjs');
    const dom = await import('/explore/dom.mjs');
    window.__pwned = false;
    const host = document.createElement('div');
    document.body.append(host);
    host.append(md.render([
      '# Titre <script>window.__pwned = true</script>',
      '<img src=x onerror="window.__pwned = true">',
      '[clic](javascript:window.__pwned=true) [ok](https://example.org/a) [data](data:text/html,x)',
      '![img](https://example.org/x.png) **gras** *it* `code` <https://example.org>',
      '| a | b |', '|---|---|', '| <b>x</b> | [y](vbscript:x) |',
      '- un', '- deux', '  1. sous', '', '> cite', '', '```', '<script>x</script>', '```',
    ].join('\n')));
    host.append(...dom.highlight('a &lt;b&gt; <mark>m</mark> <img src=x onerror="window.__pwned=true"> &amp; &#39;'));
    await new Promise((r) => setTimeout(r, 100));
    const hrefs = [...host.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    const tags = [...new Set([...host.querySelectorAll('*')].map((e) => e.tagName))];
    const attrs = [...host.querySelectorAll('*')].flatMap((e) => [...e.attributes].map((a) => a.name));
    const text = host.textContent;
    host.remove();
    return { pwned: window.__pwned, hrefs, tags, attrs, text };
  });
  assert(!report.pwned, 'script ran');
  assert(report.hrefs.every((h) => /^https:\/\/example\.org/.test(h)), `unsafe href kept: ${report.hrefs}`);
  for (const bad of ['SCRIPT', 'IMG', 'IFRAME', 'B']) assert(!report.tags.includes(bad), `${bad} element built`);
  for (const want of ['H2', 'STRONG', 'EM', 'CODE', 'TABLE', 'UL', 'OL', 'BLOCKQUOTE', 'PRE', 'MARK']) {
    assert(report.tags.includes(want), `${want} not rendered (${report.tags})`);
  }
  assert(report.attrs.every((a) => !a.startsWith('on')), 'event handler attribute built');
  assert(report.text.includes('<img src=x onerror'), 'raw HTML not shown as text');
  return { detail: `elements: ${report.tags.join(' ')}` };
});

// ------------------------------------------------------------------ live updates

/** openSubscriptions reads the server's gauge of running subscriptions. */
async function openSubscriptions() {
  const text = await (await fetch(`${base}/metrics`)).text();
  const m = /^maillage_subscriptions_open (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}

scenario('live', async ({ page }) => {
  if (!TOKEN) return { skipped: 'no curator token given: nothing can change the document' };
  const id = gid('Note', 'note-cout-reel-trois-serveurs');
  const before = await openSubscriptions();
  // An anonymous reader: the subscription runs without a token.
  await page.goto(explore(`node/${id}`));
  await page.locator('#doc-title').waitFor();
  const oldTitle = await page.locator('#doc-title').innerText();
  await page.locator('#live-status[data-live="subscribed"]').waitFor({ state: 'attached' });
  // The server has it once its gauge counts it (no message says so in the protocol).
  for (let i = 0; (await openSubscriptions()) <= before; i++) {
    assert(i < 50, 'the page subscription never reached the server');
    await new Promise((r) => setTimeout(r, 100));
  }
  assert(!(await page.locator('#live-status').isVisible()), 'the live banner shows before any change');

  const read = await gql('query($id: ID!) { node(id: $id) { ... on Note { version } } }', { id });
  const newTitle = `${oldTitle} <en direct>`;
  const upd = await gql(`mutation($input: UpdateNoteInput!) { updateNote(input: $input) { note { version } } }`,
    { input: { id, version: read.data.node.version, title: newTitle } }, TOKEN);
  assert(!upd.errors, `updateNote: ${JSON.stringify(upd.errors)}`);
  const version = upd.data.updateNote.note.version;

  const banner = page.getByRole('status').filter({ hasText: `Ce document a été modifié (version ${version}).` });
  await banner.waitFor();
  assert(await page.locator('#doc-title').innerText() === oldTitle, 'the page changed before the reader asked');
  const file = await shot(page, '05e-live-banner');
  await banner.getByRole('button', { name: 'Recharger' }).click();
  await page.waitForFunction((t) => document.querySelector('#doc-title')?.textContent === t, newTitle);
  assert(await page.locator('#doc-title *').count() === 0, 'markup built from the title');
  assert(!(await page.locator('#live-status').isVisible()), 'the banner outlived the reload');

  // Made private: the anonymous page is told, and given nothing of it.
  await page.locator('#live-status[data-live="subscribed"]').waitFor({ state: 'attached' });
  for (let i = 0; (await openSubscriptions()) <= before; i++) {
    assert(i < 50, 'the page did not subscribe again after reloading');
    await new Promise((r) => setTimeout(r, 100));
  }
  const priv = await gql(`mutation($input: UpdateNoteInput!) { updateNote(input: $input) { note { version } } }`,
    { input: { id, version, visibility: 'PRIVATE' } }, TOKEN);
  assert(!priv.errors, `updateNote: ${JSON.stringify(priv.errors)}`);
  const gone = page.getByRole('status').filter({ hasText: 'Ce document n’est plus accessible.' });
  await gone.waitFor();
  assert(await gone.getByRole('button').count() === 0, 'a reload button for a document that cannot be read');
  assert(await page.locator('#live-status').getAttribute('data-kind') === 'UNAVAILABLE', 'not an UNAVAILABLE event');
  await shot(page, '05f-live-unavailable');

  // Put back as it was, for whoever runs after.
  const back = await gql(`mutation($input: UpdateNoteInput!) { updateNote(input: $input) { note { version } } }`,
    { input: { id, version: priv.data.updateNote.note.version, visibility: 'PUBLIC', title: oldTitle } }, TOKEN);
  assert(!back.errors, `updateNote: ${JSON.stringify(back.errors)}`);
  return { screenshot: file, detail: `banner at version ${version}` };
});
