// Suggested links, for curators: what the server's `linkSuggestions` finds
// missing from a document — terms and organisations its text names without
// a link (matched by the search's French or English analysis, so plurals
// and elisions count), and notes mentioning the same terms — each accepted
// with one click (`acceptLinkSuggestion`, which the server allows only to
// those who may edit the document). Readers who are not curators get
// FORBIDDEN from the server: the panel then removes itself.

import { h, replace, highlight } from './dom.mjs';
import { t } from './i18n.mjs';
import { gql } from './api.mjs';
import { nodeLink, kindBadge, errorBox } from './ui.mjs';

const SUGGESTIONS = `query LinkSuggestions($id: ID!) {
  linkSuggestions(documentId: $id, first: 12) {
    reason score relation matched fragment
    target { id kind title }
    sharedTerms { id label }
  }
}`;
const ACCEPT = `mutation AcceptLinkSuggestion($id: ID!, $target: ID!, $relation: Relation) {
  acceptLinkSuggestion(documentId: $id, targetId: $target, relation: $relation) { link { relation } }
}`;

/**
 * panel returns the "suggested links" section of document d, filled in
 * once the server answers.
 */
export function panel(d, signal) {
  const body = h('div', {}, h('p', { class: 'muted' }, t('loading')));
  const section = h('section', { class: 'panel suggestions', id: 'suggestions', 'aria-labelledby': 'suggestions-heading' },
    h('h2', { id: 'suggestions-heading' }, t('suggest.title')),
    h('p', { class: 'hint' }, t('suggest.hint')),
    body);
  fill(d, section, body, signal);
  return section;
}

function why(s) {
  if (s.reason === 'SHARES_TERMS') {
    return t('suggest.why.SHARES_TERMS', { terms: s.sharedTerms.map((x) => x.label).join(', ') });
  }
  return t(`suggest.why.${s.reason}`, { hit: s.matched || '' });
}

async function fill(d, section, body, signal) {
  let found;
  try {
    found = (await gql(SUGGESTIONS, { id: d.id }, { signal })).linkSuggestions;
  } catch (err) {
    if (err.kind === 'aborted') return;
    // Not a curator: the suggestions are not theirs to see.
    if (err.kind === 'forbidden') section.remove();
    else replace(body, errorBox(err));
    return;
  }
  if (!found.length) {
    replace(body, h('p', { class: 'muted' }, t('suggest.none')));
    return;
  }
  replace(body, h('ul', { class: 'link-list suggestion-list' }, found.map((s) => {
    const c = s.target;
    const status = h('span', { class: 'suggestion-status', role: 'status' });
    const accept = h('button', {
      type: 'button', class: 'secondary small',
      'aria-label': t('suggest.accept.label', { title: c.title }),
      onclick: async () => {
        accept.disabled = true;
        replace(status, t('suggest.adding'));
        try {
          await gql(ACCEPT, { id: d.id, target: c.id, relation: s.relation });
          accept.remove();
          replace(status, t('suggest.added'));
        } catch (err) {
          accept.disabled = false;
          replace(status, errorBox(err));
        }
      },
    }, t('suggest.accept'));
    return h('li', { 'data-id': c.id, 'data-reason': s.reason },
      kindBadge(c.kind), ' ', nodeLink(c.id, c.title), ' ',
      h('span', { class: 'muted' }, why(s)), ' ',
      accept, ' ', status,
      s.fragment && h('p', { class: 'suggestion-fragment' }, highlight(s.fragment)));
  })));
}
