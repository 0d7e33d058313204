package registry

import (
	"fmt"
	"iter"
	"math/rand/v2"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Generated is a synthetic installed base for the load tool: n units of
// a few dozen models sold to a few hundred partners over five years, the
// same for the same seed. Serials are GenSerial(i).
func Generated(n int, seed uint64) iter.Seq[rma.Unit] {
	return func(yield func(rma.Unit) bool) {
		rnd := rand.New(rand.NewPCG(seed, 16))
		first := calendar.MustParseDate("2021-01-01")
		models := make([]string, 40)
		for i := range models {
			models[i] = fmt.Sprintf("TC%03d", 100+i*7)
		}
		categories := []string{"thermal-camera", "monocular", "ssd", "optical-drive"}
		policies := []string{"pixfra", "dexxon", "plextor"}
		for i := range n {
			m := rnd.IntN(len(models))
			invoice := first.AddDays(rnd.IntN(5 * 365))
			u := rma.Unit{
				Serial:       GenSerial(i),
				PartNumber:   models[m] + "-EU",
				Model:        models[m],
				Category:     categories[m%len(categories)],
				SoldTo:       GenPartner(rnd.IntN(300)),
				InvoiceDate:  invoice,
				InvoiceNo:    fmt.Sprintf("INV-%07d", i/20),
				Delivered:    invoice.AddDays(2 + rnd.IntN(5)),
				Manufactured: invoice.AddDays(-30 - rnd.IntN(120)),
				Price:        rma.Money{Cents: int64(9900 + 100*rnd.IntN(2000)), Currency: "EUR"},
				PolicyID:     policies[m%len(policies)],
			}
			if i%10 == 9 {
				u.InvoiceDate, u.InvoiceNo = 0, "" // delivered from manufacturing, not invoiced
			}
			if !yield(u) {
				return
			}
		}
	}
}

// GenSerial is the i-th generated unit's serial.
func GenSerial(i int) string { return fmt.Sprintf("GX%09d", i) }

// GenPartner is the name of the generator's partner i.
func GenPartner(i int) string { return fmt.Sprintf("Partner %03d B.V.", i) }
