package api

import (
	"github.com/encommun/maillage/api/live"
	"github.com/encommun/maillage/api/resolve"
)

// The options of Config that api/resolve and api/live define, under the
// names the commands use: cmd needs to know package api only.

// LiveOptions bound live updates over WebSocket (api/live); zero fields
// take DefaultLiveOptions.
type LiveOptions = live.Options

// DefaultLiveOptions suit browsers behind proxies that cut idle
// connections after a minute or so.
var DefaultLiveOptions = live.DefaultOptions

// CoverageRelease keys the noise of coverage answers and holds each
// viewer's budget of them (Config.Coverage); CoverageOptions configure
// OpenCoverageRelease.
type (
	CoverageRelease = resolve.CoverageRelease
	CoverageOptions = resolve.CoverageOptions
)

// OpenCoverageRelease loads (or creates) the key and the ledger
// (resolve.OpenCoverageRelease).
func OpenCoverageRelease(o CoverageOptions) (*CoverageRelease, error) {
	return resolve.OpenCoverageRelease(o)
}

// DefaultCoverageBudget and DefaultCoverageWindow are the per-viewer
// budget of coverage answers and its window.
const (
	DefaultCoverageBudget = resolve.DefaultCoverageBudget
	DefaultCoverageWindow = resolve.DefaultCoverageWindow
)
