// e2e-seconds: 15 (how long this file's scenarios ran in one browser; e2e/shards_test.go balances shards with it)
// Browser scenarios of media (issue #19): a word spoken in the demo's
// recorded testimony is searched, its hit says "à 0:04", and following it
// plays the recording from that cue; a contributor uploads an image with
// its alt text to a note of theirs (a private one: its file reaches the
// page through the token, never through an address) and sees it there, a
// file that lies about its type is refused with its code; an anonymous
// reader sees the demo's media and no upload form.
//
// Time is never waited for by the clock: the scenarios wait for the
// player's own state (its currentTime and paused).

import { TOKEN, base, explore, gid, assert, gql, scenario, shot } from './kit.mjs';

const MEDIA_NOTE = gid('Note', 'note-sortir-du-paradigme-du-texte');
// A word of the testimony's second cue ("…pendant la veillée.").
const SPOKEN = 'veillée';
// How far before the cue's start the player may be: a player may round a
// seek down to a frame or a sample block.
const TOLERANCE = 0.25;

let CONTRIBUTOR = process.env.MAILLAGE_E2E_CONTRIBUTOR_TOKEN || '';
if (!CONTRIBUTOR) {
  try {
    const res = await fetch(`${base}/demo/accounts`);
    const accounts = res.ok ? (await res.json()).accounts || [] : [];
    CONTRIBUTOR = accounts.find((a) => a.role === 'CONTRIBUTOR')?.token || '';
  } catch {
    // no demo accounts: the upload scenario skips
  }
}

async function api(query, variables = {}, token = TOKEN) {
  const res = await gql(query, variables, token);
  if (res.errors?.length) throw new Error(`API: ${res.errors[0].message} (${res.errors[0].extensions?.code})`);
  return res.data;
}

const section = (page) => page.locator('section#media');

scenario('media-play-from-hit', async ({ page }) => {
  // What the API says of the hit: the cue to play from.
  const d = await api(`query($q: String!) { search(query: $q, first: 5) { edges { node { id }
    mediaMatches { at cue { start text } media { id format } } } } }`, { q: SPOKEN }, '');
  const edge = d.search.edges.find((e) => e.node.id === MEDIA_NOTE);
  assert(edge, `searching "${SPOKEN}" does not find the note of the testimony: ${JSON.stringify(d)}`);
  const match = edge.mediaMatches.find((m) => m.cue);
  assert(match && match.cue.start > 0, `no cue with a time for "${SPOKEN}": ${JSON.stringify(edge)}`);

  await page.goto(explore(`?q=${encodeURIComponent(SPOKEN)}`));
  const link = page.locator('#results a.play-at').filter({ hasText: `à ${match.at}` }).first();
  await link.waitFor();
  await shot(page, 'media-01-hit');
  await link.click();
  await page.waitForURL((u) => u.pathname.endsWith(`/node/${MEDIA_NOTE}`) && u.searchParams.get('media') === match.media.id);

  const audio = section(page).locator(`audio[data-media="${match.media.id}"]`);
  await audio.waitFor();
  // Playing, from the cue's time or after it (never from the start).
  const handle = await audio.elementHandle();
  await page.waitForFunction(([el, start, tol]) => !el.paused && el.currentTime >= start - tol, [handle, match.cue.start, TOLERANCE]);
  const st = await audio.evaluate((el) => ({ t: el.currentTime, paused: el.paused, d: el.duration, src: el.currentSrc }));
  assert(st.t >= match.cue.start - TOLERANCE && st.t < st.d, `played from ${st.t}, the cue starts at ${match.cue.start}`);
  // A public note's recording streams from its address (ranges), no token in it.
  assert(new URL(st.src).pathname.startsWith('/media/') && !/token|bearer/i.test(st.src), `audio source ${st.src}`);
  // The transcript is the player's captions track, cue by cue.
  await page.waitForFunction((el) => el.textTracks.length === 1 && el.textTracks[0].kind === 'captions'
    && el.textTracks[0].cues && el.textTracks[0].cues.length >= 3, handle);
  const said = await audio.evaluate((el) => [...el.textTracks[0].cues].map((c) => c.text).join(' '));
  assert(said.includes(match.cue.text), `captions track: ${said}`);
  // The drawing, with its alt text.
  const img = section(page).locator('img.media-image').first();
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
  assert((await img.getAttribute('alt')).startsWith('Trois maisons'), 'the drawing lacks its alt text');
  await shot(page, 'media-02-playing');
  return { detail: `played from ${st.t.toFixed(2)} s (cue at ${match.cue.start} s, "${match.at}")` };
});

/** png fetches the demo drawing: a real PNG to upload again. */
async function png() {
  const d = await api(`query($id: ID!) { node(id: $id) { ... on Note { media { url format } } } }`, { id: MEDIA_NOTE }, '');
  const m = d.node.media.find((x) => x.format === 'IMAGE');
  const res = await fetch(`${base}${m.url}`);
  assert(res.ok, `GET ${m.url}: ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

scenario('media-upload', async ({ page, context }) => {
  if (!CONTRIBUTOR) return { skipped: 'no contributor token' };
  const body = await png();
  const made = await api(`mutation($input: CreateNoteInput!) { createNote(input: $input) { note { id version } } }`,
    { input: { title: `Atelier dessiné ${Date.now()}`, body: 'Une note pour un dessin.', visibility: 'PRIVATE' } }, CONTRIBUTOR);
  const note = made.createNote.note;
  try {
    await context.addInitScript((tok) => sessionStorage.setItem('maillage.token', tok), CONTRIBUTOR);
    await page.goto(explore(`node/${note.id}`));
    const form = page.locator('form#media-upload');
    await form.waitFor();

    // A file that says it is a PNG and is not: refused, with its code.
    await form.getByLabel('Fichier', { exact: true }).setInputFiles({ name: 'faux.png', mimeType: 'image/png', buffer: Buffer.from('rien qu’un texte') });
    await form.getByRole('button', { name: 'Téléverser' }).click();
    await form.locator('.error-code').filter({ hasText: 'BAD_USER_INPUT' }).waitFor();
    await form.getByRole('alert').waitFor();

    const alt = 'Un dessin de trois maisons reliées, refait en atelier';
    await form.getByLabel('Fichier', { exact: true }).setInputFiles({ name: 'maisons.png', mimeType: 'image/png', buffer: body });
    await form.getByLabel('Titre', { exact: true }).fill('Dessin refait');
    await form.getByLabel('Texte de remplacement', { exact: true }).fill(alt);
    await form.getByRole('button', { name: 'Téléverser' }).click();
    await form.getByText('maisons.png ajouté').waitFor();
    const img = section(page).locator('img.media-image');
    await img.waitFor();
    assert(await img.getAttribute('alt') === alt, `alt: ${await img.getAttribute('alt')}`);
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
    // A private note's file is fetched with the token into a blob: URL.
    const src = await img.getAttribute('src');
    assert(src.startsWith('blob:'), `the private image is loaded from ${src}`);
    await shot(page, 'media-03-uploaded');

    // The server holds it, with its alt text.
    const got = await api(`query($id: ID!) { node(id: $id) { ... on Note { media { alt format size } } } }`, { id: note.id }, CONTRIBUTOR);
    assert(got.node.media.length === 1 && got.node.media[0].alt === alt && got.node.media[0].format === 'IMAGE', JSON.stringify(got));
  } finally {
    const cur = await api(`query($id: ID!) { node(id: $id) { ... on Document { version } } }`, { id: note.id }, CONTRIBUTOR).catch(() => null);
    if (cur?.node) await gql(`mutation($id: ID!, $v: Int!) { deleteNote(id: $id, version: $v) { deletedId } }`, { id: note.id, v: cur.node.version }, CONTRIBUTOR);
  }
});

scenario('media-anonymous', async ({ page }) => {
  await page.goto(explore(`node/${MEDIA_NOTE}`));
  const sec = section(page);
  await sec.getByRole('heading', { name: 'Enregistrements, images et documents' }).waitFor();
  await sec.locator('audio').waitFor();
  await sec.locator('img.media-image').waitFor();
  // The list and the choice of the form come from one answer.
  assert(await sec.getAttribute('data-count') === '2', `media shown: ${await sec.getAttribute('data-count')}`);
  assert(await page.locator('form#media-upload').count() === 0, 'an anonymous reader is offered to upload');
  // The transcript, each cue a time to play from.
  await sec.locator('details.transcript summary').click();
  await sec.getByRole('button', { name: 'Écouter à partir de 0:04' }).waitFor();
  await shot(page, 'media-04-anonymous');
});
