// Package rma is the desk: RMAs and their lines, the one state machine they
// move through, RMA numbers, charges, deadlines and the event history. Its
// Service methods are the use cases (Submit, Authorize, Receive, Evaluate,
// Resolve...); they decide with internal/policy and persist through the
// Store interface defined here, which internal/store/* implement.
//
// The package knows nothing of HTTP or SQL. Every change of state is one
// call to Store.SaveRMA, which writes the new state, the event and whatever
// the change created (numbers, charges, deadlines) in one transaction.
package rma
