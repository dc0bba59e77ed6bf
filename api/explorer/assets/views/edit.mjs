// Editing a document: its title, summary and text (and a term's
// definition) with the version check, its links, and its places in
// carnets. A save that meets a newer version (CONFLICT) shows what the
// other writer changed and lets the reader keep theirs, take the other, or
// edit a merge: what they typed stays on the page until they choose.
// /explore/edit/<id>

import { h, replace, uid } from '../dom.mjs';
import { t } from '../i18n.mjs';
import { gql } from '../api.mjs';
import { nodeHref, nodeLink, kindBadge, errorBox, loading } from '../ui.mjs';
import { renderDiff } from './node.mjs';
import { role, historyHref, linkAdder, carnetPlacer, mergeChoice, isConflict, removeLink } from '../curator.mjs';

const DOC = `query EditDocument($id: ID!) {
  node(id: $id) {
    id
    __typename
    ... on Document {
      kind title summary body version hidden
      authorships { contributor { id } }
      carnets { category position carnet { id title } }
      terms { id kind title }
      organisations { id kind title }
    }
    ... on Note { links(first: 100) { nodes { id kind title } } }
    ... on Term { definition broader { id kind title } related { id kind title } }
  }
}`;

const UPDATE_NOTE = `mutation EditNote($input: UpdateNoteInput!) {
  updateNote(input: $input) { note { id version } }
}`;
const UPDATE_TERM = `mutation EditTerm($input: UpdateTermInput!) {
  updateTerm(input: $input) { term { id version } }
}`;
const UPDATE_ORGANISATION = `mutation EditOrganisation($input: UpdateOrganisationInput!) {
  updateOrganisation(input: $input) { organisation { id version } }
}`;

const SET_HIDDEN = `mutation EditSetHidden($id: ID!, $hidden: Boolean!) {
  setDocumentHidden(id: $id, hidden: $hidden) { document { id hidden } }
}`;

const THEIR_DIFF = `query EditConflictDiff($id: ID!, $from: Int!, $to: Int!) {
  revisionDiff(id: $id, from: $from, to: $to) {
    minimal
    title { changed lines { op text oldLine newLine } }
    summary { changed lines { op text oldLine newLine } }
    body { changed lines { op text oldLine newLine } }
  }
}`;

// The input field a document's title is written to, by kind.
const TITLE_FIELD = { Note: 'title', Term: 'label', Organisation: 'name' };

// What the reader types is kept in sessionStorage until it is saved or
// dropped by choice, so that a closed tab, a reload or a failed save loses
// nothing: {version, base, mine} — the version and text it started from.
const draftKey = (id) => `maillage.draft.${id}`;

function readDraft(id) {
  try {
    const x = JSON.parse(sessionStorage.getItem(draftKey(id)) || 'null');
    return x && typeof x.version === 'number' && x.mine && x.base ? x : null;
  } catch {
    return null;
  }
}

function writeDraft(id, draft) {
  try {
    if (draft) sessionStorage.setItem(draftKey(id), JSON.stringify(draft));
    else sessionStorage.removeItem(draftKey(id));
  } catch {
    // no storage: the form still holds the text
  }
}

function values(d) {
  const v = { title: d.title, summary: d.summary, body: d.body };
  if (d.__typename === 'Term') v.definition = d.definition;
  return v;
}

export async function render(root, route, ctx) {
  replace(root, loading());
  let d;
  let who;
  try {
    [d, who] = await Promise.all([gql(DOC, { id: route.id }, { signal: ctx.signal }).then((x) => x.node), role()]);
  } catch (err) {
    if (err.kind === 'aborted') throw err;
    replace(root, h('h1', {}, t('cur.edit.heading')), errorBox(err.kind === 'badinput' ? { kind: 'notfound' } : err, { retry: ctx.rerender }));
    return;
  }
  if (!d || !TITLE_FIELD[d.__typename]) {
    replace(root, h('h1', {}, t('cur.edit.heading')), errorBox({ kind: 'notfound' }));
    return;
  }
  document.title = `${t('cur.edit.title', { title: d.title })} — ${t('brand')}`;
  const author = who.viewerId && d.authorships.some((a) => a.contributor.id === who.viewerId);
  if (!who.curator && !author) {
    replace(root, h('h1', {}, t('cur.edit.title', { title: d.title })),
      errorBox({ kind: 'forbidden' }),
      h('p', { class: 'muted', id: 'cur-refused' }, t('cur.edit.refused')),
      h('p', {}, nodeLink(d.id, t('cur.backToDoc'))));
    return;
  }
  const linksBox = h('div', { id: 'edit-links' });
  const carnetsBox = h('div', { id: 'edit-carnets' });
  const refresh = async () => {
    try {
      const now = (await gql(DOC, { id: d.id }, { signal: ctx.signal })).node;
      renderLinks(linksBox, now, refresh);
      renderCarnets(carnetsBox, now, refresh);
    } catch (err) {
      if (err.kind !== 'aborted') replace(linksBox, errorBox(err));
    }
  };
  replace(root,
    h('p', { class: 'eyebrow' }, kindBadge(d.kind), ' ', nodeLink(d.id, t('cur.backToDoc')), ' · ', h('a', { href: historyHref(d.id) }, t('cur.history'))),
    h('h1', {}, t('cur.edit.title', { title: d.title })),
    textForm(d),
    who.curator && moderation(d),
    h('section', { class: 'panel', 'aria-labelledby': 'edit-links-h' }, h('h2', { id: 'edit-links-h' }, t('cur.links.title')), h('p', { class: 'hint' }, t('cur.links.hint')), linksBox),
    h('section', { class: 'panel', 'aria-labelledby': 'edit-carnets-h' }, h('h2', { id: 'edit-carnets-h' }, t('cur.carnets.title')), carnetsBox));
  renderLinks(linksBox, d, refresh);
  renderCarnets(carnetsBox, d, refresh);
}

function textForm(d) {
  const kind = d.__typename;
  let base = values(d);
  let version = d.version;
  const labels = { title: t('cur.field.title'), summary: t('cur.field.summary'), body: t('cur.field.body'), definition: t('term.definition') };
  const fields = Object.keys(base);
  const inputs = {};
  const field = (f) => {
    const id = `edit-${f}`;
    const el = f === 'title'
      ? h('input', { id, name: f, type: 'text', required: true, class: 'wide' })
      : h('textarea', { id, name: f, rows: f === 'body' ? 16 : 3, class: f === 'body' ? 'wide code' : 'wide' });
    el.value = base[f] ?? '';
    inputs[f] = el;
    return h('div', { class: 'field' }, h('label', { for: id }, labels[f]), el);
  };
  const status = h('div', { role: 'status', class: 'form-status', id: 'edit-status' });
  const mergeBox = h('div', { id: 'merge-box' });
  const versionNote = h('p', { class: 'muted', id: 'edit-version' }, t('cur.edit.version', { v: version }));
  const mine = () => Object.fromEntries(fields.map((f) => [f, inputs[f].value]));
  const setForm = (v) => {
    for (const f of fields) inputs[f].value = v[f] ?? '';
  };
  const send = async (vals, v) => {
    const input = { id: d.id, version: v };
    for (const [f, x] of Object.entries(vals)) input[f === 'title' ? TITLE_FIELD[kind] : f] = x;
    const q = kind === 'Note' ? UPDATE_NOTE : kind === 'Term' ? UPDATE_TERM : UPDATE_ORGANISATION;
    const res = await gql(q, { input });
    return (res.updateNote || res.updateTerm || res.updateOrganisation)[{ Note: 'note', Term: 'term', Organisation: 'organisation' }[kind]].version;
  };
  const keepDraft = () => {
    const m = mine();
    writeDraft(d.id, fields.some((f) => m[f] !== (base[f] ?? '')) ? { version, base, mine: m } : null);
  };
  const saved = (v, now) => {
    version = v;
    base = now;
    writeDraft(d.id, null);
    replace(mergeBox);
    replace(versionNote, t('cur.edit.version', { v }));
    replace(status, h('p', { class: 'ok-note' }, t('cur.saved', { v }), ' ', nodeLink(d.id, t('cur.backToDoc'))));
  };
  const conflict = async () => {
    const theirsDoc = (await gql(DOC, { id: d.id })).node;
    if (!theirsDoc) throw Object.assign(new Error('gone'), { kind: 'notfound' });
    const theirs = values(theirsDoc);
    const myNow = mine();
    let extra = null;
    try {
      const diff = (await gql(THEIR_DIFF, { id: d.id, from: version, to: theirsDoc.version })).revisionDiff;
      extra = h('details', { class: 'merge-diff' }, h('summary', {}, t('cur.merge.diff', { from: version, to: theirsDoc.version })), renderDiff(diff, version, theirsDoc.version));
    } catch {
      // the diff is a help, not a need: the fields below show both texts
    }
    replace(status);
    replace(mergeBox, mergeChoice({
      fields, labels, base, mine: myNow, theirs, version: theirsDoc.version, extra,
      onChoose: async ({ values: vals, version: v }) => {
        try {
          const nv = await send(vals, v);
          const merged = { ...theirs, ...vals };
          setForm(merged);
          saved(nv, merged);
        } catch (err) {
          if (isConflict(err)) {
            // Keep what was chosen on the page before comparing again.
            setForm({ ...mine(), ...vals });
            base = theirs;
            version = v;
            await conflict();
            return;
          }
          throw err;
        }
      },
      onTakeTheirs: () => {
        writeDraft(d.id, null);
        setForm(theirs);
        base = theirs;
        version = theirsDoc.version;
        replace(mergeBox);
        replace(versionNote, t('cur.edit.version', { v: version }));
        replace(status, h('p', { class: 'muted' }, t('cur.merge.took', { v: version })));
        inputs.title.focus();
      },
    }));
    mergeBox.querySelector('h2')?.setAttribute('tabindex', '-1');
    mergeBox.querySelector('h2')?.focus();
  };
  const submit = h('button', { type: 'submit', id: 'edit-save' }, t('cur.save'));
  // A draft left from an earlier visit: offered, never applied unasked.
  const draft = readDraft(d.id);
  const draftBox = h('div', { id: 'draft-box' });
  if (draft && fields.some((f) => (draft.mine[f] ?? '') !== (base[f] ?? ''))) {
    replace(draftBox, h('div', { class: 'message warn', role: 'status' },
      h('p', { class: 'message-title' }, t('cur.draft.title', { v: draft.version })),
      h('p', { class: 'actions' },
        h('button', {
          type: 'button', id: 'draft-resume',
          onclick: () => {
            base = draft.base;
            version = draft.version;
            setForm(draft.mine);
            replace(versionNote, t('cur.edit.version', { v: version }));
            replace(draftBox);
            inputs.body?.focus();
          },
        }, t('cur.draft.resume')),
        h('button', {
          type: 'button', class: 'secondary', id: 'draft-drop',
          onclick: () => {
            writeDraft(d.id, null);
            replace(draftBox);
          },
        }, t('cur.draft.drop')))));
  }
  return h('form', {
    class: 'edit-form', id: 'edit-form',
    oninput: keepDraft,
    onsubmit: async (e) => {
      e.preventDefault();
      const now = mine();
      const changed = Object.fromEntries(fields.filter((f) => now[f] !== (base[f] ?? '')).map((f) => [f, now[f]]));
      if (!Object.keys(changed).length) {
        replace(status, h('p', { class: 'muted' }, t('cur.edit.nothing')));
        return;
      }
      if ('title' in changed && !changed.title.trim()) {
        replace(status, h('p', { class: 'form-note' }, t('cur.edit.needTitle')));
        inputs.title.focus();
        return;
      }
      submit.disabled = true;
      replace(status, t('cur.saving'));
      try {
        const nv = await send(changed, version);
        saved(nv, now);
      } catch (err) {
        if (isConflict(err)) await conflict().catch((e2) => replace(status, errorBox(e2)));
        else replace(status, errorBox(err));
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('h2', {}, t('cur.text.title')),
  versionNote,
  draftBox,
  fields.map(field),
  h('p', { class: 'actions' }, submit, h('a', { href: nodeHref(d.id), class: 'button secondary' }, t('cur.cancel'))),
  status,
  mergeBox);
}

/** outgoing lists document d's links that the page may remove: {relation, to}. */
function outgoing(d) {
  const out = [];
  for (const x of d.links?.nodes || []) out.push({ relation: 'LINKS_TO', to: x });
  for (const x of d.terms || []) out.push({ relation: 'MENTIONS', to: x });
  for (const x of d.organisations || []) out.push({ relation: 'CONCERNS', to: x });
  for (const x of d.broader || []) out.push({ relation: 'BROADER', to: x });
  for (const x of d.related || []) out.push({ relation: 'RELATED', to: x });
  return out;
}

function renderLinks(box, d, refresh) {
  const links = outgoing(d);
  const rows = links.map((l) => {
    const status = h('span', { role: 'status', class: 'suggestion-status' });
    const btn = h('button', {
      type: 'button', class: 'secondary small', 'aria-label': t('cur.links.remove.label', { rel: t(`relation.${l.relation}`), title: l.to.title }),
      onclick: async () => {
        btn.disabled = true;
        try {
          try {
            await removeLink(l.relation, d.id, l.to.id);
          } catch (err) {
            // A related term may be related the other way round.
            if (l.relation !== 'RELATED' || err.kind !== 'notfound') throw err;
            await removeLink(l.relation, l.to.id, d.id);
          }
          li.classList.add('removed');
          btn.remove();
          replace(status, t('cur.links.removed'));
        } catch (err) {
          btn.disabled = false;
          replace(status, errorBox(err));
        }
      },
    }, t('cur.links.remove'));
    const li = h('li', { 'data-id': l.to.id, 'data-relation': l.relation },
      h('span', { class: 'muted' }, t(`relation.${l.relation}`)), ' ', kindBadge(l.to.kind), ' ', nodeLink(l.to.id, l.to.title), ' ', btn, ' ', status);
    return li;
  });
  replace(box,
    rows.length ? h('ul', { class: 'link-list suggestion-list', id: 'edit-link-list' }, rows) : h('p', { class: 'muted' }, t('cur.links.none')),
    h('h3', {}, t('cur.links.add')),
    linkAdder({ id: d.id, kind: d.kind, title: d.title }, { onDone: () => refresh() }));
}

function renderCarnets(box, d, refresh) {
  const rows = d.carnets.map((c) => {
    const status = h('span', { role: 'status', class: 'suggestion-status' });
    const btn = h('button', {
      type: 'button', class: 'secondary small', 'aria-label': t('cur.carnets.remove.label', { title: c.carnet.title }),
      onclick: async () => {
        btn.disabled = true;
        try {
          await removeLink('IN_CARNET', d.id, c.carnet.id);
          refresh();
        } catch (err) {
          btn.disabled = false;
          replace(status, errorBox(err));
        }
      },
    }, t('cur.carnets.remove'));
    return h('li', { 'data-id': c.carnet.id, class: 'carnet-place' },
      h('p', { class: 'cur-head' }, nodeLink(c.carnet.id, c.carnet.title), ' ', h('span', { class: 'muted' }, t('cur.carnets.rank', { rank: c.position })), ' ', btn, ' ', status),
      carnetPlacer(d, { place: c }));
  });
  const id = uid('add-carnet');
  replace(box,
    rows.length ? h('ul', { class: 'link-list', id: 'edit-carnet-list' }, rows) : h('p', { class: 'muted' }, t('cur.carnets.none')),
    h('h3', { id }, t('cur.carnets.add')),
    carnetPlacer(d, { onDone: () => refresh() }));
}

/** moderation shows whether the document is hidden and turns that over (curators). */
function moderation(d) {
  let hidden = d.hidden;
  const state = h('p', { id: 'edit-hidden-state' });
  const status = h('div', { role: 'status', class: 'form-status' });
  const btn = h('button', { type: 'button', class: 'secondary', id: 'edit-hidden-toggle' });
  const show = () => {
    replace(state, hidden ? h('span', { class: 'badge warn' }, t('doc.hidden')) : t('cur.mod.shown'));
    btn.textContent = hidden ? t('cur.mod.show') : t('cur.mod.hide');
  };
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      hidden = (await gql(SET_HIDDEN, { id: d.id, hidden: !hidden })).setDocumentHidden.document.hidden;
      show();
      replace(status, h('p', { class: 'ok-note' }, hidden ? t('cur.mod.nowHidden') : t('cur.mod.nowShown')));
    } catch (err) {
      replace(status, errorBox(err));
    } finally {
      btn.disabled = false;
    }
  });
  show();
  return h('section', { class: 'panel', 'aria-labelledby': 'edit-mod-h' },
    h('h2', { id: 'edit-mod-h' }, t('cur.mod.title')),
    h('p', { class: 'hint' }, t('cur.mod.hint')),
    state, h('p', { class: 'actions' }, btn), status);
}
