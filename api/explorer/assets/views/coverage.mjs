// Coverage: who is present and who is missing among the authors of a
// search's or a carnet's documents, per standpoint dimension. Each value is
// present (a count rounded to 5, with noise: see docs/privacy.md's "Who is
// present, who is missing") or absent (released as 0); when too few
// authors are counted, every value is suppressed. ?q=…&carnet=<id>

import { h, replace } from '../dom.mjs';
import { t, lang } from '../i18n.mjs';
import { gql } from '../api.mjs';
import { BASE, errorBox, loading, formatNumber, nodeLink } from '../ui.mjs';

const CARNETS = `query CoverageCarnets { carnets(first: 100) { nodes { id title } } }`;

const COVERAGE = `query Coverage($query: String, $filter: SearchFilter, $lang: Lang!) {
  coverage(query: $query, filter: $filter) {
    k
    documentCount
    contributorCount
    minContributors
    tooFewContributors
    dimensions {
      id label(lang: $lang) retired
      undeclaredCount undeclaredSuppressed
      values { id label(lang: $lang) retired status contributors documents }
    }
  }
}`;

const STATE = { PRESENT: 'present', SUPPRESSED: 'suppressed', ABSENT: 'absent' };

/**
 * normalize turns the API's answer (every dimension and value of the
 * taxonomy, in its order, then retired ones) into what the bars show.
 */
export function normalize(cov) {
  return (cov.dimensions || []).map((d) => ({
    id: d.id,
    label: d.label || d.id,
    retired: d.retired,
    undeclared: d.undeclaredCount,
    undeclaredSuppressed: d.undeclaredSuppressed,
    values: d.values.map((v) => ({
      id: v.id,
      label: v.label || v.id,
      retired: v.retired,
      state: STATE[v.status] || 'absent',
      contributors: v.contributors,
      documents: v.documents,
    })),
  }));
}

/**
 * scope reads a search and carnet from the address; scopeForm edits them
 * and goes to `page` (coverage or network) with them.
 */
export function scope(route) {
  const q = (route.params.get('q') || '').trim();
  const carnet = route.params.get('carnet') || '';
  return { q, carnet, filter: carnet ? { carnets: [carnet] } : null };
}

export function scopeQuery({ q, carnet }) {
  const p = new URLSearchParams();
  if (q) p.set('q', q);
  if (carnet) p.set('carnet', carnet);
  return p.toString() ? `?${p}` : '';
}

export function scopeForm(route, ctx, page) {
  const { q, carnet } = scope(route);
  const carnetSel = h('select', { id: 'cov-carnet', name: 'carnet' }, h('option', { value: '' }, t('coverage.allCarnets')));
  const qInput = h('input', { id: 'cov-q', name: 'q', type: 'search', value: q, autocomplete: 'off' });
  const form = h('form', {
    class: 'coverage-form',
    onsubmit: (e) => {
      e.preventDefault();
      ctx.navigate(`${BASE}${page}${scopeQuery({ q: qInput.value.trim(), carnet: carnetSel.value })}`);
    },
  },
  h('div', { class: 'field' }, h('label', { for: 'cov-q' }, t('coverage.query')), qInput),
  h('div', { class: 'field' }, h('label', { for: 'cov-carnet' }, t('coverage.carnet')), carnetSel),
  h('div', { class: 'field' }, h('button', { type: 'submit' }, t('coverage.show'))));
  const carnets = gql(CARNETS, {}, { signal: ctx.signal }).then((d) => d.carnets.nodes).catch(() => []);
  carnets.then((list) => {
    for (const c of list) carnetSel.append(h('option', { value: c.id, selected: c.id === carnet }, c.title));
  });
  const label = carnets.then((list) => {
    const c = list.find((x) => x.id === carnet);
    return [
      q ? t('coverage.scope.query', { q }) : t('coverage.scope.all'),
      c && [' · ', t('coverage.scope.carnet'), ' ', nodeLink(c.id, c.title)],
    ];
  });
  return { form, label };
}

export async function render(root, route, ctx) {
  document.title = `${t('coverage.title')} — ${t('brand')}`;
  const sc = scope(route);
  const out = h('div', { class: 'coverage-results' });
  const { form, label } = scopeForm(route, ctx, 'coverage');
  replace(root, h('h1', {}, t('coverage.title')), h('p', { class: 'hint' }, t('coverage.hint')), form, out);
  replace(out, loading());
  let cov;
  let scopeLabel;
  try {
    [cov, scopeLabel] = await Promise.all([
      gql(COVERAGE, { query: sc.q || null, filter: sc.filter, lang: lang() }, { signal: ctx.signal }).then((d) => d.coverage),
      label,
    ]);
  } catch (err) {
    if (err.kind === 'aborted') throw err;
    replace(out, errorBox(err, { retry: ctx.rerender }));
    return;
  }
  const k = cov.k;
  const dims = normalize(cov);
  const total = Math.max(1, cov.contributorCount);
  replace(out,
    h('p', { class: 'lead', role: 'status' }, scopeLabel, ' — ',
      t('coverage.totals', { docs: formatNumber(cov.documentCount), people: formatNumber(cov.contributorCount), k })),
    h('p', {}, h('a', { href: `${BASE}network${scopeQuery(sc)}` }, t('coverage.network'))),
    legendBox(k),
    cov.tooFewContributors && h('div', { class: 'message', role: 'status' }, h('p', {}, t('coverage.tooFew', { min: cov.minContributors }))),
    cov.contributorCount === 0
      ? h('div', { class: 'message', role: 'status' }, h('p', { class: 'message-title' }, t('coverage.empty')))
      : h('div', { class: 'coverage-grid' }, dims.map((d) => dimensionBlock(d, k, total))));
}

function legendBox(k) {
  return h('ul', { class: 'coverage-legend', 'aria-label': t('legend.title') },
    h('li', {}, h('span', { class: 'swatch present', 'aria-hidden': 'true' }), t('coverage.present')),
    h('li', {}, h('span', { class: 'swatch suppressed', 'aria-hidden': 'true' }), t('coverage.suppressed', { k })),
    h('li', {}, h('span', { class: 'swatch absent', 'aria-hidden': 'true' }), t('coverage.absent')));
}

function dimensionBlock(d, k, total) {
  const counts = { present: 0, suppressed: 0, absent: 0 };
  for (const v of d.values) counts[v.state]++;
  const hid = `dim-${d.id}`;
  return h('section', { class: 'panel coverage-dim', 'aria-labelledby': hid, 'data-dimension': d.id },
    h('h2', { id: hid }, d.label, d.retired && h('span', { class: 'muted' }, ` (${t('coverage.retired')})`)),
    h('p', { class: 'muted' }, t('coverage.dimSummary', { present: counts.present, suppressed: counts.suppressed, absent: counts.absent })),
    h('table', { class: 'cov-bars' },
      h('caption', { class: 'visually-hidden' }, t('coverage.caption', { dim: d.label })),
      h('thead', { class: 'visually-hidden' }, h('tr', {}, h('th', { scope: 'col' }, t('coverage.value')), h('th', { scope: 'col' }, t('coverage.people')))),
      h('tbody', {}, d.values.map((v) => {
        const fill = h('span', { class: 'cov-fill' });
        if (v.state === 'present') fill.style.width = `${Math.max(2, Math.round((100 * v.contributors) / total))}%`;
        if (v.state === 'suppressed') fill.style.width = `${Math.max(2, Math.round((100 * (k - 1)) / total))}%`;
        const text = v.state === 'present'
          ? t('coverage.valueCount', { n: v.contributors, people: formatNumber(v.contributors) })
          : v.state === 'suppressed' ? t('coverage.fewer', { k }) : t('coverage.absentValue');
        return h('tr', { class: `cov-row ${v.state}`, 'data-value': v.id, 'data-state': v.state },
          h('th', { scope: 'row' }, v.label, v.retired && h('span', { class: 'muted' }, ` (${t('coverage.retired')})`)),
          h('td', {}, h('span', { class: 'cov-bar', 'aria-hidden': 'true' }, fill), h('span', { class: 'cov-bar-text' }, text)));
      }))),
    h('p', { class: 'muted undeclared' }, d.undeclaredSuppressed
      ? t('coverage.undeclaredFewer', { k })
      : t('coverage.undeclared', { n: d.undeclared ?? 0, count: formatNumber(d.undeclared ?? 0) })));
}
