package graph

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
)

// Observer is told of each transaction a store runs: ctx is the context
// of the store call, op the store method that ran it (its name, such as
// "Document"), took its duration and err what it returned. It is called
// on the caller's goroutine, so it must be quick and safe for concurrent
// use. The server's metrics are one.
type Observer func(ctx context.Context, op string, took time.Duration, err error)

// Observable is implemented by stores that report their transactions: a
// server times the store without a wrapper around it, so the store's
// optional interfaces (TokenWatcher, HotBackuper…) stay in sight.
type Observable interface {
	// Observe adds o to the store's observers, for as long as the store
	// is open.
	Observe(o Observer)
}

// Observers are a store's observers; its zero value has none and costs
// nothing. A store calls Begin at its one transaction entry point and
// End when the transaction is over.
type Observers struct {
	mu   sync.Mutex
	list atomic.Pointer[[]Observer]
	// ops caches the store method of a call stack (opOf).
	ops sync.Map // return address → the store method it is in, or ""
}

// Add adds o.
func (x *Observers) Add(o Observer) {
	x.mu.Lock()
	defer x.mu.Unlock()
	var list []Observer
	if old := x.list.Load(); old != nil {
		list = append(list, *old...)
	}
	list = append(list, o)
	x.list.Store(&list)
}

// Observation is one transaction being observed.
type Observation struct {
	list  []Observer
	op    string
	start time.Time
}

// Begin starts observing a transaction of the store method that runs it:
// the innermost exported method of a type named Store on the call stack
// (a store's methods reach its transaction entry point through helpers
// of their own, which a name given at each call site would have to
// repeat). A transaction that no store method runs is not observed.
func (x *Observers) Begin() Observation { return x.begin("") }

// BeginOp is Begin for a transaction whose store method is op: generic
// methods, which serve several kinds under one name on the stack, name
// their operation per kind themselves. An empty op is Begin's.
func (x *Observers) BeginOp(op string) Observation { return x.begin(op) }

func (x *Observers) begin(op string) Observation {
	list := x.list.Load()
	if list == nil {
		return Observation{}
	}
	if op == "" {
		op = x.opOf()
	}
	if op == "" {
		return Observation{}
	}
	return Observation{list: *list, op: op, start: time.Now()}
}

// End reports the transaction begun by Begin, with its error.
func (o Observation) End(ctx context.Context, err error) {
	if o.list == nil {
		return
	}
	took := time.Since(o.start)
	for _, f := range o.list {
		f(ctx, o.op, took, err)
	}
}

// opDepth is how many callers opOf looks at: a store method is a few
// calls above its transaction entry point.
const opDepth = 16

// opOf returns the store method running Begin's caller, or "". What each
// return address of the stack is known of is kept: call paths are many,
// functions few.
func (x *Observers) opOf() string {
	var pcs [opDepth]uintptr
	n := runtime.Callers(5, pcs[:]) // runtime.Callers, opOf, begin, Begin, the entry point
	for _, pc := range pcs[:n] {
		if op, ok := x.ops.Load(pc); ok {
			if op != "" {
				return op.(string)
			}
			continue
		}
		op := ""
		// One address may stand for several functions, inlined in
		// each other: the innermost store method is the one.
		frames := runtime.CallersFrames([]uintptr{pc})
		for {
			f, more := frames.Next()
			if name, ok := storeMethod(f.Function); ok {
				op = name
				break
			}
			if !more {
				break
			}
		}
		x.ops.Store(pc, op)
		if op != "" {
			return op
		}
	}
	return ""
}

// storeMethod returns the method name of a function named
// "…/pkg.(*Store).Method" or "…/pkg.(*Store).Method.func1" (a closure in
// it), when the method is exported.
func storeMethod(function string) (string, bool) {
	const recv = ".(*Store)."
	i := strings.LastIndex(function, recv)
	if i < 0 {
		return "", false
	}
	name := function[i+len(recv):]
	if j := strings.IndexByte(name, '.'); j >= 0 {
		name = name[:j]
	}
	if name == "" || !unicode.IsUpper(rune(name[0])) {
		return "", false
	}
	return name, true
}
