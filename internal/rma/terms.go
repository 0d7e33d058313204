package rma

import "github.com/rmadesk/rmadesk/internal/policy"

// EngineClaim is the claim the policy engine decides for a line: the
// line's part number fills product.part_number when the claim gives none,
// since warranty terms may be chosen by part number (issue 14, "*-EU"). The
// stored claim keeps what the requester gave.
func EngineClaim(c policy.Claim, partNumber string) policy.Claim {
	if c.Product.PartNumber == "" {
		c.Product.PartNumber = partNumber
	}
	return c
}
