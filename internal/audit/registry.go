package audit

import (
	"fmt"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// WarrantyCheckChanges are the fields of the public warranty check's
// settings that differ (issue 16): the API and the portal record them
// alike.
func WarrantyCheckChanges(a, b rma.WarrantyCheckSettings) []Change {
	return Diff(
		[3]string{"enabled", fmt.Sprint(a.Enabled), fmt.Sprint(b.Enabled)},
		[3]string{"second_factor", a.SecondFactor, b.SecondFactor},
		[3]string{"reveal_unknown", fmt.Sprint(a.RevealUnknown), fmt.Sprint(b.RevealUnknown)},
		[3]string{"default_policy", a.DefaultPolicy, b.DefaultPolicy},
	)
}
