package registry_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/registry"
	"github.com/rmadesk/rmadesk/internal/rma"
)

func read(t *testing.T, text string, defaultPolicy string) ([]rma.Unit, *registry.CSV, error) {
	t.Helper()
	c := registry.NewCSV(strings.NewReader(text))
	c.DefaultPolicy = defaultPolicy
	var out []rma.Unit
	for u, err := range c.Units() {
		if err != nil {
			return out, c, err
		}
		out = append(out, u)
	}
	return out, c, nil
}

func TestReadCSV(t *testing.T) {
	units, c, err := read(t, "\ufeffSerial, model ,sold_to,invoice_date,delivered,price,currency\n"+
		"PX-1,TS240,Acme B.V.,2024-03-15,2024-03-18,129.9,eur\n"+
		"\n"+
		"PX-2,TS240,\"Beta, Ltd\",,2024-04-02,,\n", "pixfra")
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 2 {
		t.Fatalf("%d units, want 2", len(units))
	}
	a, b := units[0], units[1]
	if a.Serial != "PX-1" || a.Model != "TS240" || a.SoldTo != "Acme B.V." || a.InvoiceDate != calendar.MustParseDate("2024-03-15") ||
		a.Delivered != calendar.MustParseDate("2024-03-18") || a.Price != (rma.Money{Cents: 12990, Currency: "EUR"}) || a.PolicyID != "pixfra" {
		t.Errorf("first unit %+v", a)
	}
	if b.SoldTo != "Beta, Ltd" || !b.InvoiceDate.IsZero() || b.Price.Cents != 0 {
		t.Errorf("second unit %+v", b)
	}
	if got := c.Field(1, "serial"); got != "line 4, column serial" {
		t.Errorf("Field(1) = %q: the blank line 3 is skipped, the unit is on line 4", got)
	}

	// A spreadsheet saved with semicolons and decimal commas.
	units, _, err = read(t, "serial;price;currency;policy\nDX-1;1.299,00;EUR;dexxon\n", "pixfra")
	if err == nil {
		t.Fatalf("a thousands separator was read as %+v", units)
	}
	units, _, err = read(t, "serial;price;currency;policy\nDX-1;1299,50;EUR;dexxon\n", "pixfra")
	if err != nil || len(units) != 1 || units[0].Price.Cents != 129950 || units[0].PolicyID != "dexxon" {
		t.Errorf("semicolons: %+v, %v", units, err)
	}
}

func TestReadCSVRefuses(t *testing.T) {
	cases := []struct{ name, text, field string }{
		{"empty file", "", "line 1"},
		{"no serial column", "model\nTS240\n", "line 1"},
		{"unknown column", "serial,colour\nPX-1,red\n", "line 1, column 2"},
		{"column twice", "serial,Serial\nPX-1,PX-1\n", "line 1, column 2"},
		{"bad date", "serial,invoice_date\nPX-1,2024-03-15\nPX-2,15/03/2024\n", "line 3, column invoice_date"},
		{"bad price", "serial,price,currency\nPX-1,12.345,EUR\n", "line 2, column price"},
		{"price without currency", "serial,price\nPX-1,12.00\n", "line 2, column currency"},
		{"ragged line", "serial,model\nPX-1,TS240,extra\n", "line 2"},
		{"bare quote", "serial,model\nPX-1,TS\"240\n", "line 2, column 8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := read(t, tc.text, "")
			e, ok := err.(*rma.Error)
			if !ok || e.Code != rma.EINVALID || e.Field != tc.field {
				t.Errorf("error %v, want one on %q", err, tc.field)
			}
		})
	}
}

func TestWriteCSVReadsBack(t *testing.T) {
	var buf bytes.Buffer
	want := slices.Collect(registry.Generated(50, 7))
	if err := registry.WriteCSV(&buf, slices.Values(want)); err != nil {
		t.Fatal(err)
	}
	got, _, err := read(t, buf.String(), "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("read back %d units, first %+v; want %+v", len(got), got[0], want[0])
	}
	if again := slices.Collect(registry.Generated(50, 7)); !slices.Equal(again, want) {
		t.Error("the generator gives other units for the same seed")
	}
}
