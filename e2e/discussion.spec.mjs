// Browser scenarios of the discussion under a document page (« Discuter
// de la note »): a demo contributor comments, replies, edits, deletes and
// flags; an anonymous reader reads and is asked to sign in; the phone
// layout. Registered with the kit; run by e2e/run.mjs.

import { base, explore, gid, assert, scenario, shot, gql } from './kit.mjs';

const NOTE = gid('Note', 'note-msc-cinq-piliers');

let accountsOnce;
/** account is the server's demo account of role (null without demo sign-in). */
async function account(role) {
  accountsOnce ??= fetch(`${base}/demo/accounts`).then(async (res) => {
    if (res.status === 404) return null;
    assert(res.ok, `GET /demo/accounts: ${res.status}`);
    return (await res.json()).accounts;
  });
  const all = await accountsOnce;
  return all ? all.find((a) => a.role === role) : null;
}

async function signInAs(context, role) {
  const a = await account(role);
  if (!a) return null;
  await context.addInitScript((tok) => sessionStorage.setItem('maillage.token', tok), a.token);
  return a;
}

const section = (page) => page.locator('section#discussion');

/** post writes text in the discussion's new-comment form and waits for it in the thread. */
async function post(page, text) {
  const form = section(page).locator('form#disc-new');
  await form.getByRole('textbox').fill(text);
  await form.getByRole('button', { name: 'Publier' }).click();
  await section(page).locator('li.comment').filter({ hasText: text }).first().waitFor();
}

scenario('discussion', async ({ page, context }) => {
  const me = await signInAs(context, 'CONTRIBUTOR');
  if (!me) return { skipped: 'no demo sign-in' };
  // A comment by someone else, to reply to and flag.
  const cur = await account('CURATOR');
  const other = await gql(`mutation($doc: ID!, $body: String!) { addComment(documentId: $doc, body: $body) { comment { id } } }`,
    { doc: NOTE, body: 'Un avis de la curation, à discuter.' }, cur.token);
  assert(!other.errors, `addComment as the curator: ${JSON.stringify(other.errors)}`);

  await page.goto(explore(`node/${NOTE}`));
  await section(page).getByRole('heading', { name: /Discuter de la note/ }).waitFor();
  const stamp = Date.now();
  const mine = `Mon premier commentaire ${stamp}`;
  await post(page, mine);

  // Reply to the curator's comment.
  const theirs = section(page).locator('li.comment').filter({ hasText: 'Un avis de la curation' }).first();
  await theirs.getByRole('button', { name: 'Répondre' }).first().click();
  await theirs.locator('form').getByRole('textbox').fill(`Ma réponse ${stamp}`);
  await theirs.locator('form').getByRole('button', { name: 'Publier' }).click();
  await theirs.locator('ol.replies li.comment').filter({ hasText: `Ma réponse ${stamp}` }).waitFor();

  // Edit mine: the history says it was edited.
  const own = section(page).locator('li.comment').filter({ hasText: mine }).first();
  await own.getByRole('button', { name: 'Modifier' }).click();
  await own.locator('form').getByRole('textbox').fill(`${mine} (corrigé)`);
  await own.locator('form').getByRole('button', { name: 'Publier' }).click();
  await section(page).locator('li.comment').filter({ hasText: '(corrigé)' }).filter({ hasText: 'modifié' }).first().waitFor();

  // Flag theirs.
  await theirs.getByRole('button', { name: 'Signaler' }).first().click();
  await theirs.locator('form').getByRole('textbox').fill('Hors sujet');
  await theirs.locator('form').getByRole('button', { name: 'Signaler' }).click();
  await theirs.getByText('examinera ce commentaire').waitFor();

  // Delete mine (no replies): gone.
  page.once('dialog', (d) => d.accept());
  const edited = section(page).locator('li.comment').filter({ hasText: '(corrigé)' }).first();
  await edited.getByRole('button', { name: 'Supprimer' }).click();
  await section(page).locator('li.comment').filter({ hasText: '(corrigé)' }).waitFor({ state: 'detached' });
  await shot(page, 'discussion');

  // The curator's queue holds the flag, on the comment.
  const q = await gql(`{ moderationQueue(first: 50) { nodes { reason comment { body } } } }`, {}, cur.token);
  assert(q.data.moderationQueue.nodes.some((f) => f.reason === 'Hors sujet' && f.comment?.body.startsWith('Un avis')), `queue: ${JSON.stringify(q)}`);
});

scenario('discussion-anonymous', async ({ page }) => {
  await page.goto(explore(`node/${NOTE}`));
  await section(page).getByRole('heading', { name: /Discuter de la note/ }).waitFor();
  await section(page).getByText('Connectez-vous pour prendre part à la discussion.').waitFor();
  assert(await section(page).getByRole('button', { name: 'Répondre' }).count() === 0, 'an anonymous reader is offered to reply');
});

scenario('discussion-phone', async ({ page, context }) => {
  if (!(await signInAs(context, 'CONTRIBUTOR'))) return { skipped: 'no demo sign-in' };
  await page.goto(explore(`node/${NOTE}`));
  await section(page).getByRole('heading', { name: /Discuter de la note/ }).waitFor();
  await post(page, `Depuis mon téléphone ${Date.now()}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert(overflow <= 1, `the page scrolls sideways by ${overflow}px at phone width`);
  await shot(page, 'discussion-phone');
}, { viewport: { width: 390, height: 844 } });
