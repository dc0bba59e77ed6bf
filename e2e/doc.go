// Package e2e holds the end-to-end tests that drive a real browser
// (Debian's Chromium, through playwright-core) against a real
// `maillage serve --demo`. They skip with a reason when Chromium or
// node_modules/playwright-core is missing; .ci/run installs both.
//
// The spec files run in shards side by side ($MAILLAGE_E2E_SHARDS, 2 by
// default), each shard with its own server and data directory; a spec file
// is never split. A new spec file may start with "// e2e-seconds: N" (how
// long its scenarios take) so that the shards stay balanced.
package e2e
