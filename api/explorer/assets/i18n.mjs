// Language: French by default, English on request; the choice is kept in
// localStorage. Every string of the interface is in strings.mjs.

import { strings } from './strings.mjs';

const LANG_KEY = 'maillage.lang';
let current = 'fr';
try {
  const saved = localStorage.getItem(LANG_KEY);
  if (saved === 'en' || saved === 'fr') current = saved;
} catch {
  // no storage: French
}

export function lang() {
  return current;
}

export function setLang(l) {
  current = l === 'en' ? 'en' : 'fr';
  try {
    localStorage.setItem(LANG_KEY, current);
  } catch {
    // not kept
  }
  document.documentElement.lang = current;
}

/**
 * t returns the string for key in the current language, with {name}
 * placeholders filled from params; {n} also picks "key" or "key.plural"
 * (French: plural from 2, English: from 2 and for 0).
 */
export function t(key, params = {}) {
  const table = strings[current];
  let k = key;
  if (typeof params.n === 'number') {
    const plural = current === 'fr' ? Math.abs(params.n) >= 2 : Math.abs(params.n) !== 1;
    if (plural && `${key}.plural` in table) k = `${key}.plural`;
  }
  let s = table[k] ?? strings.fr[k] ?? key;
  for (const [name, value] of Object.entries(params)) {
    s = s.split(`{${name}}`).join(String(value));
  }
  return s;
}

/** label picks the current language from a {fr, en} object. */
export function pick(labels) {
  if (!labels) return '';
  return labels[current] || labels.fr || labels.en || '';
}
