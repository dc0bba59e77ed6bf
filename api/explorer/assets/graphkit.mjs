// What the graph and path views share: Cytoscape.js (loaded only when a
// graph is shown), colours and shapes per kind of node (Okabe–Ito colours,
// told apart by shape too), colours and dashes per type of link, legends.

import { h } from './dom.mjs';
import { t } from './i18n.mjs';
import { truncate } from './ui.mjs';

export const KINDS = {
  NOTE: { color: '#0072B2', shape: 'ellipse' },
  TERM: { color: '#E69F00', shape: 'diamond' },
  ORGANISATION: { color: '#009E73', shape: 'round-rectangle' },
  CONTRIBUTOR: { color: '#CC79A7', shape: 'triangle' },
  CARNET: { color: '#56B4E9', shape: 'rectangle' },
  COMMUNITY: { color: '#D55E00', shape: 'hexagon' },
  KNOWLEDGE_BASE: { color: '#8a7a00', shape: 'star' },
};

export const RELATIONS = {
  LINKS_TO: { color: '#0072B2', dash: 'solid' },
  MENTIONS: { color: '#B07800', dash: 'solid' },
  CONCERNS: { color: '#007A5A', dash: 'solid' },
  AUTHORED: { color: '#A8508A', dash: 'dashed' },
  IN_CARNET: { color: '#2F8FC4', dash: 'dashed' },
  IN_BASE: { color: '#6b6000', dash: 'dotted' },
  OF_COMMUNITY: { color: '#D55E00', dash: 'dotted' },
  MEMBER_OF: { color: '#D55E00', dash: 'dashed' },
  AFFILIATED_WITH: { color: '#007A5A', dash: 'dotted' },
  BROADER: { color: '#B07800', dash: 'dashed' },
  RELATED: { color: '#B07800', dash: 'dotted' },
  COAUTHORED: { color: '#A8508A', dash: 'solid' },
};

let cyPromise = null;

/** cytoscape loads the vendored library once, on first use. */
export function cytoscape() {
  if (!cyPromise) {
    cyPromise = import('./vendor/cytoscape.esm.min.mjs').then((m) => m.default).catch((err) => {
      cyPromise = null;
      throw err;
    });
  }
  return cyPromise;
}

export function nodeData(n) {
  const k = KINDS[n.kind] || KINDS.NOTE;
  return {
    id: n.id,
    label: n.label,
    short: truncate(n.label, 28),
    kind: n.kind,
    degree: n.degree,
    color: k.color,
    shape: k.shape,
    size: Math.round(18 + Math.min(30, Math.sqrt(n.degree || 0) * 5)),
  };
}

export function edgeData(e) {
  const r = RELATIONS[e.relation] || { color: '#666', dash: 'solid' };
  return {
    id: `${e.relation}|${e.from}|${e.to}`,
    source: e.from,
    target: e.to,
    type: e.relation,
    color: r.color,
    dash: r.dash,
  };
}

export const STYLE = [
  {
    selector: 'node',
    style: {
      'background-color': 'data(color)',
      shape: 'data(shape)',
      width: 'data(size)',
      height: 'data(size)',
      label: 'data(short)',
      'font-size': 11,
      'font-family': 'system-ui, sans-serif',
      color: '#1b1b1b',
      'text-valign': 'bottom',
      'text-margin-y': 4,
      'text-wrap': 'wrap',
      'text-max-width': 140,
      'text-background-color': '#ffffff',
      'text-background-opacity': 0.8,
      'text-background-padding': 2,
      'border-width': 1,
      'border-color': '#ffffff',
    },
  },
  { selector: 'node.root', style: { 'border-width': 4, 'border-color': '#1b1b1b', 'font-weight': 'bold' } },
  { selector: 'node.expanded', style: { 'border-width': 3, 'border-color': '#555555' } },
  { selector: 'node:selected', style: { 'border-width': 5, 'border-color': '#000000', 'overlay-opacity': 0.12 } },
  { selector: 'node.on-path', style: { 'border-width': 4, 'border-color': '#1b1b1b' } },
  {
    selector: 'edge',
    style: {
      width: 1.6,
      'line-color': 'data(color)',
      'line-style': 'data(dash)',
      'target-arrow-color': 'data(color)',
      'target-arrow-shape': 'triangle',
      'arrow-scale': 0.9,
      'curve-style': 'bezier',
      opacity: 0.85,
    },
  },
  { selector: 'edge.faded, node.faded', style: { opacity: 0.25 } },
];

function kindSwatch(kind) {
  const k = KINDS[kind];
  const shapes = {
    ellipse: h('svg:circle', { cx: 9, cy: 9, r: 7 }),
    diamond: h('svg:polygon', { points: '9,1 17,9 9,17 1,9' }),
    'round-rectangle': h('svg:rect', { x: 2, y: 3, width: 14, height: 12, rx: 3 }),
    triangle: h('svg:polygon', { points: '9,1 17,16 1,16' }),
    rectangle: h('svg:rect', { x: 2, y: 3, width: 14, height: 12 }),
    hexagon: h('svg:polygon', { points: '5,2 13,2 17,9 13,16 5,16 1,9' }),
    star: h('svg:polygon', { points: '9,1 11,7 17,7 12,11 14,17 9,13 4,17 6,11 1,7 7,7' }),
  };
  const shape = shapes[k.shape];
  shape.setAttribute('fill', k.color);
  return h('svg:svg', { width: 18, height: 18, viewBox: '0 0 18 18', 'aria-hidden': 'true', focusable: 'false' }, shape);
}

function relationSwatch(type) {
  const r = RELATIONS[type];
  const line = h('svg:line', { x1: 1, y1: 8, x2: 26, y2: 8, stroke: r.color, 'stroke-width': 2.5 });
  if (r.dash === 'dashed') line.setAttribute('stroke-dasharray', '6 3');
  if (r.dash === 'dotted') line.setAttribute('stroke-dasharray', '2 3');
  const head = h('svg:polygon', { points: '26,4 32,8 26,12', fill: r.color });
  return h('svg:svg', { width: 34, height: 16, viewBox: '0 0 34 16', 'aria-hidden': 'true', focusable: 'false' }, line, head);
}

/** legend lists the kinds and link types present in the graph. */
export function legend(kinds, types) {
  return h('div', { class: 'legend' },
    h('h2', {}, t('legend.title')),
    h('div', { class: 'legend-cols' },
      h('div', {},
        h('h3', {}, t('legend.kinds')),
        h('ul', { class: 'legend-list' }, Object.keys(KINDS).filter((k) => kinds.has(k)).map((k) => h('li', { 'data-kind': k }, kindSwatch(k), ' ', t(`kind.${k}`))))),
      h('div', {},
        h('h3', {}, t('legend.relations')),
        h('ul', { class: 'legend-list' }, Object.keys(RELATIONS).filter((r) => types.has(r)).map((r) => h('li', { 'data-relation': r }, relationSwatch(r), ' ', t(`relation.${r}`)))))));
}

/** reducedMotion says whether layouts should jump rather than animate. */
export function reducedMotion() {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}
