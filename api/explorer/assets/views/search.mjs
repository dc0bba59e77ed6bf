// Search: results as you type, highlighted fragments, facets with counts
// (standpoints per dimension), cursor pagination. The address holds the
// whole state: ?q=…&kind=NOTE&sp=gender:woman&sort=newest&after=…, so a
// search can be shared and the back button walks through it.

import { h, replace, highlight, debounce, uid } from '../dom.mjs';
import { t, pick, lang } from '../i18n.mjs';
import { gql, standpointDimensions } from '../api.mjs';
import { playHref } from './media.mjs';
import { BASE, nodeLink, nodeHref, graphHref, kindBadge, kindLabel, languageName, errorBox, notice, loading, formatNumber, time } from '../ui.mjs';

const PAGE = 20;
const FACET_SHOWN = 8;

// Facet field → URL parameter and filter field.
const FACETS = [
  { field: 'kind', param: 'kind', filter: 'kinds' },
  { field: 'language', param: 'lang', filter: 'languages' },
  { field: 'carnet', param: 'carnet', filter: 'carnets' },
  { field: 'community', param: 'community', filter: 'communities' },
  { field: 'term', param: 'term', filter: 'terms' },
  { field: 'organisation', param: 'org', filter: 'organisations' },
  { field: 'standpoint', param: 'sp', filter: 'standpoints' },
];

// Sort: the address's word → the schema's SearchSort. Relevance is the
// default and stays out of the address.
const SORTS = { relevance: 'RELEVANCE', newest: 'UPDATED_DESC', oldest: 'UPDATED_ASC' };

const SEARCH = `query Search($q: String!, $filter: SearchFilter, $sort: SearchSort, $first: Int, $after: String) {
  search(query: $q, filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount
    edges {
      cursor
      highlights { field fragments }
      mediaMatches { at cue { start text } media { id title format } }
      node {
        id kind title summary language updatedAt publishedAt
        authors { id name }
        carnets { carnet { id title } category }
      }
    }
    facets { field buckets { value label count } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const RECENT = `query Recent {
  documents(first: 10, orderBy: { field: UPDATED_AT, direction: DESC }) {
    totalCount
    nodes { id kind title summary updatedAt authors { id name } }
  }
  carnets(first: 20) { totalCount nodes { id title description documents(first: 1) { totalCount } } }
}`;

/** state reads the search from the address. */
function stateFrom(params) {
  const sort = params.get('sort');
  const s = { q: (params.get('q') || '').trim(), after: params.get('after') || null, sort: SORTS[sort] ? sort : 'relevance', sel: {} };
  for (const f of FACETS) s.sel[f.field] = params.getAll(f.param).filter(Boolean);
  return s;
}

function urlFor(s) {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  for (const f of FACETS) for (const v of s.sel[f.field] || []) p.append(f.param, v);
  if (s.sort && s.sort !== 'relevance') p.set('sort', s.sort);
  if (s.after) p.set('after', s.after);
  const qs = p.toString();
  return BASE + (qs ? `?${qs}` : '');
}

function filterFrom(s) {
  const filter = {};
  for (const f of FACETS) {
    const vals = s.sel[f.field];
    if (!vals.length) continue;
    if (f.field === 'standpoint') {
      filter.standpoints = vals.map((v) => {
        const i = v.indexOf(':');
        return { dimension: v.slice(0, i), value: v.slice(i + 1) };
      }).filter((x) => x.dimension && x.value);
    } else {
      filter[f.filter] = vals;
    }
  }
  return Object.keys(filter).length ? filter : null;
}

let ui = null; // the elements of the page while it is shown

export async function render(root, route, ctx) {
  const input = h('input', {
    id: 'q', type: 'search', name: 'q', autocomplete: 'off', spellcheck: 'false',
    placeholder: t('search.placeholder'), 'aria-describedby': 'q-hint', enterkeyhint: 'search',
  });
  const status = h('p', { id: 'search-status', class: 'search-status', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
  const facets = h('div', { class: 'facets-body' });
  const facetsBox = h('details', { class: 'facets', open: !window.matchMedia('(max-width: 48rem)').matches },
    h('summary', {}, h('h2', {}, t('facets.title'))), facets);
  const results = h('div', { class: 'results', id: 'results' });
  const chips = h('div', { class: 'chips', id: 'active-filters' });
  const pager = h('nav', { class: 'pager', 'aria-label': t('pager.label') });
  // A new order starts from its first page: a cursor belongs to one order.
  const sortSelect = h('select', {
    id: 'sort', name: 'sort',
    onchange: () => {
      const next = stateFrom(new URL(location.href).searchParams);
      next.sort = sortSelect.value;
      next.after = null;
      next.q = input.value.trim() || next.q;
      ctx.navigate(urlFor(next), { state: { typing: false, trail: [] } });
    },
  }, Object.keys(SORTS).map((k) => h('option', { value: k }, t(`sort.${k}`))));
  const sortBox = h('div', { class: 'sort-box' }, h('label', { for: 'sort' }, t('sort.label')), ' ', sortSelect);
  const intro = h('div', { class: 'intro' });
  ui = { root, input, status, sortBox, sortSelect, chips, facets, facetsBox, results, pager, intro, ctx, seq: 0, controller: null, typing: false };

  const typed = debounce(() => {
    const s = stateFrom(new URL(location.href).searchParams);
    s.q = input.value.trim();
    s.after = null;
    // One history entry per burst of typing, not per keystroke.
    const st = history.state;
    const rep = !!(st && st.typing);
    ui.fromInput = true;
    ctx.navigate(urlFor(s), { replace: rep, state: { typing: true, trail: [] } });
  }, 250);
  input.addEventListener('input', typed);

  const form = h('form', {
    role: 'search', class: 'search-form', 'aria-label': t('search.label'),
    onsubmit: (e) => {
      e.preventDefault();
      typed.cancel();
      const s = stateFrom(new URL(location.href).searchParams);
      s.q = input.value.trim();
      s.after = null;
      ui.fromInput = true;
      ctx.navigate(urlFor(s), { state: { typing: false, trail: [] } });
    },
  },
  h('label', { for: 'q' }, t('search.label')),
  h('div', { class: 'search-row' }, input, h('button', { type: 'submit' }, t('search.button'))),
  h('p', { id: 'q-hint', class: 'hint' }, t('search.hint')));

  replace(root,
    h('h1', { class: 'visually-hidden-heading' }, t('search.title')),
    form,
    intro,
    h('div', { class: 'search-layout' },
      h('aside', { 'aria-label': t('facets.title') }, facetsBox),
      h('section', { 'aria-labelledby': 'results-heading' },
        h('h2', { id: 'results-heading', class: 'visually-hidden' }, t('results.title')),
        h('div', { class: 'results-bar' }, status, sortBox), chips, results, pager)));
  const s = stateFrom(route.params);
  input.value = s.q;
  ctx.keepFocus = !!s.q;
  if (s.q) input.focus();
  await run(route, ctx);
}

export function update(route, ctx) {
  if (!ui) return;
  const s = stateFrom(route.params);
  // Keep what is being typed; follow the address otherwise (back button).
  if (!ui.fromInput && ui.input.value.trim() !== s.q) ui.input.value = s.q;
  ui.fromInput = false;
  run(route, ctx);
}

async function run(route, ctx) {
  if (!ui) return;
  const s = stateFrom(route.params);
  const seq = ++ui.seq;
  if (ui.controller) ui.controller.abort();
  const controller = new AbortController();
  ui.controller = controller;
  ctx.signal?.addEventListener('abort', () => controller.abort());
  document.title = s.q ? `${s.q} — ${t('brand')}` : t('brand');
  ui.sortSelect.value = s.sort;
  ui.sortBox.hidden = !s.q;
  if (!s.q) {
    ui.facetsBox.hidden = true;
    replace(ui.status);
    replace(ui.chips);
    replace(ui.pager);
    replace(ui.results);
    await renderIntro(controller.signal, seq);
    return;
  }
  replace(ui.intro);
  ui.facetsBox.hidden = false;
  ui.results.setAttribute('aria-busy', 'true');
  if (!ui.results.childElementCount) replace(ui.results, loading());
  let data;
  let dims = [];
  try {
    [data, dims] = await Promise.all([
      gql(SEARCH, { q: s.q, filter: filterFrom(s), sort: SORTS[s.sort], first: PAGE, after: s.after }, { signal: controller.signal }),
      standpointDimensions().catch(() => []),
    ]);
  } catch (err) {
    if (err.kind === 'aborted' || seq !== ui.seq) return;
    ui.results.removeAttribute('aria-busy');
    replace(ui.status);
    replace(ui.chips);
    replace(ui.pager);
    replace(ui.facets);
    replace(ui.results, errorBox(err, { retry: () => run(route, ctx) }));
    return;
  }
  if (seq !== ui.seq) return;
  ui.results.removeAttribute('aria-busy');
  const res = data.search;
  renderFacets(res.facets, s, dims, ctx);
  const trail = (history.state && history.state.trail) || (s.after ? null : []);
  const from = trail ? trail.length * PAGE + 1 : null;
  if (res.totalCount === 0) {
    replace(ui.status, t('results.count', { n: 0 }));
    replace(ui.results, notice(t('results.none.title', { q: s.q }), filterFrom(s) ? t('results.none.filtered') : t('results.none.detail')));
    replace(ui.pager);
    return;
  }
  const count = t('results.count', { n: res.totalCount, count: formatNumber(res.totalCount) });
  const range = from && res.edges.length ? t('results.range', { from: formatNumber(from), to: formatNumber(from + res.edges.length - 1) }) : '';
  replace(ui.status, range ? `${count} · ${range}` : count);
  const byDate = s.sort !== 'relevance';
  replace(ui.results, h('ol', { class: 'result-list', start: from || 1 }, res.edges.map((e) => resultItem(e, byDate))));
  renderPager(s, res.pageInfo, trail, ctx);
  if (ui.focusResults) {
    ui.focusResults = false;
    ui.status.focus();
    ui.status.scrollIntoView({ block: 'nearest' });
  }
}

/** resultItem shows a hit; sorted by date, the date shown is the one sorted on. */
function resultItem(edge, byDate) {
  const n = edge.node;
  const hl = Object.fromEntries(edge.highlights.map((x) => [x.field, x.fragments]));
  const title = hl.title?.length ? highlight(hl.title[0]) : [n.title];
  const frags = [...(hl.body || []), ...(hl.summary || []), ...(hl.aliases || []), ...(hl.definition || [])]
    .filter((f) => f.includes('<mark>'))
    .slice(0, 2);
  // The server sends fragments as plain text cut at words, the matches in
  // <mark>: nothing to undo here.
  const snippet = frags.length ? frags : [];
  return h('li', { class: 'result' },
    h('div', { class: 'result-head' },
      kindBadge(n.kind),
      h('h3', {}, h('a', { href: nodeHref(n.id) }, title))),
    snippet.length
      ? snippet.map((f) => h('p', { class: 'fragment' }, highlight(f)))
      : !edge.mediaMatches?.length && n.summary && h('p', { class: 'fragment' }, n.summary),
    mediaMatches(n, edge.mediaMatches || []),
    h('p', { class: 'result-meta' },
      n.authors.length > 0 && h('span', {}, t('by'), ' ', n.authors.map((a, i) => [i ? ', ' : '', a.name])),
      n.carnets.length > 0 && h('span', {}, t('in'), ' ', n.carnets.map((c, i) => [i ? ', ' : '', c.carnet.title])),
      byDate
        ? h('span', { class: 'result-updated' }, t('sort.updatedOn'), ' ', time(n.updatedAt))
        : h('span', {}, time(n.publishedAt || n.updatedAt)),
      h('a', { href: graphHref(n.id), class: 'graph-link', 'aria-label': t('graph.open.label', { title: n.title }) }, t('graph.open'))));
}

/**
 * mediaMatches says where in a hit's media the words were found: a
 * recording's cue is a link that opens the note and plays from its time
 * ("à 12:34"); words in a media's title, alt text or description name it.
 */
function mediaMatches(n, matches) {
  if (!matches.length) return null;
  return h('ul', { class: 'media-matches' }, matches.map((m) => {
    const title = m.media.title || t(`media.format.${m.media.format}`);
    if (!m.cue) {
      return h('li', {}, h('a', { href: `${nodeHref(n.id)}?${new URLSearchParams({ media: m.media.id })}` }, t('media.match.in', { title })));
    }
    return h('li', {},
      // The link's name is its text (what it says is what a voice
      // command names): the time, then the media.
      h('a', { href: playHref(nodeHref(n.id), m.media.id, m.cue.start), class: 'play-at' },
        h('span', { 'aria-hidden': 'true' }, '▶ '), h('span', { class: 'at' }, t('media.playAt', { at: m.at })), ' ', t('media.match.in', { title })),
      ' ', h('q', { class: 'cue-text' }, m.cue.text));
  }));
}

function facetLabel(field, bucket, dims) {
  switch (field) {
    case 'kind':
      return kindLabel(bucket.value);
    case 'language':
      return languageName(bucket.value);
    case 'standpoint': {
      const [d, v] = splitStandpoint(bucket.value);
      const dim = dims.find((x) => x.id === d);
      const val = dim?.values.find((x) => x.id === v);
      return val ? pick(val.labels) : bucket.label || bucket.value;
    }
    default:
      return bucket.label || bucket.value;
  }
}

function splitStandpoint(value) {
  const i = value.indexOf(':');
  return i < 0 ? [value, ''] : [value.slice(0, i), value.slice(i + 1)];
}

function renderFacets(facets, s, dims, ctx) {
  const byField = Object.fromEntries(facets.map((f) => [f.field, f.buckets]));
  const toggle = (field, value, on) => {
    const next = stateFrom(new URL(location.href).searchParams);
    const set = new Set(next.sel[field]);
    if (on) set.add(value);
    else set.delete(value);
    next.sel[field] = [...set];
    next.after = null;
    next.q = ui.input.value.trim() || next.q;
    ctx.navigate(urlFor(next), { state: { typing: false, trail: [] } });
  };
  const groups = [];
  for (const f of FACETS) {
    if (f.field === 'standpoint') continue;
    const buckets = withSelected(byField[f.field] || [], s.sel[f.field]);
    if (!buckets.length) continue;
    groups.push(facetGroup(f.field, t(`facet.${f.field}`), buckets, s.sel[f.field], dims, toggle));
  }
  // Standpoints: one group per dimension, in the taxonomy's order.
  const sp = withSelected(byField.standpoint || [], s.sel.standpoint);
  if (sp.length) {
    const perDim = new Map();
    for (const b of sp) {
      const [d] = splitStandpoint(b.value);
      if (!perDim.has(d)) perDim.set(d, []);
      perDim.get(d).push(b);
    }
    const order = dims.map((d) => d.id);
    const dimIds = [...perDim.keys()].sort((a, b) => (order.indexOf(a) + 1 || 999) - (order.indexOf(b) + 1 || 999));
    const spGroups = dimIds.map((d) => {
      const dim = dims.find((x) => x.id === d);
      const legend = dim ? pick(dim.labels) : (perDim.get(d)[0].label || d).split(' : ')[0];
      return facetGroup('standpoint', legend, perDim.get(d), s.sel.standpoint, dims, toggle, d);
    });
    groups.push(h('section', { class: 'facet-standpoints', 'aria-labelledby': 'sp-heading' },
      h('h3', { id: 'sp-heading' }, t('facet.standpoint')),
      h('p', { class: 'hint' }, t('facet.standpoint.hint')),
      spGroups));
  }
  const anySel = FACETS.some((f) => s.sel[f.field].length);
  renderChips(s, byField, dims, toggle, ctx);
  replace(ui.facets,
    anySel && h('p', {}, h('button', {
      type: 'button', class: 'link-button',
      onclick: () => clearFilters(ctx),
    }, t('facets.clear'))),
    groups.length ? groups : h('p', { class: 'muted' }, t('facets.none')));
}

/** clearFilters drops every facet filter of the current search, from its first page. */
function clearFilters(ctx) {
  const next = stateFrom(new URL(location.href).searchParams);
  for (const f of FACETS) next.sel[f.field] = [];
  next.after = null;
  ctx.navigate(urlFor(next), { state: { typing: false, trail: [] } });
}

/**
 * renderChips shows the active filters above the results, one removable
 * chip each, so that a filter set in a folded facet list (or on a phone,
 * where the filters are closed) is seen and undone in one click.
 */
function renderChips(s, byField, dims, toggle, ctx) {
  const chips = [];
  for (const f of FACETS) {
    for (const value of s.sel[f.field]) {
      const bucket = (byField[f.field] || []).find((b) => b.value === value) || { value, label: null, count: 0 };
      const label = facetLabel(f.field, bucket, dims);
      const group = f.field === 'standpoint'
        ? pick(dims.find((d) => d.id === splitStandpoint(value)[0])?.labels) || t('facet.standpoint')
        : t(`facet.${f.field}`);
      const sep = lang() === 'fr' ? '\u00a0: ' : ': ';
      chips.push(h('li', { class: 'chip', 'data-facet': f.field, 'data-value': value },
        h('span', { class: 'chip-group' }, group, sep),
        h('span', { class: 'chip-label' }, label),
        h('button', {
          type: 'button', class: 'chip-remove', 'aria-label': t('chips.remove', { label: `${group}${sep}${label}` }),
          onclick: () => toggle(f.field, value, false),
        }, '×')));
    }
  }
  if (!chips.length) {
    replace(ui.chips);
    return;
  }
  replace(ui.chips,
    h('h3', { class: 'visually-hidden' }, t('chips.title')),
    h('ul', { class: 'chip-list', 'aria-label': t('chips.title') }, chips,
      chips.length > 1 && h('li', {}, h('button', {
        type: 'button', class: 'link-button chip-clear',
        onclick: () => clearFilters(ctx),
      }, t('facets.clear')))));
}

/** withSelected keeps chosen values in the list even when they count 0 now. */
function withSelected(buckets, selected) {
  const out = [...buckets];
  for (const v of selected) {
    if (!out.some((b) => b.value === v)) out.push({ value: v, label: null, count: 0 });
  }
  return out;
}

const expanded = new Set();

function facetGroup(field, legend, buckets, selected, dims, toggle, key = field) {
  const groupKey = `${field}:${key}`;
  const showAll = expanded.has(groupKey) || buckets.length <= FACET_SHOWN + 2;
  const shown = showAll ? buckets : buckets.filter((b, i) => i < FACET_SHOWN || selected.includes(b.value));
  const list = h('ul', { class: 'facet-list' }, shown.map((b) => {
    const id = uid('f');
    const label = facetLabel(field, b, dims);
    return h('li', {},
      h('input', {
        type: 'checkbox', id, checked: selected.includes(b.value), 'data-facet': field, 'data-value': b.value,
        onchange: (e) => toggle(field, b.value, e.target.checked),
      }),
      h('label', { for: id }, h('span', { class: 'facet-label' }, label), ' ',
        h('span', { class: 'count' }, h('span', { 'aria-hidden': 'true' }, formatNumber(b.count)),
          h('span', { class: 'visually-hidden' }, t('facet.count', { n: b.count, count: formatNumber(b.count) })))));
  }));
  return h('fieldset', { class: `facet facet-${field}`, 'data-field': field, 'data-key': key },
    h('legend', {}, legend),
    list,
    !showAll && h('button', {
      type: 'button', class: 'link-button',
      onclick: (e) => {
        expanded.add(groupKey);
        const fs = e.target.closest('fieldset');
        fs.replaceWith(facetGroup(field, legend, buckets, selected, dims, toggle, key));
      },
    }, t('facets.more', { n: buckets.length })));
}

function renderPager(s, pageInfo, trail, ctx) {
  const items = [];
  if (s.after) {
    if (trail && trail.length) {
      items.push(h('button', {
        type: 'button', class: 'pager-prev',
        onclick: () => {
          ui.focusResults = true;
          const prev = trail[trail.length - 1];
          ctx.navigate(urlFor({ ...s, after: prev }), { state: { typing: false, trail: trail.slice(0, -1) } });
        },
      }, t('pager.prev')));
    } else {
      items.push(h('button', {
        type: 'button', class: 'pager-first',
        onclick: () => ctx.navigate(urlFor({ ...s, after: null }), { state: { typing: false, trail: [] } }),
      }, t('pager.first')));
    }
  }
  if (pageInfo.hasNextPage && pageInfo.endCursor) {
    items.push(h('button', {
      type: 'button', class: 'pager-next',
      onclick: () => {
        ctx.navigate(urlFor({ ...s, after: pageInfo.endCursor }), {
          state: { typing: false, trail: trail ? [...trail, s.after] : null },
        });
        ui.focusResults = true;
      },
    }, t('pager.next')));
  }
  replace(ui.pager, items);
}

async function renderIntro(signal, seq) {
  replace(ui.intro, loading());
  let data;
  try {
    data = await gql(RECENT, {}, { signal });
  } catch (err) {
    if (err.kind === 'aborted' || seq !== ui.seq) return;
    replace(ui.intro, errorBox(err, { retry: () => renderIntro(signal, seq) }));
    return;
  }
  if (seq !== ui.seq) return;
  const docs = data.documents;
  const examples = [1, 2, 3].map((i) => t(`intro.example${i}`));
  replace(ui.intro,
    h('section', { class: 'about', 'aria-labelledby': 'about-heading' },
      h('h2', { id: 'about-heading' }, t('intro.about.title')),
      h('p', {}, t('intro.about')),
      h('div', { class: 'examples' }, h('span', { id: 'examples-label' }, t('intro.examples')),
        h('ul', { class: 'example-list', 'aria-labelledby': 'examples-label' }, examples.map((q) => h('li', {},
          h('a', { class: 'example', href: urlFor({ q, after: null, sort: 'relevance', sel: Object.fromEntries(FACETS.map((f) => [f.field, []])) }) }, q)))))),
    h('p', { class: 'lead' }, t('intro.lead', { n: formatNumber(docs.totalCount) })),
    h('div', { class: 'intro-grid' },
      h('section', { 'aria-labelledby': 'recent-heading' },
        h('h2', { id: 'recent-heading' }, t('intro.recent')),
        docs.nodes.length
          ? h('ul', { class: 'doc-list' }, docs.nodes.map((n) => h('li', {},
            kindBadge(n.kind), ' ', nodeLink(n.id, n.title),
            h('span', { class: 'muted' }, ' · ', time(n.updatedAt)))))
          : notice(t('intro.empty'))),
      h('section', { 'aria-labelledby': 'carnets-heading' },
        h('h2', { id: 'carnets-heading' }, t('intro.carnets')),
        data.carnets.nodes.length
          ? h('ul', { class: 'doc-list' }, data.carnets.nodes.map((c) => h('li', {},
            nodeLink(c.id, c.title),
            h('span', { class: 'muted' }, ' · ', t('docs.count', { n: c.documents.totalCount, count: formatNumber(c.documents.totalCount) })))))
          : h('p', { class: 'muted' }, t('intro.nocarnets')))));
}
