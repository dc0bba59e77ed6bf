// The curator's tools shared by the curation, edit and history pages and
// the document page: who the reader is (curator or not), the document
// page's buttons (flag, edit, history), the link and carnet pickers that
// repair a document, and the merge choice shown when a save meets a newer
// version (CONFLICT): the reader's text is never dropped without a choice.
//
// The API has no "my role" field: being a curator is probed with the
// curators' own query (moderationQueue), whose FORBIDDEN answer means no.

import { h, replace, uid } from './dom.mjs';
import { t } from './i18n.mjs';
import { gql, getToken } from './api.mjs';
import { picker } from './picker.mjs';
import { BASE, nodeLink, errorBox, truncate } from './ui.mjs';

const PROBE = `query CuratorProbe { moderationQueue(first: 1) { totalCount } }`;
const VIEWER = `query CuratorViewer { viewer { id name } }`;
const FLAG = `mutation FlagDocument($id: ID!, $reason: String!) {
  flagDocument(id: $id, reason: $reason) { flag { id status } }
}`;
const LINK = `mutation CuratorLink($input: LinkInput!) {
  link(input: $input) { link { relation } }
}`;
const UNLINK = `mutation CuratorUnlink($relation: Relation!, $from: ID!, $to: ID!) {
  unlink(relation: $relation, from: $from, to: $to) { relation }
}`;
const CARNETS = `query CuratorCarnets { carnets(first: 100) { nodes { id title categories } } }`;
const ADD_TO_CARNET = `mutation CuratorAddToCarnet($doc: ID!, $carnet: ID!, $category: String, $position: Int) {
  addToCarnet(documentId: $doc, carnetId: $carnet, category: $category, position: $position) { link { position category } }
}`;

export const curationHref = (tab, params = {}) => {
  const q = new URLSearchParams({ tab, ...params });
  return `${BASE}curation?${q}`;
};
export const editHref = (id) => `${BASE}edit/${encodeURIComponent(id)}`;
export const historyHref = (id) => `${BASE}history/${encodeURIComponent(id)}`;

/** isConflict tells a stale-version refusal from other errors. */
export const isConflict = (err) => err?.code === 'CONFLICT';

let roleCache = { token: null, promise: null };

/**
 * role resolves to {curator, viewerId} for the current token, asked once
 * per token; anonymous readers are neither.
 */
export function role() {
  const tok = getToken();
  if (!tok) return Promise.resolve({ curator: false, viewerId: null });
  if (roleCache.token === tok && roleCache.promise) return roleCache.promise;
  const promise = Promise.all([
    gql(PROBE).then(() => true, () => false),
    gql(VIEWER).then((d) => d.viewer?.id ?? null, () => null),
  ]).then(([curator, viewerId]) => ({ curator, viewerId }));
  roleCache = { token: tok, promise };
  return promise;
}

/** navItem is the header's "Curation" entry, shown once the token proves a curator's. */
export function navItem() {
  const li = h('li', { hidden: true }, h('a', { href: `${BASE}curation`, 'data-route': 'curation' }, t('nav.curation')));
  role().then((r) => {
    li.hidden = !r.curator;
  });
  return li;
}

/**
 * documentTools returns the curator's and signed-in reader's buttons for
 * document d's page: flag (anyone signed in), edit and history (curators
 * and the document's authors), the document's flags (curators).
 */
export function documentTools(d, signal) {
  const box = h('div', { class: 'curator-tools', id: 'curator-tools' });
  if (!getToken()) return box;
  role().then((r) => {
    if (signal?.aborted) return;
    const author = r.viewerId && d.authorships.some((a) => a.contributor.id === r.viewerId);
    const formBox = h('div', { class: 'flag-box' });
    const flagBtn = h('button', {
      type: 'button', class: 'secondary', id: 'flag-open', 'aria-expanded': 'false', 'aria-controls': 'flag-form',
      onclick: () => {
        const open = flagBtn.getAttribute('aria-expanded') !== 'true';
        flagBtn.setAttribute('aria-expanded', String(open));
        if (!open) {
          replace(formBox);
          return;
        }
        replace(formBox, flagForm(d, () => {
          flagBtn.setAttribute('aria-expanded', 'false');
          flagBtn.focus();
        }));
        formBox.querySelector('textarea')?.focus();
      },
    }, t('cur.flag'));
    replace(box,
      h('p', { class: 'page-tools' },
        (r.curator || author) && [
          h('a', { href: editHref(d.id), class: 'button', id: 'edit-open' }, t('cur.edit')), ' ',
          h('a', { href: historyHref(d.id), class: 'button secondary', id: 'history-open' }, t('cur.history')), ' ',
        ],
        r.curator && [h('a', { href: curationHref('queue', { document: d.id, status: 'OPEN' }), class: 'button secondary' }, t('cur.flagsOf')), ' '],
        // A flag is signed: only a token that speaks for a contributor may send one.
        r.viewerId && flagBtn),
      formBox);
  });
  return box;
}

function flagForm(d, onClose) {
  const id = uid('flag');
  const area = h('textarea', { id, name: 'reason', rows: 3, maxlength: 2000, required: true });
  const status = h('div', { role: 'status', class: 'form-status' });
  const form = h('form', {
    class: 'flag-form', id: 'flag-form',
    onsubmit: async (e) => {
      e.preventDefault();
      const reason = area.value.trim();
      if (!reason) {
        replace(status, h('p', { class: 'form-note' }, t('cur.flag.empty')));
        area.focus();
        return;
      }
      submit.disabled = true;
      replace(status, t('cur.saving'));
      try {
        await gql(FLAG, { id: d.id, reason });
        replace(form, h('p', { class: 'ok-note', role: 'status' }, t('cur.flag.sent')));
      } catch (err) {
        submit.disabled = false;
        replace(status, isConflict(err) ? h('p', { class: 'form-note' }, t('cur.flag.already')) : errorBox(err));
      }
    },
  },
  h('label', { for: id }, t('cur.flag.reason')),
  h('p', { class: 'hint' }, t('cur.flag.hint')),
  area);
  const submit = h('button', { type: 'submit' }, t('cur.flag.send'));
  form.append(h('p', { class: 'actions' }, submit, h('button', { type: 'button', class: 'secondary', onclick: () => { form.remove(); onClose(); } }, t('cur.cancel'))), status);
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      form.remove();
      onClose();
    }
  });
  return form;
}

/**
 * linkChoices lists the links the schema allows between document a (the
 * one being repaired) and b, each {relation, from, to}, the likeliest first.
 */
export function linkChoices(a, b) {
  const out = [];
  const add = (relation, from, to) => out.push({ relation, from, to });
  if (a.id === b.id) return out;
  if (b.kind === 'NOTE') {
    if (a.kind === 'NOTE') {
      add('LINKS_TO', a, b);
      add('LINKS_TO', b, a);
    }
    if (a.kind === 'TERM') add('MENTIONS', b, a);
    if (a.kind === 'ORGANISATION') add('CONCERNS', b, a);
  } else if (b.kind === 'TERM') {
    if (a.kind === 'TERM') {
      add('RELATED', a, b);
      add('BROADER', a, b);
      add('BROADER', b, a);
    } else {
      add('MENTIONS', a, b);
    }
  } else if (b.kind === 'ORGANISATION') {
    add('CONCERNS', a, b);
    if (a.kind === 'ORGANISATION') add('CONCERNS', b, a);
    else if (a.kind === 'TERM') add('MENTIONS', b, a);
  }
  return out;
}

export function choiceLabel(c) {
  return t('cur.link.choice', { from: truncate(c.from.title, 40), rel: t(`relation.${c.relation}`), to: truncate(c.to.title, 40) });
}

export async function makeLink(c) {
  return gql(LINK, { input: { relation: c.relation, from: c.from.id, to: c.to.id } });
}

export async function removeLink(relation, from, to) {
  return gql(UNLINK, { relation, from, to });
}

/**
 * linkAdder is a form that links document doc to another found by search,
 * with a choice of the relations the schema allows; onDone runs after.
 */
export function linkAdder(doc, { onDone } = {}) {
  const status = h('div', { role: 'status', class: 'form-status' });
  const relId = uid('rel');
  const rel = h('select', { id: relId, disabled: true }, h('option', { value: '' }, t('cur.link.pickFirst')));
  let choices = [];
  const p = picker({
    label: t('cur.link.target'),
    onChange: (target) => {
      choices = target ? linkChoices(doc, target) : [];
      replace(rel, choices.length
        ? choices.map((c, i) => h('option', { value: String(i) }, choiceLabel(c)))
        : h('option', { value: '' }, target ? t('cur.link.none') : t('cur.link.pickFirst')));
      rel.disabled = !choices.length;
      btn.disabled = !choices.length;
    },
  });
  const btn = h('button', { type: 'submit', class: 'secondary', disabled: true }, t('cur.link.add'));
  const form = h('form', {
    class: 'link-adder',
    onsubmit: async (e) => {
      e.preventDefault();
      const c = choices[Number(rel.value)];
      if (!c) return;
      btn.disabled = true;
      replace(status, t('cur.saving'));
      try {
        await makeLink(c);
        replace(status, h('p', { class: 'ok-note' }, t('cur.link.added', { label: choiceLabel(c) })));
        onDone?.(c);
      } catch (err) {
        replace(status, errorBox(err));
      } finally {
        btn.disabled = false;
      }
    },
  },
  h('div', { class: 'link-adder-fields' },
    p.element,
    h('div', { class: 'field' }, h('label', { for: relId }, t('cur.link.relation')), rel),
    h('div', { class: 'field field-button' }, btn)),
  status);
  return form;
}

let carnetsPromise = null;
export function carnets() {
  if (!carnetsPromise) {
    carnetsPromise = gql(CARNETS).then((d) => d.carnets.nodes).catch((err) => {
      carnetsPromise = null;
      throw err;
    });
  }
  return carnetsPromise;
}

/**
 * carnetPlacer files document doc in a carnet: a carnet, one of its
 * categories and, optionally, a position. Given `place` ({carnet, category,
 * position}), it edits that entry instead (the carnet is then fixed).
 */
export function carnetPlacer(doc, { place = null, onDone } = {}) {
  const cid = uid('carnet');
  const kid = uid('cat');
  const pid = uid('pos');
  const carnetSel = h('select', { id: cid, name: 'carnet', disabled: !!place });
  const catSel = h('select', { id: kid, name: 'category' });
  const pos = h('input', { id: pid, name: 'position', type: 'number', min: '1', step: '1', inputmode: 'numeric', value: '', placeholder: place ? String(place.position) : '', class: 'position-input' });
  const status = h('div', { role: 'status', class: 'form-status' });
  const btn = h('button', { type: 'submit', class: 'secondary' }, place ? t('cur.carnet.save') : t('cur.carnet.add'));
  let list = [];
  const fillCats = () => {
    const c = list.find((x) => x.id === carnetSel.value);
    const cats = c ? c.categories : [];
    replace(catSel, h('option', { value: '' }, t('cur.carnet.noCategory')), cats.map((k) => h('option', { value: k, selected: place?.category === k }, k)));
  };
  carnets().then((cs) => {
    list = cs;
    replace(carnetSel, place
      ? h('option', { value: place.carnet.id }, place.carnet.title)
      : [h('option', { value: '' }, t('cur.carnet.choose')), cs.map((c) => h('option', { value: c.id }, c.title))]);
    if (place) carnetSel.value = place.carnet.id;
    fillCats();
  }, (err) => replace(status, errorBox(err)));
  carnetSel.addEventListener('change', fillCats);
  return h('form', {
    class: 'carnet-placer',
    onsubmit: async (e) => {
      e.preventDefault();
      if (!carnetSel.value) {
        replace(status, h('p', { class: 'form-note' }, t('cur.carnet.pick')));
        carnetSel.focus();
        return;
      }
      btn.disabled = true;
      replace(status, t('cur.saving'));
      const position = pos.value === '' ? null : Number(pos.value);
      try {
        const res = await gql(ADD_TO_CARNET, { doc: doc.id, carnet: carnetSel.value, category: catSel.value || null, position });
        const title = carnetSel.selectedOptions[0]?.textContent || '';
        replace(status, h('p', { class: 'ok-note' }, t('cur.carnet.done', { title, rank: res.addToCarnet.link.position })));
        onDone?.();
      } catch (err) {
        replace(status, errorBox(err));
      } finally {
        btn.disabled = false;
      }
    },
  },
  h('div', { class: 'carnet-fields' },
    h('div', { class: 'field' }, h('label', { for: cid }, t('cur.carnet.carnet')), carnetSel),
    h('div', { class: 'field' }, h('label', { for: kid }, t('cur.carnet.category')), catSel),
    h('div', { class: 'field' }, h('label', { for: pid }, t('cur.carnet.position')), pos),
    h('div', { class: 'field field-button' }, btn)),
  status);
}

/**
 * mergeChoice is shown when a save met a newer version. base, mine and
 * theirs map field names to text: what the reader opened, what they typed,
 * what is current. Fields only the other writer changed are kept as they
 * are (never sent); the fields both changed get a side-by-side view and an
 * editable merge. onChoose({values, version}) saves; values holds only the
 * fields to write. `extra` is shown above the choice (e.g. their diff).
 */
export function mergeChoice({ fields, labels, base, mine, theirs, version, extra, onChoose, onTakeTheirs }) {
  const mineChanged = fields.filter((f) => (mine[f] ?? '') !== (base[f] ?? ''));
  const both = mineChanged.filter((f) => (theirs[f] ?? '') !== (base[f] ?? '') && (theirs[f] ?? '') !== (mine[f] ?? ''));
  const areas = new Map();
  const status = h('div', { role: 'status', class: 'form-status' });
  const rows = both.map((f) => {
    const id = uid('merge');
    const area = h('textarea', { id, rows: Math.min(14, Math.max(3, (mine[f] || '').split('\n').length + 1)), 'data-field': f });
    area.value = mine[f] ?? '';
    areas.set(f, area);
    return h('div', { class: 'merge-field', 'data-field': f },
      h('h3', {}, labels[f] || f),
      h('div', { class: 'merge-cols' },
        h('div', { class: 'merge-col theirs' }, h('p', { class: 'merge-label' }, t('cur.merge.theirs', { v: version })), h('pre', { class: 'merge-text' }, theirs[f] ?? '')),
        h('div', { class: 'merge-col mine' }, h('p', { class: 'merge-label' }, t('cur.merge.mine')), h('pre', { class: 'merge-text' }, mine[f] ?? ''))),
      h('label', { for: id }, t('cur.merge.merged', { field: labels[f] || f })),
      area);
  });
  const only = mineChanged.filter((f) => !both.includes(f));
  const pick = (which) => {
    const values = {};
    for (const f of mineChanged) values[f] = mine[f];
    if (which === 'merged') for (const [f, a] of areas) values[f] = a.value;
    return values;
  };
  const act = (which) => async () => {
    for (const b of box.querySelectorAll('button')) b.disabled = true;
    replace(status, t('cur.saving'));
    try {
      await onChoose({ values: pick(which), version });
    } catch (err) {
      replace(status, errorBox(err));
      for (const b of box.querySelectorAll('button')) b.disabled = false;
    }
  };
  const titleId = uid('merge-title');
  const box = h('section', { class: 'message warn merge', id: 'merge', role: 'alert', 'aria-labelledby': titleId },
    h('h2', { id: titleId, class: 'message-title' }, t('cur.merge.title', { v: version })),
    h('p', {}, both.length ? t('cur.merge.detail') : t('cur.merge.detailNoOverlap')),
    only.length > 0 && h('p', { class: 'muted' }, t('cur.merge.kept', { fields: only.map((f) => labels[f] || f).join(', ') })),
    extra,
    rows,
    h('p', { class: 'actions' },
      h('button', { type: 'button', id: 'merge-mine', onclick: act('mine') }, both.length ? t('cur.merge.keepMine') : t('cur.merge.apply')),
      h('button', { type: 'button', class: 'secondary', id: 'merge-theirs', onclick: () => onTakeTheirs() }, t('cur.merge.takeTheirs')),
      both.length > 0 && h('button', { type: 'button', class: 'secondary', id: 'merge-save', onclick: act('merged') }, t('cur.merge.saveMerged'))),
    status);
  return box;
}

/** docLine is a document's kind badge and link, for lists. */
export function docLine(d, kindBadge) {
  return [kindBadge(d.kind), ' ', nodeLink(d.id, d.title), d.hidden && [' ', h('span', { class: 'badge warn' }, t('doc.hidden'))]];
}
