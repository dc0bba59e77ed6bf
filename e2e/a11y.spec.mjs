// e2e-seconds: 96 (how long this file's scenarios ran in one browser; e2e/shards_test.go balances shards with it)
// Accessibility: axe-core (pinned in package.json, injected by the test
// only — the product never serves it) runs on every page of the explorer
// and on GraphiQL. A scenario fails on any "serious" or "critical"
// violation; its detail prints the counts by impact so that the issue note
// can quote them.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import { TOKEN, base, explore, gid, assert, scenario, shot, findPath } from './kit.mjs';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const IMPACTS = ['critical', 'serious', 'moderate', 'minor'];
const NOTE = gid('Note', 'note-education-populaire-outils-libres');

/**
 * audit runs axe on the page as it stands (WCAG 2.x A and AA rules plus
 * axe's best practices) and returns its violations with their counts by
 * impact. axe is evaluated through the DevTools protocol, not added as a
 * <script>: the explorer's content security policy refuses inline scripts,
 * and the test must not loosen it.
 */
async function audit(page, { exclude = [] } = {}) {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async (exclude) => {
    const r = await window.axe.run({ exclude: exclude.map((s) => [s]) }, {
      resultTypes: ['violations'],
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}${n.failureSummary ? ` — ${n.failureSummary.split('\n').slice(1, 2).join(' ').trim()}` : ''}`),
    }));
  }, exclude);
  const counts = Object.fromEntries(IMPACTS.map((i) => [i, 0]));
  for (const v of violations) counts[v.impact] = (counts[v.impact] || 0) + v.nodes.length;
  return { violations, counts };
}

/** check audits the page, fails on serious or critical violations, and reports the counts. */
async function check(page, name, opts) {
  const { violations, counts } = await audit(page, opts);
  const grave = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = IMPACTS.map((i) => `${i} ${counts[i]}`).join(', ');
  const rest = violations.filter((v) => !grave.includes(v)).map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`);
  assert(!grave.length, `axe on ${name}: ${summary} — ${grave.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).join('; ')}`).join(' | ')}`);
  return {
    screenshot: await shot(page, `a11y-${name}`),
    detail: `axe ${name}: ${summary}${rest.length ? ` — ${rest.join(', ')}` : ''}`,
    axe: counts,
  };
}

async function withToken(page) {
  if (!TOKEN) return false;
  await page.goto(explore());
  await page.evaluate((tok) => sessionStorage.setItem('maillage.token', tok), TOKEN);
  return true;
}

scenario('a11y-home', async ({ page }) => {
  await page.goto(explore());
  await page.locator('.doc-list li').first().waitFor();
  return check(page, 'home');
});

scenario('a11y-search', async ({ page }) => {
  await page.goto(explore('?q=gouvernance'));
  await page.locator('.result').first().waitFor();
  return check(page, 'search');
});

scenario('a11y-token-panel', async ({ page }) => {
  await page.goto(explore());
  await page.locator('.doc-list li').first().waitFor();
  await page.getByRole('button', { name: 'Jeton' }).click();
  await page.locator('#token-input').waitFor();
  return check(page, 'token-panel');
});

scenario('a11y-document', async ({ page }) => {
  await page.goto(explore(`node/${NOTE}`));
  await page.locator('#body p').first().waitFor();
  return check(page, 'document');
});

// The media of a note (players, transcript, drawing) and, for a curator
// who speaks for a contributor, the upload form; then a search hit that
// says « à 0:04 ».
scenario('a11y-media', async ({ page }) => {
  const curator = process.env.MAILLAGE_E2E_CURATOR_PERSON_TOKEN || '';
  if (curator) {
    await page.goto(explore());
    await page.evaluate((tok) => sessionStorage.setItem('maillage.token', tok), curator);
  }
  await page.goto(explore(`node/${gid('Note', 'note-sortir-du-paradigme-du-texte')}`));
  await page.locator('section#media audio').waitFor();
  await page.locator('section#media img').waitFor();
  if (curator) await page.locator('form#media-upload').waitFor();
  await page.locator('section#media details.transcript summary').click();
  const doc = await check(page, 'media');
  await page.goto(explore('?q=veill%C3%A9e'));
  await page.locator('#results a.play-at').first().waitFor();
  const hit = await check(page, 'media-hit');
  return { ...doc, detail: `${doc.detail}; ${hit.detail}` };
});

scenario('a11y-objects', async ({ page }) => {
  // A contributor's page and a term's page: the other shapes of the object view.
  const details = [];
  for (const [type, id, name] of [['Term', 'term-commun', 'term'], ['Organisation', 'org-reseau-savoirs-libres', 'organisation']]) {
    await page.goto(explore(`node/${gid(type, id)}`));
    await page.locator('h1').first().waitFor();
    await page.locator('.loading').waitFor({ state: 'detached' }).catch(() => {});
    details.push((await check(page, name)).detail);
  }
  return { detail: details.join(' · ') };
});

scenario('a11y-graph', async ({ page }) => {
  await page.goto(explore(`graph/${NOTE}?depth=2`));
  await page.waitForFunction(() => window.__maillageGraph && window.__maillageGraph.nodes().length > 1);
  await page.locator('.node-table table').first().waitFor();
  return check(page, 'graph');
});

scenario('a11y-path', async ({ page }) => {
  await findPath(page, NOTE, 'gouvernance');
  await page.locator('.panel.path, .path-results .message').first().waitFor();
  return check(page, 'path');
});

scenario('a11y-coverage', async ({ page }) => {
  await page.goto(explore('coverage'));
  await page.locator('.coverage-dim, .message').first().waitFor();
  return check(page, 'coverage');
});

scenario('a11y-network', async ({ page }) => {
  if (!(await withToken(page))) return { skipped: 'no curator token given' };
  await page.goto(explore('network'));
  await page.waitForFunction(() => window.__maillageGraph && window.__maillageGraph.nodes().length > 1);
  return check(page, 'network');
});

scenario('a11y-notfound', async ({ page }) => {
  await page.goto(explore('no-such-page'));
  await page.locator('h1').waitFor();
  return check(page, 'notfound');
});

scenario('a11y-phone', async ({ page }) => {
  await page.goto(explore('?q=gouvernance'));
  await page.locator('.result').first().waitFor();
  return check(page, 'phone-search');
}, { viewport: { width: 390, height: 844 } });

scenario('a11y-graphiql', async ({ page }) => {
  await page.goto(`${base}/`);
  await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
  return check(page, 'graphiql');
});
