// Package e2e holds the end-to-end tests that drive a real browser
// (Debian's Chromium, through playwright-core) against a real
// `maillage serve --demo`. They skip with a reason when Chromium or
// node_modules/playwright-core is missing; .ci/run installs both.
package e2e
