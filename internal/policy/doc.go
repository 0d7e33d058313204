// Package policy owns the return and warranty policy of a vendor as data: the
// YAML format, its loader and linter, and the evaluator that turns one claim
// into an explained decision.
//
// The evaluator is a pure function: no I/O, no clock (the claim carries the
// date it was reported), no HTTP, no SQL. Everything else in rmadesk — the
// desk service, the portal, background jobs — calls it, so it is kept exact
// and fast: a policy is compiled once at load time into lookup tables, and
// Evaluate allocates only the few slices and strings of the decision it returns.
package policy
