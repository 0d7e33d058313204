// Package whatif replays history under a draft policy: the claims of past
// RMA lines are decided again by the draft and by the version each was
// decided by, and the report says how many decisions change, how, and what
// the change would have done to the money.
//
// It is domain code: the lines come from a History (the store implements
// it), the policies from internal/policy; it knows no HTTP and no SQL. Its
// memory is bounded whatever the history's size: counts and money are
// summed as the lines stream by, and only the first Options.Detail changed
// lines (and an optional sample) are kept whole.
package whatif

import (
	"context"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
)

// Line is one RMA line of the history, as the desk recorded it.
type Line struct {
	RMAID     int64
	Number    string // the RMA number; "" when never authorized
	LineNo    int
	Requester string // the requester's organisation
	Filed     calendar.Date
	Claim     policy.Claim
	// ClaimJSON, when set, is the claim as stored, not yet decoded: the
	// replay decodes it (policy.ParseStoredClaim) on all its cores, where
	// the store would decode it on the one that reads.
	ClaimJSON []byte
	// Decision is the decision stored with the line. Policy and
	// PolicyVersion are always set; the rest only when the query asked
	// for the stored decisions (Query.Decisions), since decoding them
	// costs twenty times a fresh decision and the replay decides again by
	// the same version anyway.
	Decision policy.Decision
	Money    Money
}

// Money is what the desk recorded for a line, in the line's currency.
type Money struct {
	Currency     string
	Price        int64 // cents a unit: the line's last invoiced price
	Quantity     int
	Charges      int64 // cents the requester was charged on this line
	Credits      int64 // cents credited to the requester
	Refunds      int64 // cents refunded
	Replacements int   // units replaced (a replacement serial recorded)
	Rejected     bool  // the desk rejected the line at authorization
}

// Query selects the history: the lines of the RMAs of one policy filed
// from From to To, both days included (a zero day leaves that end open).
type Query struct {
	PolicyID  string
	From, To  calendar.Date
	Decisions bool // also decode each line's stored decision
}

// History streams past lines. Walk calls fn with one page of lines at a
// time, in the order the RMAs were filed, each RMA's lines in their order;
// the slice is fn's to keep. An error from fn stops the walk and
// is returned.
type History interface {
	WalkPolicyLines(ctx context.Context, q Query, fn func([]Line) error) error
}

// Spanner is a History that can say the first and last day on which the
// RMAs of a query were filed (zero days: none), so that a replay can read
// ranges of days on several connections at once. Each range is walked
// with WalkPolicyLines, concurrently.
type Spanner interface {
	FiledSpan(ctx context.Context, q Query) (first, last calendar.Date, err error)
}
