package report

import "github.com/rmadesk/rmadesk/internal/rma"

// The kinds of money a report tells apart, each an amount the desk paid
// out or took in, in cents, positive.
const (
	MoneyCredit         = "credit"          // credited to requesters
	MoneyRefund         = "refund"          // refunded to requesters
	MoneyReplacement    = "replacement"     // units replaced, valued at the line's last invoiced price
	MoneyCharge         = "charge"          // charged to requesters: fees, transport, deductions, advance units not returned
	MoneyRecovery       = "recovery"        // credited to the desk by its suppliers
	MoneySupplierCharge = "supplier_charge" // charged to the desk by its suppliers
)

// MoneyKinds lists them in the order a report shows them.
var MoneyKinds = []string{MoneyCredit, MoneyRefund, MoneyReplacement, MoneyCharge, MoneyRecovery, MoneySupplierCharge}

// MoneyKindOf is the kind of money a ledger entry of kind and amount
// (negative: owed to the requester) is, with its amount as that kind
// counts it; "" for an entry that is no one's cost: an advance
// replacement's deposit is held and given back (its release), and what
// is not given back is invoiced as its own entry.
func MoneyKindOf(kind string, cents int64) (string, int64) {
	switch kind {
	case rma.ChargeAdvanceDeposit, rma.ChargeAdvanceRelease:
		return "", 0
	case "credit":
		return MoneyCredit, -cents
	case "refund":
		return MoneyRefund, -cents
	}
	if cents < 0 {
		return MoneyCredit, -cents // any other entry owed to the requester
	}
	return MoneyCharge, cents
}

// Deadline statuses in a deadline cell's item.
const (
	DeadlineOnTime = "on_time"
	DeadlineLate   = "late"
	deadlineOpen   = "open:" // followed by the due day
)
