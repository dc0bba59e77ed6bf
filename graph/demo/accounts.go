package demo

import (
	"slices"

	"github.com/encommun/maillage/graph"
)

// Account is a demo contributor a visitor of `maillage serve --demo` may
// act as, one per role, so that the curator's and the researcher's views
// can be tried without making a token.
type Account struct {
	Role          graph.Role
	ContributorID string
	Name          string
}

// Accounts returns one hand-written demo contributor per role a token may
// carry, in graph.Roles order. The contributor is one whose standpoints
// use all three visibilities, so that signing in as them shows on their
// page what the public does not see; the others are the first of their
// role in demo.json. A role no contributor holds is left out.
func (d *Data) Accounts() []Account {
	var out []Account
	for _, role := range graph.Roles {
		var pick *contribData
		for i := range d.Contributors {
			c := &d.Contributors[i]
			if graph.Role(c.Role) != role {
				continue
			}
			if role != graph.RoleContributor || allVisibilities(c) {
				pick = c
				break
			}
		}
		if pick != nil {
			out = append(out, Account{Role: role, ContributorID: pick.ID, Name: pick.Name})
		}
	}
	return out
}

func allVisibilities(c *contribData) bool {
	var seen []string
	for _, dec := range c.Declarations {
		if !slices.Contains(seen, dec.Visibility) {
			seen = append(seen, dec.Visibility)
		}
	}
	return len(seen) == 3
}

// Counts says how much the demo holds, for the start-up log.
func (d *Data) Counts() (documents, contributors int) {
	return len(d.Notes) + len(d.Terms) + len(d.Organisations), len(d.Contributors)
}
