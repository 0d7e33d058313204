package audit

import (
	"context"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// The actions of the organisations, service locations, job queue and
// settings pages (issue 15).
const (
	OrgCreate      = "org.create"
	OrgUpdate      = "org.update"   // name, role, country, email
	OrgAddress     = "org.address"  // its postal address
	OrgLanguage    = "org.language" // the language of its emails
	OrgStanding    = "org.standing"
	OrgPolicy      = "org.policy" // the pack a supplier applies
	LocationCreate = "location.create"
	LocationUpdate = "location.update"
	JobRetry       = "job.retry"
	MailTest       = "mail.test" // a test mail sent through the relay
)

// More kinds of target.
const (
	TargetLocation = "location"
	TargetJob      = "job"
	TargetMail     = "mail"
)

// RecordWith is Record for a store that may keep no log (a test's fake):
// with one, the change and its entry are kept together; without, only the
// change is made.
func RecordWith(ctx context.Context, st any, e Entry, change func(ctx context.Context) error) error {
	as, ok := st.(Store)
	if !ok {
		if change == nil {
			return nil
		}
		return change(ctx)
	}
	return Record(ctx, as, &e, change)
}

// Diff lists the fields whose text differs, as changes.
func Diff(fields ...[3]string) []Change {
	var out []Change
	for _, f := range fields {
		if f[1] != f[2] {
			out = append(out, Change{Field: f[0], From: f[1], To: f[2]})
		}
	}
	return out
}

// AddressDiff lists the fields of a postal address that changed, each
// under prefix ("address.street").
func AddressDiff(prefix string, from, to rma.Address) []Change {
	return Diff([3]string{prefix + ".street", from.Street, to.Street}, [3]string{prefix + ".postcode", from.Postcode, to.Postcode},
		[3]string{prefix + ".city", from.City, to.City}, [3]string{prefix + ".region", from.Region, to.Region},
		[3]string{prefix + ".country", from.Country, to.Country}, [3]string{prefix + ".contact", from.Contact, to.Contact},
		[3]string{prefix + ".phone", from.Phone, to.Phone}, [3]string{prefix + ".note", from.Note, to.Note})
}
