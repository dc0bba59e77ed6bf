// The page of one object: a document (note, term, organisation) with its
// Markdown body, people, places in carnets, links, backlinks and history;
// or a contributor, carnet, community or knowledge base.

import { h, replace } from '../dom.mjs';
import { t, lang } from '../i18n.mjs';
import { gql, getToken } from '../api.mjs';
import { subscribe } from '../live.mjs';
import { panel as suggestions } from '../suggest.mjs';
import { render as markdown } from '../markdown.mjs';
import { documentTools } from '../curator.mjs';
import { discussion } from './discussion.mjs';
import { mediaSection } from './media.mjs';
import { BASE, nodeLink, graphHref, kindBadge, languageName, errorBox, loading, time, formatNumber } from '../ui.mjs';

// Lists show their first 50 entries (written out: the document is sent as
// it is, so that it can be persisted).
const NODE = `query Node($id: ID!, $lang: Lang!) {
  node(id: $id) {
    id
    __typename
    ... on Document {
      kind title summary body language visibility licence hidden
      createdAt updatedAt publishedAt version
      authorships { role contributor { id name } }
      carnets { category position carnet { id title } }
      communities { id name }
      terms { id title }
      organisations { id title }
      revisions(first: 30) { totalCount nodes { version at changed author { id name } } }
    }
    ... on Note {
      links(first: 50) { totalCount nodes { id title } }
      backlinks(first: 50) { totalCount nodes { id title } }
    }
    ... on Term {
      aliases definition
      broader { id title }
      narrower { id title }
      related { id title }
      mentionedBy(first: 50) { totalCount nodes { id kind title } }
    }
    ... on Organisation {
      aliases website region sector
      concernedBy(first: 50) { totalCount nodes { id kind title } }
      affiliates(first: 50) { totalCount nodes { id name } }
    }
    ... on Contributor {
      name bio
      contributorDocs: documents(first: 50) { totalCount nodes { id kind title } }
      memberOf: communities { id name }
      affiliations { id title }
      standpoints { dimension value dimensionLabel(lang: $lang) label(lang: $lang) visibility retired }
    }
    ... on Carnet {
      carnetTitle: title description categories
      carnetDocs: documents(first: 100) { totalCount edges { category position node { id kind title } } }
      carnetCommunities: communities { id name }
      bases { id name }
    }
    ... on Community {
      communityName: name description
      members(first: 50) { totalCount nodes { id name } }
      communityDocs: documents(first: 50) { totalCount nodes { id kind title } }
      communityCarnets: carnets { id title }
    }
    ... on KnowledgeBase {
      baseName: name description
      baseCarnets: carnets { id title }
    }
  }
}`;

const DIFF = `query Diff($id: ID!, $from: Int!, $to: Int!) {
  revisionDiff(id: $id, from: $from, to: $to) {
    minimal
    title { changed lines { op text oldLine newLine } }
    summary { changed lines { op text oldLine newLine } }
    body { changed lines { op text oldLine newLine } }
  }
}`;

// Live updates of the page's document (the server's documentChanged over
// WebSocket). The document itself is not taken from the event: the reader
// chooses when to reload, so that nothing moves under their eyes.
const LIVE = `subscription DocumentLive($id: ID!) {
  documentChanged(id: $id) { kind seq document { id version } }
}`;

function capitalise(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function fieldName(f) {
  const s = t(`field.${f}`);
  return s === `field.${f}` ? f : s;
}

const notFound = () => ({ title: t('node.notfound.title'), detail: t('node.notfound.detail') });

export async function render(root, route, ctx) {
  replace(root, loading());
  let data;
  try {
    data = await gql(NODE, { id: route.id, lang: lang() }, { signal: ctx.signal });
  } catch (err) {
    if (err.kind === 'aborted') throw err;
    // A malformed id is as absent as a hidden one.
    const e = err.kind === 'badinput' ? Object.assign(err, { kind: 'notfound' }) : err;
    document.title = `${t('node.notfound.title')} — ${t('brand')}`;
    replace(root, h('h1', {}, t('node.notfound.heading')), errorBox(e, { retry: ctx.rerender, notFound: notFound() }), backToSearch());
    return;
  }
  const n = data.node;
  if (!n) {
    document.title = `${t('node.notfound.title')} — ${t('brand')}`;
    replace(root, h('h1', {}, t('node.notfound.heading')), errorBox({ kind: 'notfound' }, { notFound: notFound() }), backToSearch());
    return;
  }
  switch (n.__typename) {
    case 'Note':
    case 'Term':
    case 'Organisation':
      return renderDocument(root, n, ctx, route);
    case 'Contributor':
      return renderContributor(root, n);
    case 'Carnet':
      return renderCarnet(root, n);
    case 'Community':
      return renderCommunity(root, n);
    case 'KnowledgeBase':
      return renderBase(root, n);
    default:
      replace(root, h('h1', {}, n.id));
  }
}

function backToSearch() {
  return h('p', {}, h('a', { href: BASE }, t('node.back')));
}

/** section is a titled block of the side column or body; omitted when empty. */
function section(title, content, { id, count } = {}) {
  if (content === null || content === undefined || content === false) return null;
  const hid = id || `s-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return h('section', { class: 'panel', 'aria-labelledby': hid },
    h('h2', { id: hid }, title, count !== undefined && h('span', { class: 'count' }, ' ', formatNumber(count))),
    content);
}

function linkList(items, render, { total, empty } = {}) {
  if (!items || !items.length) return empty ? h('p', { class: 'muted' }, empty) : null;
  return [
    h('ul', { class: 'link-list' }, items.map((x) => h('li', {}, render(x)))),
    total !== undefined && total > items.length && h('p', { class: 'muted' }, t('list.more', { n: formatNumber(total - items.length) })),
  ];
}

function docItem(d) {
  return [d.kind ? [kindBadge(d.kind), ' '] : null, nodeLink(d.id, d.title)];
}

function tools(id) {
  return h('p', { class: 'page-tools' },
    h('a', { href: graphHref(id), class: 'button' }, t('graph.open')),
    ' ',
    h('a', { href: `${BASE}path?from=${encodeURIComponent(id)}`, class: 'button secondary' }, t('path.from')));
}

function renderDocument(root, d, ctx, route) {
  document.title = `${d.title} — ${t('brand')}`;
  const meta = h('dl', { class: 'meta' },
    h('dt', {}, t('doc.kind')), h('dd', {}, kindBadge(d.kind)),
    h('dt', {}, t('doc.language')), h('dd', {}, languageName(d.language)),
    h('dt', {}, t('doc.visibility')), h('dd', {}, t(`visibility.${d.visibility}`), d.hidden && h('span', { class: 'badge warn' }, ' ', t('doc.hidden'))),
    h('dt', {}, t('doc.licence')), h('dd', {}, d.licence || t('doc.licence.none')),
    d.publishedAt && [h('dt', {}, t('doc.published')), h('dd', {}, time(d.publishedAt))],
    h('dt', {}, t('doc.created')), h('dd', {}, time(d.createdAt)),
    h('dt', {}, t('doc.updated')), h('dd', {}, time(d.updatedAt)),
    h('dt', {}, t('doc.version')), h('dd', {}, String(d.version)));

  const authors = d.authorships.length
    ? h('ul', { class: 'link-list' }, d.authorships.map((a) => h('li', {},
      nodeLink(a.contributor.id, a.contributor.name),
      a.role !== 'AUTHOR' && h('span', { class: 'muted' }, ` (${t(`role.${a.role}`)})`))))
    : h('p', { class: 'muted' }, t('doc.noauthors'));

  const carnets = d.carnets.length
    ? h('ul', { class: 'link-list' }, d.carnets.map((c) => h('li', {},
      nodeLink(c.carnet.id, c.carnet.title),
      c.category && h('span', { class: 'muted' }, ` — ${c.category}`))))
    : null;

  const side = [
    section(t('doc.about'), meta, { id: 'about' }),
    section(t('doc.authors'), authors, { id: 'authors' }),
    carnets && section(t('doc.carnets'), carnets, { id: 'carnets' }),
    d.communities.length > 0 && section(t('doc.communities'), linkList(d.communities, (c) => nodeLink(c.id, c.name)), { id: 'communities' }),
    d.terms.length > 0 && section(t('doc.terms'), linkList(d.terms, (x) => nodeLink(x.id, x.title)), { id: 'terms' }),
    d.organisations.length > 0 && section(t('doc.organisations'), linkList(d.organisations, (x) => nodeLink(x.id, x.title)), { id: 'organisations' }),
  ];

  const kindSpecific = [];
  if (d.__typename === 'Note') {
    kindSpecific.push(
      section(t('doc.links'), linkList(d.links.nodes, (x) => nodeLink(x.id, x.title), { total: d.links.totalCount, empty: t('doc.nolinks') }), { id: 'links', count: d.links.totalCount }),
      section(t('doc.backlinks'), linkList(d.backlinks.nodes, (x) => nodeLink(x.id, x.title), { total: d.backlinks.totalCount, empty: t('doc.nobacklinks') }), { id: 'backlinks', count: d.backlinks.totalCount }),
    );
  } else if (d.__typename === 'Term') {
    kindSpecific.push(
      d.broader.length > 0 && section(t('term.broader'), linkList(d.broader, (x) => nodeLink(x.id, x.title)), { id: 'broader' }),
      d.narrower.length > 0 && section(t('term.narrower'), linkList(d.narrower, (x) => nodeLink(x.id, x.title)), { id: 'narrower' }),
      d.related.length > 0 && section(t('term.related'), linkList(d.related, (x) => nodeLink(x.id, x.title)), { id: 'related' }),
      section(t('term.mentionedBy'), linkList(d.mentionedBy.nodes, docItem, { total: d.mentionedBy.totalCount, empty: t('term.nomentions') }), { id: 'backlinks', count: d.mentionedBy.totalCount }),
    );
  } else if (d.__typename === 'Organisation') {
    kindSpecific.push(
      section(t('org.concernedBy'), linkList(d.concernedBy.nodes, docItem, { total: d.concernedBy.totalCount, empty: t('org.noconcerned') }), { id: 'backlinks', count: d.concernedBy.totalCount }),
      d.affiliates.totalCount > 0 && section(t('org.affiliates'), linkList(d.affiliates.nodes, (x) => nodeLink(x.id, x.name), { total: d.affiliates.totalCount }), { id: 'affiliates', count: d.affiliates.totalCount }),
    );
  }

  const facts = [];
  if (d.aliases?.length) facts.push(h('p', { class: 'aliases' }, h('strong', {}, t('doc.aliases')), ' ', d.aliases.join(' · ')));
  if (d.__typename === 'Organisation' && d.website) {
    facts.push(h('p', {}, h('strong', {}, t('org.website')), ' ', h('a', { href: d.website, rel: 'noopener noreferrer nofollow', class: 'external' }, d.website)));
  }
  const body = h('div', { class: 'prose', id: 'body' });
  if (d.__typename === 'Term' && d.definition) {
    body.append(h('h2', {}, t('term.definition')), markdown(d.definition));
    if (d.body && d.body.trim() !== d.definition.trim()) body.append(markdown(d.body));
  } else if (d.body) {
    body.append(markdown(d.body));
  } else {
    body.append(h('p', { class: 'muted' }, t('doc.nobody')));
  }

  // The status region is on the page before anything is said in it, so
  // that screen readers announce what comes later.
  const banner = h('div', { id: 'live-status', class: 'live-banner', role: 'status' });
  follow(banner, d, ctx);

  replace(root,
    banner,
    h('article', { class: 'document', 'aria-labelledby': 'doc-title' },
      h('header', { class: 'doc-header' },
        h('p', { class: 'eyebrow' }, kindBadge(d.kind)),
        h('h1', { id: 'doc-title' }, d.title),
        d.summary && h('p', { class: 'summary' }, d.summary),
        facts,
        tools(d.id),
        getToken() && documentTools(d, ctx.signal)),
      h('div', { class: 'doc-layout' },
        h('div', { class: 'doc-main' }, body, d.__typename === 'Note' && mediaSection(d, route, ctx.signal), getToken() && suggestions(d, ctx.signal), kindSpecific, revisions(d, ctx), discussion(d, ctx.signal)),
        h('aside', { class: 'doc-side', 'aria-label': t('doc.side') }, side))));
}

/** follow shows in banner what happens to document d while the page is open. */
function follow(banner, d, ctx) {
  subscribe({
    query: LIVE,
    operationName: 'DocumentLive',
    variables: { id: d.id },
    getToken,
    signal: ctx.signal,
    onState: (s) => {
      banner.dataset.live = s;
    },
    onNext: (payload) => {
      const ev = payload?.data?.documentChanged;
      if (ev) announce(banner, ev, d, ctx);
    },
    // A refusal (an allow-list, a limit, a token gone) only means the page
    // stays as it is, as it was before live updates.
  });
}

function announce(banner, ev, d, ctx) {
  banner.dataset.kind = ev.kind;
  banner.dataset.seq = ev.seq;
  if (ev.kind === 'UNAVAILABLE' || !ev.document) {
    banner.className = 'live-banner message warn';
    replace(banner, h('p', {}, t('live.unavailable')));
    return;
  }
  if (ev.kind === 'UPDATED' && ev.document.version === d.version) {
    // The text is the version shown: what changed is beside it (a media
    // added or removed), which the media section checks for itself.
    window.dispatchEvent(new CustomEvent('maillage:media-changed', { detail: { id: d.id } }));
    return;
  }
  banner.className = 'live-banner message';
  const text = ev.kind === 'UPDATED'
    ? t('live.changed', { v: ev.document.version })
    : t('live.linked');
  replace(banner, h('p', {}, text, ' ',
    h('button', { type: 'button', class: 'live-reload', onclick: () => ctx.rerender() }, t('live.reload'))));
}

function revisions(d, ctx) {
  const list = h('ol', { class: 'revisions', reversed: true }, d.revisions.nodes.map((r) => {
    const diffBox = h('div', { class: 'diff-box' });
    const older = d.revisions.nodes.find((x) => x.version < r.version);
    const prevVersion = older ? older.version : r.version - 1;
    let open = false;
    const btn = r.version > 1 && h('button', {
      type: 'button', class: 'link-button', 'aria-expanded': 'false',
      onclick: async () => {
        open = !open;
        btn.setAttribute('aria-expanded', String(open));
        btn.textContent = open ? t('rev.hide') : t('rev.show');
        if (!open) {
          replace(diffBox);
          return;
        }
        replace(diffBox, loading());
        try {
          const res = await gql(DIFF, { id: d.id, from: prevVersion, to: r.version }, { signal: ctx.signal });
          replace(diffBox, renderDiff(res.revisionDiff, prevVersion, r.version));
        } catch (err) {
          if (err.kind === 'aborted') return;
          replace(diffBox, errorBox(err));
        }
      },
    }, t('rev.show'));
    return h('li', { value: r.version },
      h('p', {},
        h('strong', {}, t('rev.version', { v: r.version })), ' · ', time(r.at, true),
        r.author && [' · ', t('by'), ' ', nodeLink(r.author.id, r.author.name)],
        r.changed.length > 0 && h('span', { class: 'muted' }, ' · ', t('rev.changed'), ' ', r.changed.map(fieldName).join(', ')),
        btn && [' ', btn]),
      diffBox);
  }));
  return section(t('rev.title'), [
    list,
    d.revisions.totalCount > d.revisions.nodes.length && h('p', { class: 'muted' }, t('list.more', { n: d.revisions.totalCount - d.revisions.nodes.length })),
  ], { id: 'revisions', count: d.revisions.totalCount });
}

/**
 * withContext keeps changed lines and `n` unchanged lines around them; each
 * longer run of unchanged lines becomes one {skipped: count} entry.
 */
function withContext(lines, n) {
  const keep = lines.map((l) => l.op !== 'EQUAL');
  lines.forEach((l, i) => {
    if (l.op === 'EQUAL') return;
    for (let k = Math.max(0, i - n); k <= Math.min(lines.length - 1, i + n); k++) keep[k] = true;
  });
  const out = [];
  let run = 0;
  lines.forEach((l, i) => {
    if (keep[i]) {
      if (run) out.push({ skipped: run });
      run = 0;
      out.push(l);
    } else {
      run++;
    }
  });
  if (run) out.push({ skipped: run });
  return out;
}

export function renderDiff(diff, from, to) {
  const parts = [];
  for (const field of ['title', 'summary', 'body']) {
    const f = diff[field];
    if (!f.changed) continue;
    parts.push(h('h3', {}, capitalise(fieldName(field))));
    parts.push(h('table', { class: 'diff' },
      h('caption', { class: 'visually-hidden' }, t('rev.diffCaption', { field: t(`field.${field}`), from, to })),
      h('thead', { class: 'visually-hidden' }, h('tr', {},
        h('th', { scope: 'col' }, t('rev.old')), h('th', { scope: 'col' }, t('rev.new')), h('th', { scope: 'col' }, t('rev.change')), h('th', { scope: 'col' }, t('rev.text')))),
      h('tbody', {}, withContext(f.lines, 2).map((l) => (l.skipped ? h('tr', { class: 'diff-skip' },
        h('td', { colspan: '4' }, t('rev.skipped', { n: l.skipped }))) : h('tr', { class: `diff-${l.op.toLowerCase()}` },
        h('td', { class: 'ln' }, l.oldLine ?? ''),
        h('td', { class: 'ln' }, l.newLine ?? ''),
        h('td', { class: 'op' }, l.op === 'INSERT' ? h('span', { title: t('rev.inserted') }, '+') : l.op === 'DELETE' ? h('span', { title: t('rev.deleted') }, '−') : ''),
        h('td', { class: 'text' }, l.op === 'INSERT' ? h('ins', {}, l.text) : l.op === 'DELETE' ? h('del', {}, l.text) : l.text)))))));
  }
  if (!parts.length) parts.push(h('p', { class: 'muted' }, t('rev.nochange')));
  if (!diff.minimal) parts.push(h('p', { class: 'muted' }, t('rev.notminimal')));
  return parts;
}

function renderContributor(root, c) {
  document.title = `${c.name} — ${t('brand')}`;
  const pub = c.standpoints.filter((s) => !s.retired);
  replace(root,
    h('article', { class: 'document' },
      h('header', { class: 'doc-header' },
        h('p', { class: 'eyebrow' }, kindBadge('CONTRIBUTOR')),
        h('h1', {}, c.name),
        c.bio && h('p', { class: 'summary' }, c.bio),
        tools(c.id)),
      h('div', { class: 'doc-layout' },
        h('div', { class: 'doc-main' },
          section(t('contrib.documents'), linkList(c.contributorDocs.nodes, docItem, { total: c.contributorDocs.totalCount, empty: t('contrib.nodocs') }), { id: 'documents', count: c.contributorDocs.totalCount })),
        h('aside', { class: 'doc-side', 'aria-label': t('doc.side') },
          section(t('contrib.standpoints'), pub.length
            ? h('dl', { class: 'meta' }, pub.map((s) => [h('dt', {}, s.dimensionLabel || s.dimension), h('dd', {}, s.label || s.value, s.visibility !== 'PUBLIC' && h('span', { class: 'muted' }, ` (${t(`declvis.${s.visibility}`)})`))]))
            : h('p', { class: 'muted' }, t('contrib.nostandpoints')), { id: 'standpoints' }),
          c.memberOf.length > 0 && section(t('doc.communities'), linkList(c.memberOf, (x) => nodeLink(x.id, x.name)), { id: 'communities' }),
          c.affiliations.length > 0 && section(t('contrib.affiliations'), linkList(c.affiliations, (x) => nodeLink(x.id, x.title)), { id: 'affiliations' })))));
}

function renderCarnet(root, c) {
  document.title = `${c.carnetTitle} — ${t('brand')}`;
  const byCat = new Map();
  for (const e of c.carnetDocs.edges) {
    const k = e.category || '';
    if (!byCat.has(k)) byCat.set(k, []);
    byCat.get(k).push(e.node);
  }
  const cats = [...c.categories.filter((x) => byCat.has(x)), ...[...byCat.keys()].filter((k) => !c.categories.includes(k))];
  replace(root,
    h('article', { class: 'document' },
      h('header', { class: 'doc-header' },
        h('p', { class: 'eyebrow' }, kindBadge('CARNET')),
        h('h1', {}, c.carnetTitle),
        c.description && h('div', { class: 'summary prose' }, markdown(c.description)),
        h('p', { class: 'page-tools' },
          h('a', { href: graphHref(c.id), class: 'button' }, t('graph.open')), ' ',
          h('a', { href: `${BASE}coverage?carnet=${encodeURIComponent(c.id)}`, class: 'button secondary' }, t('coverage.open')))),
      h('div', { class: 'doc-layout' },
        h('div', { class: 'doc-main' },
          section(t('carnet.documents'), cats.length
            ? cats.map((k) => [k && h('h3', {}, k), linkList(byCat.get(k), docItem)])
            : h('p', { class: 'muted' }, t('carnet.empty')), { id: 'documents', count: c.carnetDocs.totalCount })),
        h('aside', { class: 'doc-side', 'aria-label': t('doc.side') },
          c.carnetCommunities.length > 0 && section(t('doc.communities'), linkList(c.carnetCommunities, (x) => nodeLink(x.id, x.name)), { id: 'communities' }),
          c.bases.length > 0 && section(t('carnet.bases'), linkList(c.bases, (x) => nodeLink(x.id, x.name)), { id: 'bases' })))));
}

function renderCommunity(root, c) {
  document.title = `${c.communityName} — ${t('brand')}`;
  replace(root,
    h('article', { class: 'document' },
      h('header', { class: 'doc-header' },
        h('p', { class: 'eyebrow' }, kindBadge('COMMUNITY')),
        h('h1', {}, c.communityName),
        c.description && h('div', { class: 'summary prose' }, markdown(c.description)),
        tools(c.id)),
      h('div', { class: 'doc-layout' },
        h('div', { class: 'doc-main' },
          section(t('community.documents'), linkList(c.communityDocs.nodes, docItem, { total: c.communityDocs.totalCount, empty: t('community.nodocs') }), { id: 'documents', count: c.communityDocs.totalCount })),
        h('aside', { class: 'doc-side', 'aria-label': t('doc.side') },
          section(t('community.members'), linkList(c.members.nodes, (x) => nodeLink(x.id, x.name), { total: c.members.totalCount, empty: t('community.nomembers') }), { id: 'members', count: c.members.totalCount }),
          c.communityCarnets.length > 0 && section(t('doc.carnets'), linkList(c.communityCarnets, (x) => nodeLink(x.id, x.title)), { id: 'carnets' })))));
}

function renderBase(root, b) {
  document.title = `${b.baseName} — ${t('brand')}`;
  replace(root,
    h('article', { class: 'document' },
      h('header', { class: 'doc-header' },
        h('p', { class: 'eyebrow' }, kindBadge('KNOWLEDGE_BASE')),
        h('h1', {}, b.baseName),
        b.description && h('div', { class: 'summary prose' }, markdown(b.description)),
        tools(b.id)),
      section(t('doc.carnets'), linkList(b.baseCarnets, (x) => nodeLink(x.id, x.title), { empty: t('carnet.none') }), { id: 'carnets' })));
}
