package bulk

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// read collects the groups of a file.
func read(t testing.TB, file string) ([]*Group, error) {
	var gs []*Group
	err := ReadCSV(strings.NewReader(file), func(g *Group) error {
		gs = append(gs, g)
		return nil
	})
	return gs, err
}

func TestReadCSVGroups(t *testing.T) {
	file := "\uFEFFReference, Policy ,category,model,serial,purchase,documents,quantity,price,currency,kind\n" +
		"PO-1,dexxon,ssd,DX-1,S1,2026-01-10,purchase_receipt;,2,89.90,EUR,\n" +
		"PO-1,,ssd,DX-2,S2,2026-01-11,,1,,,defect\n" +
		"PO-2,plextor,optical,PX-1,S3,2025-12-01,,,,,withdrawal\n"
	gs, err := read(t, file)
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 2 {
		t.Fatalf("%d groups, want 2", len(gs))
	}
	g := gs[0]
	if g.Err != nil || g.Source() != "lines 2-3 (PO-1)" || g.Request.PolicyID != "dexxon" || len(g.Request.Lines) != 2 {
		t.Fatalf("first group: %+v (%v)", g, g.Err)
	}
	l := g.Request.Lines[0]
	if l.Quantity != 2 || l.LastInvoicedPrice != (rma.Money{Cents: 8990, Currency: "EUR"}) || l.Claim.Product.Serial != "S1" ||
		l.Claim.Dates.Purchase.String() != "2026-01-10" || !l.Claim.Documents.Has(policy.PurchaseReceipt) || l.Claim.Documents.Len() != 1 {
		t.Errorf("first line: %+v", l)
	}
	if gs[1].Err != nil || gs[1].Source() != "line 4 (PO-2)" || gs[1].Request.Kind.String() != "withdrawal" {
		t.Errorf("second group: %+v (%v)", gs[1], gs[1].Err)
	}
}

// A bad row refuses its RMA, names the line and the column, and reading
// goes on.
func TestReadCSVBadRows(t *testing.T) {
	head := "reference,policy,category,purchase,quantity,price,currency,kind,fault,conditions,documents,no_substitute\n"
	for _, tc := range []struct{ name, row, want string }{
		{"date", "R,dexxon,ssd,2026-02-30,1,,,,,,,", "line 2: purchase"},
		{"quantity", "R,dexxon,ssd,,two,,,,,,,", "line 2: quantity"},
		{"price without currency", "R,dexxon,ssd,,1,9.99,,,,,,", "line 2: price"},
		{"three decimals", "R,dexxon,ssd,,1,9.999,EUR,,,,,", "line 2: price"},
		{"lower-case currency", "R,dexxon,ssd,,1,9.99,eur,,,,,", "line 2: price"},
		{"kind", "R,dexxon,ssd,,1,,,lost,,,,", "line 2: kind"},
		{"condition", "R,dexxon,ssd,,1,,,,,sunburnt,,", "line 2: conditions"},
		{"document", "R,dexxon,ssd,,1,,,,,,diary,", "line 2: documents"},
		{"no_substitute", "R,dexxon,ssd,,1,,,,,,,maybe", "line 2: no_substitute"},
		{"policy", "R,,ssd,,1,,,,,,,", "line 2: policy"},
		{"category", "R,dexxon,,,1,,,,,,,", "line 2: category"},
		{"control character", "R,dexxon,ssd,,1,,,,dead\x07,,,", "line 2: fault: contains the control character U+0007"},
		{"invalid UTF-8", "R,dexxon,ssd,,1,,,,\xff\xfe,,,", "line 2: fault: not valid UTF-8"},
		{"long cell", "R,dexxon,ssd,,1,,,," + strings.Repeat("x", maxCellBytes+1) + ",,,", "line 2: fault: at most 10000 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gs, err := read(t, head+tc.row+"\nOK,dexxon,ssd,,1,,,,,,,\n")
			if err != nil {
				t.Fatal(err)
			}
			if len(gs) != 2 || gs[0].Err == nil || !strings.Contains(gs[0].Err.Error(), tc.want) {
				t.Fatalf("groups %d, first error %v; want one containing %q", len(gs), gs[0].Err, tc.want)
			}
			if gs[1].Err != nil {
				t.Fatalf("the next RMA was refused too: %v", gs[1].Err)
			}
		})
	}
}

func TestReadCSVTooManyLines(t *testing.T) {
	var b strings.Builder
	b.WriteString("reference,policy,category\n")
	for range rma.MaxLines + 1 {
		b.WriteString("BIG,dexxon,ssd\n")
	}
	gs, err := read(t, b.String())
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 1 || gs[0].Err == nil || !strings.Contains(gs[0].Err.Error(), "at most 200 lines") || len(gs[0].Request.Lines) != rma.MaxLines {
		t.Fatalf("%d groups, error %v, %d lines kept", len(gs), gs[0].Err, len(gs[0].Request.Lines))
	}
}

// A file whose structure is wrong stops the read.
func TestReadCSVBadFile(t *testing.T) {
	for _, tc := range []struct{ name, file, want string }{
		{"empty", "", "empty file"},
		{"unknown column", "reference,policy,category,colour\n", `unknown column "colour"`},
		{"missing column", "reference,category\n", `column "policy" is required`},
		{"twice", "reference,policy,category,Policy\n", `column "policy" appears twice`},
		{"reference apart", "reference,policy,category\nA,dexxon,ssd\nB,dexxon,ssd\nA,dexxon,ssd\n", `line 4: reference "A" appears again`},
		{"bare quote", "reference,policy,category\nA,dex\"xon,ssd\n", "bare \""},
		{"field count", "reference,policy,category\nA,dexxon\n", "wrong number of fields"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := read(t, tc.file)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v; want one containing %q", err, tc.want)
			}
		})
	}
}

// The callback's error stops the read and is returned as it is.
func TestReadCSVStopsOnCallbackError(t *testing.T) {
	stop := errors.New("stop")
	calls := 0
	err := ReadCSV(strings.NewReader("reference,policy,category\nA,dexxon,ssd\nB,dexxon,ssd\n"), func(*Group) error {
		calls++
		return stop
	})
	if err != stop || calls != 1 {
		t.Fatalf("error %v after %d calls", err, calls)
	}
}

// FuzzCSV: any file is read without a panic; every group it yields is
// either refused or holds a submission made only of text the desk keeps,
// and groups come in file order.
func FuzzCSV(f *testing.F) {
	f.Add("reference,policy,category,purchase,price,currency\nA,dexxon,ssd,2026-01-10,89.90,EUR\nA,,ssd,,,\n")
	f.Add("\uFEFFreference,policy,category,conditions,documents,kind,no_substitute\nB,pixfra,camera,wet;dropped,photo_label;purchase_receipt,doa,true\n")
	f.Add("reference,policy,category,fault\n\"C\",\"dexxon\",\"ssd\",\"two\nlines, and a \"\"quote\"\"\"\n")
	f.Add("reference,policy,category,quantity\nD,dexxon,ssd,-1\nE,dexxon,ssd,99999999999999999999\n")
	f.Fuzz(func(t *testing.T, file string) {
		last := 0
		_ = ReadCSV(strings.NewReader(file), func(g *Group) error {
			if g.FirstRow <= last || g.LastRow < g.FirstRow {
				t.Fatalf("group %s after line %d", g.Source(), last)
			}
			last = g.LastRow
			if g.Err != nil {
				return nil
			}
			req := g.Request
			if req.Reference == "" || req.Reference != g.Reference || req.PolicyID == "" || len(req.Lines) == 0 || len(req.Lines) > rma.MaxLines {
				t.Fatalf("accepted group %s: %+v", g.Source(), req)
			}
			for _, s := range []string{req.Reference, req.PolicyID} {
				if !utf8.ValidString(s) || rma.CheckText("x", s, maxCellBytes) != nil {
					t.Fatalf("accepted text %q", s)
				}
			}
			for _, l := range req.Lines {
				for _, s := range []string{l.Fault, l.Claim.Product.Category, l.Claim.Product.Model, l.Claim.Product.Serial, l.Claim.Product.Part} {
					if rma.CheckText("x", s, maxCellBytes) != nil {
						t.Fatalf("accepted text %q", s)
					}
				}
				if l.LastInvoicedPrice.Cents < 0 {
					t.Fatalf("accepted a negative price %+v", l.LastInvoicedPrice)
				}
			}
			return nil
		})
	})
}
