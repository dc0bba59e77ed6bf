// e2e-seconds: 65 (how long this file's scenarios ran in one browser; e2e/shards_test.go balances shards with it)
// Browser scenarios of the curator's workspace: the moderation queue (a
// contributor flags from the document page, a curator hides it, the public
// no longer sees it), the health lists and their one-click repairs, editing
// a note with a concurrent update (CONFLICT → merge choice), the history
// with diffs and a restore that meets a newer version, the refusals shown
// to anonymous readers and plain contributors, and the phone layout.
//
// MAILLAGE_E2E_CONTRIBUTOR_TOKEN (a plain contributor's) and
// MAILLAGE_E2E_CURATOR_PERSON_TOKEN (a curator who speaks for a demo
// contributor) come from e2e/explorer_test.go; scenarios that need them
// skip without. Every document a scenario makes is deleted at its end, so
// that the other spec files see the demo commons as it was.

import { TOKEN, base, explore, assert, gql, scenario, shot } from './kit.mjs';

let CONTRIBUTOR = process.env.MAILLAGE_E2E_CONTRIBUTOR_TOKEN || '';
let CURATOR_PERSON = process.env.MAILLAGE_E2E_CURATOR_PERSON_TOKEN || '';
// Without them, a server run with --demo may offer its demo accounts.
if (!CONTRIBUTOR || !CURATOR_PERSON) {
  try {
    const res = await fetch(`${base}/demo/accounts`);
    const accounts = res.ok ? (await res.json()).accounts || [] : [];
    CONTRIBUTOR ||= accounts.find((a) => a.role === 'CONTRIBUTOR')?.token || '';
    CURATOR_PERSON ||= accounts.find((a) => a.role === 'CURATOR' && a.contributor)?.token || '';
  } catch {
    // no demo accounts: the scenarios that need them skip
  }
}

/** whoIs names the contributor a token speaks for, and one document of theirs. */
async function whoIs(token) {
  const d = await api(`{ viewer { id name documents(first: 1) { nodes { id } } } }`, {}, token);
  return { name: d.viewer?.name, doc: d.viewer?.documents.nodes[0]?.id };
}

async function api(query, variables = {}, token = TOKEN) {
  const res = await gql(query, variables, token);
  if (res.errors?.length) throw new Error(`API: ${res.errors[0].message} (${res.errors[0].extensions?.code})`);
  return res.data;
}

async function createNote(title, body, visibility = 'PRIVATE') {
  const d = await api(`mutation($input: CreateNoteInput!) { createNote(input: $input) { note { id version } } }`,
    { input: { title, body, visibility } });
  return d.createNote.note;
}

async function createTerm(label, visibility = 'PRIVATE') {
  const d = await api(`mutation($input: CreateTermInput!) { createTerm(input: $input) { term { id version } } }`,
    { input: { label, visibility } });
  return d.createTerm.term;
}

async function current(id) {
  const d = await api(`query($id: ID!) { node(id: $id) { ... on Document { kind version title summary body hidden
    carnets { category carnet { id title } } terms { id } }
    ... on Term { definition related { id } } ... on Note { links(first: 50) { nodes { id } } } } }`, { id });
  return d.node;
}

/** cleanup deletes what a scenario made; it never fails the scenario. */
async function cleanup(ids) {
  for (const id of ids) {
    try {
      const n = await current(id);
      if (!n) continue;
      const m = n.kind === 'TERM' ? 'deleteTerm' : n.kind === 'ORGANISATION' ? 'deleteOrganisation' : 'deleteNote';
      await gql(`mutation($id: ID!, $v: Int!) { ${m}(id: $id, version: $v) { deletedId } }`, { id, v: n.version }, TOKEN);
    } catch {
      // already gone
    }
  }
}

async function signIn(context, token) {
  await context.addInitScript((tok) => sessionStorage.setItem('maillage.token', tok), token);
}

async function noHorizontalScroll(page) {
  const { sw, cw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth }));
  assert(sw <= cw + 1, `the page scrolls sideways: ${sw} > ${cw}`);
}

// ------------------------------------------------------------------ moderation

scenario('curator-queue', async ({ page, context }) => {
  if (!TOKEN || !CONTRIBUTOR || !CURATOR_PERSON) return { skipped: 'needs the curator, contributor and curator-person tokens' };
  const made = [];
  try {
    const word = `modtest${Date.now().toString(36)}`;
    const doc = await createNote(`Note à signaler ${word}`, `Un texte public qui pose problème : ${word}.`, 'PUBLIC');
    made.push(doc.id);
    // Eleven more flagged notes: the queue has a second page.
    for (let i = 1; i <= 11; i++) {
      const n = await createNote(`Note signalée ${i} ${word}`, `Texte ${i}.`, 'PUBLIC');
      made.push(n.id);
      await api(`mutation($id: ID!) { flagDocument(id: $id, reason: "Doublon à vérifier") { flag { id } } }`, { id: n.id }, CONTRIBUTOR);
    }

    // A plain contributor flags the document from its page.
    await signIn(context, CONTRIBUTOR);
    await page.goto(explore(`node/${doc.id}`));
    await page.locator('#doc-title').waitFor();
    await page.locator('#flag-open').click();
    await page.getByLabel('Pourquoi signaler ce document ?').fill('Propos injurieux au deuxième paragraphe.');
    const flagShot = await shot(page, 'curator-01-flag-form');
    await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
    await page.getByText('Signalement envoyé ✓').waitFor();
    assert(await page.locator('#edit-open').count() === 0, 'a plain contributor sees the edit button of a document not theirs');

    // The curator (who speaks for a person) resolves it: HIDE, with a note.
    // Init scripts run in order: the last sign-in wins.
    await signIn(context, CURATOR_PERSON);
    const cpage = page;
    await cpage.goto(explore('curation'));
    await cpage.locator('#nav a[data-route="curation"]').waitFor({ state: 'visible' });
    const list = cpage.locator('#cur-queue');
    await list.waitFor();
    assert(await list.locator('.cur-item').count() === 10, `want 10 flags on the first page, have ${await list.locator('.cur-item').count()}`);
    assert(/12 éléments/.test(await cpage.locator('#cur-body').innerText()), 'the total is not 12');
    const item = list.locator('.cur-item', { hasText: `Note à signaler ${word}` });
    await item.waitFor();
    assert((await item.locator('.cur-reason').innerText()).includes('Propos injurieux'), 'the reason is not shown');
    await item.getByLabel(/Note de décision/).fill('Masqué le temps que l’autrice reformule.');
    const queueShot = await shot(cpage, 'curator-02-queue');
    await item.getByRole('button', { name: `Masquer le document : « Note à signaler ${word} » (clôt le signalement)` }).click();
    await item.locator('.cur-resolution', { hasText: 'Masqué' }).waitFor();
    await item.getByText('masqué par la modération').waitFor();
    // The second page of the queue.
    await cpage.getByRole('link', { name: 'Page suivante →' }).click();
    await cpage.waitForURL((u) => new URL(u).searchParams.has('after'));
    await cpage.locator('#cur-queue .cur-item').first().waitFor();
    const page2 = await cpage.locator('#cur-queue .cur-item').count();
    assert(page2 === 2, `want the 11th and 12th flags on page 2, have ${page2}`);
    // The resolved list shows the decision, the note and who decided.
    await cpage.goto(explore('curation?tab=queue&status=RESOLVED'));
    const done = cpage.locator('#cur-queue .cur-item', { hasText: `Note à signaler ${word}` });
    await done.waitFor();
    const doneText = await done.innerText();
    const curatorName = (await whoIs(CURATOR_PERSON)).name;
    assert(/Masqué/.test(doneText) && doneText.includes(curatorName) && /reformule/.test(doneText), `resolved flag lacks decision, curator (${curatorName}) or note: ${doneText}`);
    const resolvedShot = await shot(cpage, 'curator-03-resolved');

    // Hidden: the public no longer finds it, on its page or in search.
    await context.addInitScript(() => sessionStorage.removeItem('maillage.token'));
    await page.goto(explore(`node/${doc.id}`));
    await page.getByText('Document introuvable.').waitFor();
    await page.goto(explore(`?q=${word}`));
    await page.locator('.result, .message').first().waitFor();
    const found = await page.locator('.result', { hasText: 'Note à signaler' }).count();
    assert(found === 0, 'the hidden document is still in public search results');
    const pub = await gql(`query($id: ID!) { node(id: $id) { id } }`, { id: doc.id });
    assert(pub.data?.node == null, 'the API still gives the hidden document to anonymous readers');
    return { screenshot: queueShot, detail: `shots: ${[flagShot, queueShot, resolvedShot].map((f) => f.split('/').pop()).join(', ')}` };
  } finally {
    const open = await gql(`{ moderationQueue(first: 50) { nodes { id document { id } } } }`, {}, TOKEN);
    for (const f of open.data?.moderationQueue?.nodes || []) {
      if (made.includes(f.document?.id)) await gql(`mutation($id: ID!) { resolveFlag(id: $id, decision: KEEP) { flag { id } } }`, { id: f.id }, TOKEN);
    }
    await cleanup(made);
  }
});

scenario('curator-refused', async ({ page, context }) => {
  const made = [];
  try {
    const doc = TOKEN ? await createNote('Note publique pour les refus', 'Texte.', 'PUBLIC') : null;
    if (doc) made.push(doc.id);
    // Anonymous: no curation link, no curator button, a sign-in message.
    await page.goto(explore());
    await page.locator('#nav').waitFor();
    assert(!(await page.locator('#nav a[data-route="curation"]').isVisible()), 'anonymous readers see the curation link');
    await page.goto(explore('curation'));
    await page.getByText('Cette vue demande un jeton.').waitFor();
    const anonShot = await shot(page, 'curator-04-refused-anonymous');
    if (doc) {
      await page.goto(explore(`node/${doc.id}`));
      await page.locator('#doc-title').waitFor();
      assert(await page.locator('#flag-open, #edit-open, #history-open').count() === 0, 'anonymous readers see flag or edit buttons');
    }
    if (!CONTRIBUTOR) return { screenshot: anonShot, detail: 'no contributor token: the contributor part skipped' };
    // A plain contributor: FORBIDDEN from the API, a clear message on the page.
    const q = await gql(`{ moderationQueue(first: 1) { totalCount } }`, {}, CONTRIBUTOR);
    assert(q.errors?.[0]?.extensions?.code === 'FORBIDDEN', `the API did not refuse a contributor: ${JSON.stringify(q).slice(0, 200)}`);
    const o = await gql(`{ orphanDocuments(first: 1) { totalCount } }`, {}, CONTRIBUTOR);
    assert(o.errors?.[0]?.extensions?.code === 'FORBIDDEN', 'orphanDocuments not refused to a contributor');
    await signIn(context, CONTRIBUTOR);
    await page.goto(explore('curation'));
    await page.getByText('Accès refusé.').waitFor();
    await page.locator('#cur-refused').waitFor();
    assert(await page.locator('#nav a[data-route="curation"]').isVisible() === false, 'a contributor sees the curation link');
    const contribShot = await shot(page, 'curator-05-refused-contributor');
    if (doc) {
      await page.goto(explore(`node/${doc.id}`));
      await page.locator('#flag-open').waitFor();
      assert(await page.locator('#edit-open, #history-open').count() === 0, 'a contributor sees the edit buttons of a document not theirs');
      await page.goto(explore(`edit/${doc.id}`));
      await page.getByText('Accès refusé.').waitFor();
      const u = await gql(`mutation($id: ID!) { updateNote(input: { id: $id, version: 1, title: "Piraté" }) { note { id } } }`, { id: doc.id }, CONTRIBUTOR);
      assert(u.errors?.[0]?.extensions?.code === 'FORBIDDEN', `a contributor updated a note not theirs: ${JSON.stringify(u).slice(0, 200)}`);
    }
    // Their own document: the edit page opens for its author, without the curators' moderation.
    const own = (await whoIs(CONTRIBUTOR)).doc;
    if (own) {
      await page.goto(explore(`node/${own}`));
      await page.locator('#edit-open').click();
      await page.locator('#edit-form').waitFor();
      assert(await page.locator('#edit-hidden-toggle').count() === 0, 'an author who is no curator sees the hide button');
    }
    return { screenshot: contribShot, detail: `shots: curator-04-refused-anonymous, curator-05-refused-contributor` };
  } finally {
    await cleanup(made);
  }
});

// ------------------------------------------------------------------ health lists

scenario('curator-health', async ({ page, context }) => {
  if (!TOKEN) return { skipped: 'no curator token given' };
  const made = [];
  try {
    const tag = Date.now().toString(36);
    // Eleven orphan notes in no carnet (two pages of each list), a term
    // without a definition, two notes with the same title.
    const orphans = [];
    for (let i = 1; i <= 11; i++) {
      const n = await createNote(`Orpheline ${String(i).padStart(2, '0')} ${tag}`,
        `Une note sur l’éducation populaire et la gouvernance partagée (${i}).`);
      made.push(n.id);
      orphans.push(n);
    }
    const term = await createTerm(`Terme sans définition ${tag}`);
    made.push(term.id);
    const dupA = await createNote(`Doublon probable ${tag}`, 'Première version du texte.');
    const dupB = await createNote(`Doublon Probable ${tag}.`, 'Seconde version du texte, presque la même.');
    made.push(dupA.id, dupB.id);

    await signIn(context, TOKEN);
    await page.goto(explore('curation?tab=orphans'));
    await page.locator('#nav a[data-route="curation"]').waitFor({ state: 'visible' });
    const list = page.locator('#cur-orphans');
    await list.waitFor();
    assert(await list.locator('.cur-item').count() === 10, 'want 10 orphans on the first page');
    // One click: accept a suggested link.
    const first = list.locator('.cur-item', { hasText: `Orpheline 01 ${tag}` });
    await first.locator('.suggestion-list li').first().waitFor();
    await first.getByRole('button', { name: /Ajouter le lien/ }).first().click();
    await first.getByText('Lien ajouté ✓').waitFor();
    const orphanShot = await shot(page, 'curator-06-orphans');
    const after1 = await current(orphans[0].id);
    assert(after1.terms.length + after1.links.nodes.length > 0, 'the suggested link was not made');
    // Any document found by search: link orphan 02 to a demo term.
    const second = list.locator('.cur-item', { hasText: `Orpheline 02 ${tag}` });
    await second.locator('summary').click();
    await second.getByRole('combobox', { name: 'Document à lier' }).fill('éducation populaire');
    await second.locator('[role="option"]', { hasText: 'Terme' }).first().click();
    await second.getByLabel('Lien', { exact: true }).selectOption({ index: 0 });
    await second.getByRole('button', { name: 'Ajouter le lien', exact: true }).click();
    await second.getByText(/Lien ajouté ✓/).waitFor();
    const after2 = await current(orphans[1].id);
    assert(after2.terms.length > 0, 'the picked link was not made');
    await page.getByRole('link', { name: 'Page suivante →' }).click();
    await page.waitForURL((u) => new URL(u).searchParams.has('after'));
    await page.locator('#cur-orphans .cur-item').first().waitFor();

    // Notes without a carnet: file one with a category.
    await page.goto(explore('curation?tab=nocarnet'));
    const nc = page.locator('#cur-nocarnet .cur-item', { hasText: `Orpheline 03 ${tag}` });
    await nc.waitFor();
    await nc.getByLabel('Carnet').selectOption({ label: 'Gouvernance et financement des communs' });
    await nc.getByLabel('Catégorie').selectOption('Outils de décision');
    await nc.getByRole('button', { name: 'Ajouter au carnet' }).click();
    await nc.getByText(/Rangé dans « Gouvernance et financement des communs » ✓/).waitFor();
    const ncShot = await shot(page, 'curator-07-notes-without-carnet');
    const after3 = await current(orphans[2].id);
    assert(after3.carnets.some((c) => c.category === 'Outils de décision'), 'the note was not filed in the carnet');

    // Terms without a definition: written inline.
    await page.goto(explore('curation?tab=nodef'));
    const td = page.locator('#cur-nodef .cur-item', { hasText: `Terme sans définition ${tag}` });
    await td.waitFor();
    await td.getByLabel(`Définition de « Terme sans définition ${tag} »`).fill('Un terme défini depuis la liste de curation.');
    // Someone defines it first: the merge choice, and "keep mine".
    await api(`mutation($input: UpdateTermInput!) { updateTerm(input: $input) { term { version } } }`,
      { input: { id: term.id, version: 1, definition: 'Leur définition.' } });
    await td.getByRole('button', { name: 'Enregistrer' }).click();
    await td.locator('#merge').getByText('Leur définition.').waitFor();
    await td.locator('#merge-mine').click();
    await td.getByText(/Enregistré ✓/).waitFor();
    const tdShot = await shot(page, 'curator-08-terms-without-definition');
    assert((await current(term.id)).definition === 'Un terme défini depuis la liste de curation.', 'the definition was not saved');

    // Probable duplicates: side by side, linked, one hidden.
    await page.goto(explore('curation?tab=dupes'));
    const group = page.locator('#cur-dupes .cur-item').filter({ has: page.locator(`.dup-col[data-id="${dupA.id}"]`) });
    await group.waitFor();
    assert(await group.locator('.dup-col').count() === 2, 'the duplicates are not side by side');
    await group.getByRole('button', { name: 'Lier ces documents' }).click();
    await group.getByText(/Lien ajouté ✓/).waitFor();
    await group.locator(`.dup-col[data-id="${dupB.id}"]`).getByRole('button', { name: `Masquer celui-ci : « Doublon Probable ${tag}. »` }).click();
    await group.getByText('Masqué ✓').waitFor();
    const dupShot = await shot(page, 'curator-09-duplicates');
    // In English too.
    await page.getByRole('button', { name: 'Switch to English' }).click();
    await page.getByRole('link', { name: /Probable duplicates/ }).waitFor();
    await page.getByRole('link', { name: /Terms without a definition/ }).waitFor();
    const a = await current(dupA.id);
    const b = await current(dupB.id);
    assert(a.links.nodes.some((x) => x.id === dupB.id) || b.links.nodes.some((x) => x.id === dupA.id), 'the duplicates were not linked');
    assert(b.hidden === true, 'the duplicate was not hidden');
    return { screenshot: orphanShot, detail: `shots: ${[orphanShot, ncShot, tdShot, dupShot].map((f) => f.split('/').pop()).join(', ')}` };
  } finally {
    await cleanup(made);
  }
});

// ------------------------------------------------------------------ editing

scenario('curator-edit-conflict', async ({ page, context }) => {
  if (!TOKEN) return { skipped: 'no curator token given' };
  const made = [];
  try {
    const tag = Date.now().toString(36);
    const body = 'Première ligne.\nDeuxième ligne.\nTroisième ligne.';
    const note = await createNote(`Note à éditer ${tag}`, body);
    made.push(note.id);
    await signIn(context, TOKEN);
    await page.goto(explore(`node/${note.id}`));
    await page.locator('#edit-open').click();
    await page.locator('#edit-form').waitFor();
    await page.getByLabel('Titre').fill(`Note éditée ${tag}`);
    await page.getByLabel('Texte (Markdown)').fill('Première ligne.\nDeuxième ligne, corrigée par moi.\nTroisième ligne.');
    // A reload loses nothing: the draft is offered back.
    await page.reload();
    await page.locator('#draft-resume').click();
    assert(await page.getByLabel('Titre').inputValue() === `Note éditée ${tag}`, 'the draft was not resumed');
    // Meanwhile someone else changes the same line through the API.
    await api(`mutation($input: UpdateNoteInput!) { updateNote(input: $input) { note { version } } }`,
      { input: { id: note.id, version: 1, body: 'Première ligne.\nDeuxième ligne, corrigée par une autre.\nTroisième ligne.\nQuatrième ligne ajoutée.' } });
    await page.locator('#edit-save').click();
    const merge = page.locator('#merge');
    await merge.waitFor();
    const text = await merge.innerText();
    assert(text.includes('corrigée par une autre') && text.includes('corrigée par moi'), 'the merge does not show both versions');
    assert(await page.getByLabel('Titre').inputValue() === `Note éditée ${tag}`, 'my title was lost');
    const mergeShot = await shot(page, 'curator-10-edit-conflict');
    // Edit the merge: both corrections and their fourth line.
    const merged = 'Première ligne.\nDeuxième ligne, corrigée par moi et par une autre.\nTroisième ligne.\nQuatrième ligne ajoutée.';
    await merge.getByLabel(/version fusionnée/).fill(merged);
    await page.locator('#merge-save').click();
    await page.getByText(/Enregistré ✓ \(version 3\)/).waitFor();
    const now = await current(note.id);
    assert(now.body === merged, `the merged text was not saved: ${JSON.stringify(now.body)}`);
    assert(now.title === `Note éditée ${tag}`, `my title was not saved: ${now.title}`);

    // "Keep mine" after another concurrent change.
    await page.getByLabel('Résumé').fill('Mon résumé.');
    await api(`mutation($input: UpdateNoteInput!) { updateNote(input: $input) { note { version } } }`,
      { input: { id: note.id, version: 3, summary: 'Leur résumé.' } });
    await page.locator('#edit-save').click();
    await page.locator('#merge').waitFor();
    await page.locator('#merge-mine').click();
    await page.getByText(/Enregistré ✓ \(version 5\)/).waitFor();
    assert((await current(note.id)).summary === 'Mon résumé.', 'keep mine did not keep mine');

    // Links: add one with the relation picker, then remove it.
    const adder = page.locator('#edit-links .link-adder');
    await adder.getByRole('combobox', { name: 'Document à lier' }).fill('gouvernance partagée');
    await adder.locator('[role="option"]', { hasText: 'Terme' }).first().click();
    await adder.getByRole('button', { name: 'Ajouter le lien', exact: true }).click();
    const row = page.locator('#edit-link-list li[data-relation="MENTIONS"]').first();
    await row.waitFor();
    const linkedTitle = await row.locator('a').innerText();
    assert((await current(note.id)).terms.length === 1, 'the link was not made');
    // Carnet place: filed, then its category changed.
    const add = page.locator('#edit-carnets > form.carnet-placer').last();
    await add.getByLabel('Carnet').selectOption({ label: 'Points de vue et savoirs situés' });
    await add.getByLabel('Catégorie').selectOption('Lectures');
    await add.getByRole('button', { name: 'Ajouter au carnet' }).click();
    const place = page.locator('#edit-carnet-list li.carnet-place').first();
    await place.waitFor();
    await place.getByLabel('Catégorie').selectOption('Accessibilité');
    await place.getByRole('button', { name: 'Enregistrer la place' }).click();
    await place.getByText(/Rangé dans/).waitFor();
    const c = await current(note.id);
    assert(c.carnets.length === 1 && c.carnets[0].category === 'Accessibilité', `carnet place not saved: ${JSON.stringify(c.carnets)}`);
    const linksShot = await shot(page, 'curator-11-edit-links-carnets');
    await row.getByRole('button', { name: `Retirer le lien « mentionne » vers « ${linkedTitle} »` }).click();
    await row.getByText('Lien retiré ✓').waitFor();
    assert((await current(note.id)).terms.length === 0, 'the link was not removed');
    // Moderation: hidden, then shown again.
    await page.locator('#edit-hidden-toggle').click();
    await page.getByText('Document masqué ✓').waitFor();
    assert((await current(note.id)).hidden === true, 'not hidden');
    await page.locator('#edit-hidden-toggle').click();
    await page.getByText('Document de nouveau visible ✓').waitFor();
    assert((await current(note.id)).hidden === false, 'not shown again');
    return { screenshot: mergeShot, detail: `shots: curator-10-edit-conflict, curator-11-edit-links-carnets (${linksShot.split('/').pop()})` };
  } finally {
    await cleanup(made);
  }
});

// ------------------------------------------------------------------ history

scenario('curator-history', async ({ page, context }) => {
  if (!TOKEN) return { skipped: 'no curator token given' };
  const made = [];
  try {
    const tag = Date.now().toString(36);
    const note = await createNote(`Note à l’historique ${tag}`, 'Texte d’origine.\nDeuxième ligne.');
    made.push(note.id);
    const upd = `mutation($input: UpdateNoteInput!) { updateNote(input: $input) { note { version } } }`;
    await api(upd, { input: { id: note.id, version: 1, body: 'Texte modifié.\nDeuxième ligne.' } });
    await api(upd, { input: { id: note.id, version: 2, body: 'Texte modifié encore.\nDeuxième ligne.\nTroisième.' } });
    await signIn(context, TOKEN);
    await page.goto(explore(`history/${note.id}`));
    await page.locator('#history-table').waitFor();
    // Any two versions compared.
    await page.getByLabel('De la version').selectOption('1');
    await page.getByLabel('À la version').selectOption('3');
    await page.locator('#history-compare').click();
    await page.getByRole('heading', { name: 'Changements de la version 1 à la version 3' }).waitFor();
    assert(await page.locator('#history-diff table.diff del', { hasText: 'Texte d’origine.' }).count() === 1, 'the diff does not show the deleted line');
    const diffShot = await shot(page, 'curator-12-history-diff');
    // Restore version 1 while someone else writes version 4.
    await api(upd, { input: { id: note.id, version: 3, title: `Titre changé ${tag}` } });
    await page.locator('button[data-restore="1"]').click();
    const conflict = page.locator('#restore-conflict');
    await conflict.waitFor();
    assert((await conflict.innerText()).includes('version 4'), 'the conflict does not say the current version');
    const conflictShot = await shot(page, 'curator-13-restore-conflict');
    await page.locator('#restore-anyway').click();
    await page.getByText('Version 1 restaurée ✓ : elle devient la version 5.').waitFor();
    const now = await current(note.id);
    assert(now.version === 5 && now.body === 'Texte d’origine.\nDeuxième ligne.', `not restored: v${now.version} ${JSON.stringify(now.body)}`);
    await page.locator('#history-table tr[data-version="5"]').waitFor();
    return { screenshot: diffShot, detail: `shots: curator-12-history-diff, ${conflictShot.split('/').pop()}` };
  } finally {
    await cleanup(made);
  }
});

// ------------------------------------------------------------------ phone

scenario('curator-phone', async ({ page, context }) => {
  if (!TOKEN || !CONTRIBUTOR) return { skipped: 'needs the curator and contributor tokens' };
  const made = [];
  try {
    const tag = Date.now().toString(36);
    const note = await createNote(`Note sur téléphone ${tag}`, 'Une ligne.\nUne autre ligne assez longue pour voir comment le texte passe à la ligne sur un petit écran.', 'PUBLIC');
    made.push(note.id);
    await api(`mutation($id: ID!) { flagDocument(id: $id, reason: "Vérifier la source citée, le lien semble mort depuis plusieurs mois.") { flag { id } } }`, { id: note.id }, CONTRIBUTOR);
    await signIn(context, TOKEN);
    await page.goto(explore('curation'));
    await page.locator('#cur-queue .cur-item').first().waitFor();
    await noHorizontalScroll(page);
    const queueShot = await shot(page, 'curator-14-phone-queue');
    // Resolved from the keyboard: type the note, Tab to "keep", Enter.
    const item = page.locator('#cur-queue .cur-item', { hasText: `Note sur téléphone ${tag}` });
    await item.getByLabel(/Note de décision/).focus();
    await page.keyboard.type('Source vérifiée.');
    await page.keyboard.press('Tab');
    assert(await page.evaluate(() => document.activeElement?.dataset?.decision) === 'KEEP', 'Tab from the note does not reach "keep"');
    await page.keyboard.press('Enter');
    await item.locator('.cur-resolution', { hasText: 'Gardé visible' }).waitFor();
    await page.goto(explore(`edit/${note.id}`));
    await page.locator('#edit-form').waitFor();
    await page.getByLabel('Texte (Markdown)').fill('Ma version du texte.');
    await api(`mutation($input: UpdateNoteInput!) { updateNote(input: $input) { note { version } } }`,
      { input: { id: note.id, version: 1, body: 'Leur version du texte.' } });
    await page.locator('#edit-save').click();
    await page.locator('#merge').waitFor();
    await noHorizontalScroll(page);
    const editShot = await shot(page, 'curator-15-phone-merge');
    await page.locator('#merge-theirs').click();
    assert(await page.getByLabel('Texte (Markdown)').inputValue() === 'Leur version du texte.', 'take theirs did not put their text in the form');
    await page.goto(explore(`history/${note.id}`));
    await page.locator('#history-table').waitFor();
    await noHorizontalScroll(page);
    const histShot = await shot(page, 'curator-16-phone-history');
    return { screenshot: queueShot, detail: `shots: ${[queueShot, editShot, histShot].map((f) => f.split('/').pop()).join(', ')}` };
  } finally {
    const open = await gql(`{ moderationQueue(first: 50) { nodes { id document { id } } } }`, {}, TOKEN);
    for (const f of open.data?.moderationQueue?.nodes || []) {
      if (made.includes(f.document?.id)) await gql(`mutation($id: ID!) { resolveFlag(id: $id, decision: KEEP) { flag { id } } }`, { id: f.id }, TOKEN);
    }
    await cleanup(made);
  }
}, { viewport: { width: 390, height: 844 } });

// ------------------------------------------------------------------ accessibility

// axe-core (when node_modules has it: it is pinned in package.json by the
// accessibility spec) on each page of the workspace, a merge choice open:
// no serious or critical violation.
let AXE = null;
try {
  const { createRequire } = await import('node:module');
  const fs = await import('node:fs');
  AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
} catch {
  // not installed: the scenario skips
}

async function axe(page, name) {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      resultTypes: ['violations'],
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, n: v.nodes.length, at: v.nodes.slice(0, 2).map((x) => x.target.join(' ')) }));
  });
  const grave = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert(!grave.length, `axe on ${name}: ${grave.map((v) => `${v.id} (${v.impact}) at ${v.at.join('; ')}`).join(' | ')}`);
  return `${name}: ${found.length ? found.map((v) => `${v.id} ${v.impact} ×${v.n}`).join(', ') : 'none'}`;
}

scenario('curator-a11y', async ({ page, context }) => {
  if (!AXE) return { skipped: 'axe-core not installed (npm ci)' };
  if (!TOKEN || !CONTRIBUTOR) return { skipped: 'needs the curator and contributor tokens' };
  const made = [];
  const out = [];
  try {
    const tag = Date.now().toString(36);
    const flagged = await createNote(`Note à auditer ${tag}`, 'Un texte sur l’éducation populaire.', 'PUBLIC');
    made.push(flagged.id);
    await api(`mutation($id: ID!) { flagDocument(id: $id, reason: "À vérifier.") { flag { id } } }`, { id: flagged.id }, CONTRIBUTOR);
    const term = await createTerm(`Terme à auditer ${tag}`);
    const a = await createNote(`Doublon audité ${tag}`, 'Un.');
    const b = await createNote(`Doublon Audité ${tag}`, 'Deux.');
    made.push(term.id, a.id, b.id);
    await signIn(context, TOKEN);
    await page.goto(explore('curation'));
    await page.locator('#cur-queue .cur-item').first().waitFor();
    out.push(await axe(page, 'queue'));
    await page.goto(explore('curation?tab=orphans'));
    await page.locator('#cur-orphans .cur-item .cur-suggestions ul, #cur-orphans .cur-item .cur-suggestions p:not(.muted:first-child)').first().waitFor();
    await page.locator('#cur-orphans .cur-item details').first().evaluate((d) => { d.open = true; });
    out.push(await axe(page, 'orphans'));
    for (const [tab, sel] of [['nocarnet', '#cur-nocarnet select option + option'], ['nodef', '#cur-nodef textarea'], ['dupes', '#cur-dupes .dup-col']]) {
      await page.goto(explore(`curation?tab=${tab}`));
      await page.locator(sel).first().waitFor({ state: 'attached' });
      out.push(await axe(page, tab));
    }
    await page.goto(explore(`edit/${flagged.id}`));
    await page.locator('#edit-form').waitFor();
    await page.locator('#edit-carnets select option + option').first().waitFor({ state: 'attached' });
    await page.getByLabel('Texte (Markdown)').fill('Ma version.');
    await api(`mutation($input: UpdateNoteInput!) { updateNote(input: $input) { note { version } } }`,
      { input: { id: flagged.id, version: 1, body: 'Leur version.' } });
    await page.locator('#edit-save').click();
    await page.locator('#merge').waitFor();
    out.push(await axe(page, 'edit-merge'));
    await page.goto(explore(`history/${flagged.id}`));
    await page.locator('#history-diff table.diff').first().waitFor();
    out.push(await axe(page, 'history'));
    await page.goto(explore(`node/${flagged.id}`));
    await page.locator('#edit-open').waitFor();
    out.push(await axe(page, 'document-tools'));
    return { detail: `axe (serious/critical: none): ${out.join(' · ')}` };
  } finally {
    const open = await gql(`{ moderationQueue(first: 50) { nodes { id document { id } } } }`, {}, TOKEN);
    for (const f of open.data?.moderationQueue?.nodes || []) {
      if (made.includes(f.document?.id)) await gql(`mutation($id: ID!) { resolveFlag(id: $id, decision: KEEP) { flag { id } } }`, { id: f.id }, TOKEN);
    }
    await cleanup(made);
  }
});
