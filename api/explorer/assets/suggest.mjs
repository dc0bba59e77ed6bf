// Suggested links, for curators: terms and organisations whose label or
// alias appears in a document's text while the document does not link to
// them yet, each accepted with one click (the `link` mutation). The API has
// no suggestion query yet, so the matching is done here: accents, case and
// apostrophes set aside, whole words only, labels of 4 letters or more.

import { h, replace } from './dom.mjs';
import { t } from './i18n.mjs';
import { gql } from './api.mjs';
import { nodeLink, kindBadge, errorBox } from './ui.mjs';

const PAGES = 3; // at most 300 terms and 300 organisations are compared

const TERMS = `query SuggestTerms($after: String) {
  terms(first: 100, after: $after) { nodes { id kind title aliases } pageInfo { hasNextPage endCursor } }
}`;
const ORGS = `query SuggestOrganisations($after: String) {
  organisations(first: 100, after: $after) { nodes { id kind title aliases } pageInfo { hasNextPage endCursor } }
}`;
const LINK = `mutation AcceptSuggestion($input: LinkInput!) {
  link(input: $input) { link { relation } }
}`;

export function normalise(s) {
  return String(s ?? '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .replace(/\s+/g, ' ');
}

function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** mentions reports which of labels occur as whole words in text. */
export function mentions(text, labels) {
  const hay = normalise(text);
  for (const label of labels) {
    const l = normalise(label).trim();
    if (l.length < 4) continue;
    if (new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRe(l)}($|[^\\p{L}\\p{N}])`, 'u').test(hay)) return label;
  }
  return null;
}

async function all(query, key, signal) {
  const out = [];
  let after = null;
  for (let i = 0; i < PAGES; i++) {
    const d = await gql(query, { after }, { signal });
    out.push(...d[key].nodes);
    if (!d[key].pageInfo.hasNextPage) break;
    after = d[key].pageInfo.endCursor;
  }
  return out;
}

/**
 * panel returns the "suggested links" section of document d, filled in
 * once the candidates are read.
 */
export function panel(d, signal) {
  const body = h('div', {}, h('p', { class: 'muted' }, t('loading')));
  const section = h('section', { class: 'panel suggestions', id: 'suggestions', 'aria-labelledby': 'suggestions-heading' },
    h('h2', { id: 'suggestions-heading' }, t('suggest.title')),
    h('p', { class: 'hint' }, t('suggest.hint')),
    body);
  fill(d, body, signal);
  return section;
}

async function fill(d, body, signal) {
  let terms;
  let orgs;
  try {
    [terms, orgs] = await Promise.all([all(TERMS, 'terms', signal), all(ORGS, 'organisations', signal)]);
  } catch (err) {
    if (err.kind !== 'aborted') replace(body, errorBox(err));
    return;
  }
  const text = [d.title, d.summary, d.body, d.definition].filter(Boolean).join('\n');
  const have = new Set([d.id, ...d.terms.map((x) => x.id), ...d.organisations.map((x) => x.id)]);
  const found = [];
  for (const [list, relation] of [[terms, 'MENTIONS'], [orgs, 'CONCERNS']]) {
    for (const c of list) {
      if (have.has(c.id)) continue;
      const hit = mentions(text, [c.title, ...(c.aliases || [])]);
      if (hit) found.push({ ...c, relation, hit });
    }
  }
  if (!found.length) {
    replace(body, h('p', { class: 'muted' }, t('suggest.none')));
    return;
  }
  replace(body, h('ul', { class: 'link-list suggestion-list' }, found.slice(0, 12).map((c) => {
    const status = h('span', { class: 'suggestion-status', role: 'status' });
    const accept = h('button', {
      type: 'button', class: 'secondary small',
      'aria-label': t('suggest.accept.label', { title: c.title }),
      onclick: async () => {
        accept.disabled = true;
        replace(status, t('suggest.adding'));
        try {
          await gql(LINK, { input: { relation: c.relation, from: d.id, to: c.id } });
          accept.remove();
          replace(status, t('suggest.added'));
        } catch (err) {
          accept.disabled = false;
          replace(status, errorBox(err));
        }
      },
    }, t('suggest.accept'));
    return h('li', { 'data-id': c.id },
      kindBadge(c.kind), ' ', nodeLink(c.id, c.title), ' ',
      h('span', { class: 'muted' }, t(`suggest.why.${c.relation}`, { hit: c.hit })), ' ',
      accept, ' ', status);
  })));
}
