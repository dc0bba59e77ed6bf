// The curators' workspace: the moderation queue (resolve a flag: keep or
// hide, with a note) and the health lists of the graph, each row with its
// repair at hand — link an orphan (suggested links or any document found
// by search), file a note in a carnet, write a missing definition, compare
// probable duplicates side by side and link them or hide one.
// /explore/curation?tab=queue|orphans|nocarnet|nodef|dupes[&after=…]

import { h, replace, uid } from '../dom.mjs';
import { t } from '../i18n.mjs';
import { gql } from '../api.mjs';
import { render as markdown } from '../markdown.mjs';
import { nodeLink, kindBadge, errorBox, loading, notice, time, formatNumber } from '../ui.mjs';
import { curationHref, linkAdder, carnetPlacer, mergeChoice, isConflict, docLine, linkChoices, choiceLabel, makeLink } from '../curator.mjs';

const PAGE = 10;

const COUNTS = `query CurationCounts {
  moderationQueue(first: 1) { totalCount }
  orphanDocuments(first: 1) { totalCount }
  notesWithoutCarnet(first: 1) { totalCount }
  termsWithoutDefinition(first: 1) { totalCount }
  probableDuplicates(first: 1) { totalCount }
}`;

const QUEUE = `query ModerationQueue($status: FlagStatus, $document: ID, $first: Int, $after: String) {
  moderationQueue(status: $status, document: $document, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id reason status decision note createdAt resolvedAt
      flagger { id name }
      resolvedBy { id name }
      document { id kind title hidden }
    }
  }
}`;

const RESOLVE = `mutation ResolveFlag($id: ID!, $decision: FlagDecision!, $note: String!) {
  resolveFlag(id: $id, decision: $decision, note: $note) {
    flag { id status decision note document { id hidden } }
  }
}`;

const ORPHANS = `query OrphanDocuments($first: Int, $after: String) {
  orphanDocuments(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id kind title createdAt hidden }
  }
}`;

const ORPHAN_SUGGESTIONS = `query OrphanSuggestions($id: ID!) {
  linkSuggestions(documentId: $id, first: 3) {
    reason relation matched
    target { id kind title }
    sharedTerms { id label }
  }
}`;

const ACCEPT = `mutation CurationAcceptSuggestion($id: ID!, $target: ID!, $relation: Relation) {
  acceptLinkSuggestion(documentId: $id, targetId: $target, relation: $relation) { link { relation } }
}`;

const NO_CARNET = `query NotesWithoutCarnet($first: Int, $after: String) {
  notesWithoutCarnet(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id kind title createdAt hidden }
  }
}`;

const NO_DEFINITION = `query TermsWithoutDefinition($first: Int, $after: String) {
  termsWithoutDefinition(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id kind title summary version definition createdAt hidden }
  }
}`;

const SET_DEFINITION = `mutation SetTermDefinition($id: ID!, $version: Int!, $definition: String!) {
  updateTerm(input: { id: $id, version: $version, definition: $definition }) { term { id version definition } }
}`;

const TERM_NOW = `query TermNow($id: ID!) {
  node(id: $id) { id ... on Term { version definition } }
}`;

const DUPLICATES = `query ProbableDuplicates($first: Int, $after: String) {
  probableDuplicates(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      key kind
      documents { id kind title summary body version hidden updatedAt }
    }
  }
}`;

const SET_HIDDEN = `mutation SetDocumentHidden($id: ID!, $hidden: Boolean!) {
  setDocumentHidden(id: $id, hidden: $hidden) { document { id hidden } }
}`;

const TABS = ['queue', 'orphans', 'nocarnet', 'nodef', 'dupes'];
const COUNT_FIELD = {
  queue: 'moderationQueue', orphans: 'orphanDocuments', nocarnet: 'notesWithoutCarnet', nodef: 'termsWithoutDefinition', dupes: 'probableDuplicates',
};

export async function render(root, route, ctx) {
  const p = route.params;
  const tab = TABS.includes(p.get('tab')) ? p.get('tab') : 'queue';
  document.title = `${t('cur.title')} — ${t('brand')}`;
  const tabList = h('ul', { class: 'cur-tabs' });
  const body = h('div', { class: 'cur-body', id: 'cur-body' }, loading());
  replace(root,
    h('h1', {}, t('cur.title')),
    h('p', { class: 'hint' }, t('cur.hint')),
    h('nav', { 'aria-label': t('cur.tabs') }, tabList),
    body);
  const tabsWith = (counts) => replace(tabList, TABS.map((k) => h('li', {},
    h('a', { href: curationHref(k), 'aria-current': k === tab ? 'page' : null, 'data-tab': k },
      t(`cur.tab.${k}`),
      counts && h('span', { class: 'count' }, ` (${formatNumber(counts[COUNT_FIELD[k]].totalCount)})`)))));
  tabsWith(null);
  let counts;
  try {
    counts = await gql(COUNTS, {}, { signal: ctx.signal });
  } catch (err) {
    if (err.kind === 'aborted') throw err;
    // Refused: the lists are not this reader's, so neither are their tabs.
    const refused = err.kind === 'forbidden' || err.kind === 'signin';
    if (refused) replace(tabList);
    replace(body, errorBox(err, { retry: refused ? null : ctx.rerender }),
      refused && h('p', { class: 'muted', id: 'cur-refused' }, t('cur.refused')));
    return;
  }
  tabsWith(counts);
  const views = { queue: renderQueue, orphans: renderOrphans, nocarnet: renderNoCarnet, nodef: renderNoDefinition, dupes: renderDuplicates };
  await views[tab](body, p, ctx);
}

/** list fetches one page of a connection and shows it, or says why not. */
async function list(body, { query, variables, field, ctx, empty, row, params, tab, extra = {} }) {
  replace(body, loading());
  let conn;
  try {
    conn = (await gql(query, { first: PAGE, ...variables, after: params.get('after') || null }, { signal: ctx.signal }))[field];
  } catch (err) {
    if (err.kind === 'aborted') throw err;
    replace(body, errorBox(err, { retry: ctx.rerender }));
    return null;
  }
  if (!conn.nodes.length) {
    replace(body, notice(empty));
    return conn;
  }
  const pager = h('nav', { class: 'pager', 'aria-label': t('pager.label') },
    params.get('after') && h('a', { class: 'button secondary', href: curationHref(tab, extra) }, t('pager.first')),
    conn.pageInfo.hasNextPage && h('a', { class: 'button secondary', href: curationHref(tab, { ...extra, after: conn.pageInfo.endCursor }), rel: 'next' }, t('pager.next')));
  replace(body,
    h('p', { class: 'muted', role: 'status' }, t('cur.total', { n: conn.totalCount })),
    h('ul', { class: 'cur-list', id: `cur-${tab}` }, conn.nodes.map((n) => h('li', { class: 'cur-item', 'data-id': n.id || n.key }, row(n)))),
    pager);
  return conn;
}

// ---------------------------------------------------------------- moderation queue

function renderQueue(body, params, ctx) {
  const status = params.get('status') === 'RESOLVED' ? 'RESOLVED' : 'OPEN';
  const doc = params.get('document');
  const extra = { status, ...(doc ? { document: doc } : {}) };
  const filters = h('p', { class: 'cur-filters' },
    ['OPEN', 'RESOLVED'].map((s) => [h('a', {
      href: curationHref('queue', { status: s, ...(doc ? { document: doc } : {}) }),
      class: `button ${s === status ? '' : 'secondary'}`, 'aria-current': s === status ? 'true' : null,
    }, t(`cur.status.${s}`)), ' ']),
    doc && h('a', { href: curationHref('queue', { status }) }, t('cur.queue.allDocs')));
  const inner = h('div', {});
  body.replaceChildren(filters, inner);
  return list(inner, {
    query: QUEUE, variables: { status, document: doc }, field: 'moderationQueue', ctx, params, tab: 'queue', extra,
    empty: status === 'OPEN' ? t('cur.queue.empty') : t('cur.queue.emptyResolved'),
    row: flagRow,
  });
}

function flagRow(f) {
  const head = h('p', { class: 'cur-head' },
    f.document ? docLine(f.document, kindBadge) : h('span', { class: 'muted' }, t('cur.queue.gone')));
  const meta = h('p', { class: 'muted' },
    t('cur.queue.by'), ' ', f.flagger ? nodeLink(f.flagger.id, f.flagger.name) : t('cur.queue.someone'), ' · ', time(f.createdAt, true));
  const reason = h('blockquote', { class: 'cur-reason' }, f.reason);
  if (f.status === 'RESOLVED') {
    return [head, meta, reason, resolution(f)];
  }
  const noteId = uid('note');
  const note = h('textarea', { id: noteId, rows: 2, maxlength: 2000 });
  const status = h('div', { role: 'status', class: 'form-status' });
  const act = (decision) => async () => {
    for (const b of buttons) b.disabled = true;
    replace(status, t('cur.saving'));
    try {
      const res = (await gql(RESOLVE, { id: f.id, decision, note: note.value.trim() })).resolveFlag.flag;
      form.replaceWith(resolution({ ...f, ...res, resolvedAt: new Date().toISOString() }));
      replace(status);
      if (res.document && f.document) {
        replace(head, docLine({ ...f.document, hidden: res.document.hidden }, kindBadge));
      }
    } catch (err) {
      for (const b of buttons) b.disabled = false;
      replace(status, isConflict(err) ? h('p', { class: 'form-note' }, t('cur.queue.alreadyResolved')) : errorBox(err));
    }
  };
  const title = f.document?.title || '';
  const buttons = [
    h('button', { type: 'button', class: 'secondary', 'data-decision': 'KEEP', 'aria-label': t('cur.queue.keep.label', { title }), onclick: act('KEEP') }, t('cur.queue.keep')),
    h('button', { type: 'button', class: 'danger', 'data-decision': 'HIDE', 'aria-label': t('cur.queue.hide.label', { title }), onclick: act('HIDE') }, t('cur.queue.hide')),
  ];
  const form = h('div', { class: 'cur-resolve' },
    h('label', { for: noteId }, t('cur.queue.note')),
    note,
    h('p', { class: 'actions' }, buttons));
  return [head, meta, reason, form, status];
}

function resolution(f) {
  return h('p', { class: `cur-resolution decision-${String(f.decision).toLowerCase()}` },
    h('strong', {}, t(`cur.decision.${f.decision}`)),
    f.resolvedBy && [' · ', t('by'), ' ', nodeLink(f.resolvedBy.id, f.resolvedBy.name)],
    f.resolvedAt && [' · ', time(f.resolvedAt, true)],
    f.note && [h('br'), h('span', { class: 'muted' }, t('cur.queue.noteWas')), ' ', f.note]);
}

// ---------------------------------------------------------------- orphans

function renderOrphans(body, params, ctx) {
  return list(body, {
    query: ORPHANS, variables: {}, field: 'orphanDocuments', ctx, params, tab: 'orphans',
    empty: t('cur.orphans.empty'),
    row: (d) => {
      const sugg = h('div', { class: 'cur-suggestions' }, h('p', { class: 'muted' }, t('loading')));
      fillSuggestions(d, sugg, ctx.signal);
      return [
        h('p', { class: 'cur-head' }, docLine(d, kindBadge), ' ', h('span', { class: 'muted' }, '· ', t('cur.created'), ' ', time(d.createdAt))),
        sugg,
        h('details', { class: 'cur-more' }, h('summary', {}, t('cur.orphans.other')), linkAdder(d)),
      ];
    },
  });
}

async function fillSuggestions(d, box, signal) {
  let found;
  try {
    found = (await gql(ORPHAN_SUGGESTIONS, { id: d.id }, { signal })).linkSuggestions;
  } catch (err) {
    if (err.kind === 'aborted') return;
    replace(box, errorBox(err));
    return;
  }
  if (!found.length) {
    replace(box, h('p', { class: 'muted' }, t('cur.orphans.nosuggestion')));
    return;
  }
  replace(box, h('p', { class: 'cur-sub' }, t('cur.orphans.suggested')), h('ul', { class: 'link-list suggestion-list' }, found.map((s) => {
    const status = h('span', { class: 'suggestion-status', role: 'status' });
    const btn = h('button', {
      type: 'button', class: 'secondary small', 'aria-label': t('suggest.accept.label', { title: s.target.title }),
      onclick: async () => {
        btn.disabled = true;
        replace(status, t('suggest.adding'));
        try {
          await gql(ACCEPT, { id: d.id, target: s.target.id, relation: s.relation });
          btn.remove();
          replace(status, t('suggest.added'));
        } catch (err) {
          btn.disabled = false;
          replace(status, errorBox(err));
        }
      },
    }, t('suggest.accept'));
    return h('li', { 'data-id': s.target.id }, kindBadge(s.target.kind), ' ', nodeLink(s.target.id, s.target.title), ' ',
      h('span', { class: 'muted' }, `(${t(`relation.${s.relation}`)})`), ' ', btn, ' ', status);
  })));
}

// ---------------------------------------------------------------- notes without carnet

function renderNoCarnet(body, params, ctx) {
  return list(body, {
    query: NO_CARNET, variables: {}, field: 'notesWithoutCarnet', ctx, params, tab: 'nocarnet',
    empty: t('cur.nocarnet.empty'),
    row: (d) => [
      h('p', { class: 'cur-head' }, docLine(d, kindBadge), ' ', h('span', { class: 'muted' }, '· ', t('cur.created'), ' ', time(d.createdAt))),
      carnetPlacer(d),
    ],
  });
}

// ---------------------------------------------------------------- terms without definition

function renderNoDefinition(body, params, ctx) {
  return list(body, {
    query: NO_DEFINITION, variables: {}, field: 'termsWithoutDefinition', ctx, params, tab: 'nodef',
    empty: t('cur.nodef.empty'),
    row: (term) => {
      const id = uid('def');
      const area = h('textarea', { id, rows: 3, 'data-term': term.id });
      const status = h('div', { role: 'status', class: 'form-status' });
      const btn = h('button', { type: 'submit', class: 'secondary' }, t('cur.save'));
      let version = term.version;
      const base = { definition: term.definition || '' };
      const save = async (definition, v) => {
        const res = await gql(SET_DEFINITION, { id: term.id, version: v, definition });
        version = res.updateTerm.term.version;
        replace(status, h('p', { class: 'ok-note' }, t('cur.saved', { v: version })));
      };
      const onConflict = async () => {
        const now = (await gql(TERM_NOW, { id: term.id })).node;
        replace(status, mergeChoice({
          fields: ['definition'], labels: { definition: t('term.definition') },
          base, mine: { definition: area.value }, theirs: { definition: now.definition }, version: now.version,
          onChoose: ({ values, version: v }) => save(values.definition ?? area.value, v).catch(async (err) => {
            if (isConflict(err)) return onConflict();
            throw err;
          }),
          onTakeTheirs: () => {
            area.value = now.definition;
            base.definition = now.definition;
            version = now.version;
            replace(status, h('p', { class: 'muted' }, t('cur.merge.took', { v: now.version })));
          },
        }));
      };
      const form = h('form', {
        class: 'cur-define',
        onsubmit: async (e) => {
          e.preventDefault();
          if (!area.value.trim()) {
            replace(status, h('p', { class: 'form-note' }, t('cur.nodef.emptyText')));
            area.focus();
            return;
          }
          btn.disabled = true;
          replace(status, t('cur.saving'));
          try {
            await save(area.value, version);
          } catch (err) {
            if (isConflict(err)) await onConflict().catch((e2) => replace(status, errorBox(e2)));
            else replace(status, errorBox(err));
          } finally {
            btn.disabled = false;
          }
        },
      },
      h('label', { for: id }, t('cur.nodef.label', { title: term.title })),
      term.summary && h('p', { class: 'hint' }, term.summary),
      area,
      h('p', { class: 'actions' }, btn),
      status);
      return [h('p', { class: 'cur-head' }, docLine(term, kindBadge)), form];
    },
  });
}

// ---------------------------------------------------------------- probable duplicates

function renderDuplicates(body, params, ctx) {
  return list(body, {
    query: DUPLICATES, variables: {}, field: 'probableDuplicates', ctx, params, tab: 'dupes',
    empty: t('cur.dupes.empty'),
    row: (g) => {
      const status = h('div', { role: 'status', class: 'form-status' });
      const [a, b] = g.documents;
      const choice = a && b ? linkChoices(a, b)[0] : null;
      const cols = g.documents.map((d) => {
        const hideStatus = h('span', { role: 'status', class: 'suggestion-status' });
        const hideBtn = h('button', {
          type: 'button', class: 'secondary small', 'aria-label': t('cur.dupes.hide.label', { title: d.title }),
          onclick: async () => {
            hideBtn.disabled = true;
            try {
              await gql(SET_HIDDEN, { id: d.id, hidden: true });
              hideBtn.remove();
              col.classList.add('is-hidden');
              replace(hideStatus, t('cur.dupes.hidden'));
            } catch (err) {
              hideBtn.disabled = false;
              replace(hideStatus, errorBox(err));
            }
          },
        }, t('cur.dupes.hide'));
        const col = h('article', { class: 'dup-col', 'data-id': d.id, 'aria-label': d.title },
          h('h3', {}, nodeLink(d.id, d.title)),
          h('p', { class: 'muted' }, t('doc.version'), ' ', String(d.version), ' · ', t('doc.updated'), ' ', time(d.updatedAt), d.hidden && [' ', h('span', { class: 'badge warn' }, t('doc.hidden'))]),
          d.summary && h('p', { class: 'summary' }, d.summary),
          h('div', { class: 'prose dup-body' }, d.body ? markdown(d.body) : h('p', { class: 'muted' }, t('doc.nobody'))),
          h('p', { class: 'actions' }, !d.hidden && hideBtn, hideStatus));
        return col;
      });
      const linkBtn = choice && h('button', {
        type: 'button', class: 'secondary',
        onclick: async () => {
          linkBtn.disabled = true;
          replace(status, t('cur.saving'));
          try {
            await makeLink(choice);
            linkBtn.remove();
            replace(status, h('p', { class: 'ok-note' }, t('cur.link.added', { label: choiceLabel(choice) })));
          } catch (err) {
            linkBtn.disabled = false;
            replace(status, errorBox(err));
          }
        },
      }, t('cur.dupes.link'));
      return [
        h('p', { class: 'cur-head' }, kindBadge(g.kind), ' ', h('strong', {}, t('cur.dupes.key', { key: g.key })), ' ',
          h('span', { class: 'muted' }, t('cur.dupes.count', { n: g.documents.length }))),
        h('div', { class: 'dup-cols' }, cols),
        h('p', { class: 'actions' }, linkBtn || h('span', { class: 'muted' }, t('cur.dupes.nolink'))),
        status,
      ];
    },
  });
}
