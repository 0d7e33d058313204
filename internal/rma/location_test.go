package rma

import "testing"

// TestAddressCheck: an address is refused where a courier would refuse it,
// naming the field.
func TestAddressCheck(t *testing.T) {
	good := Address{Street: "Curieweg 15", Postcode: "2408 BZ", City: "Alphen aan den Rijn", Country: "NL"}
	for _, tc := range []struct {
		name  string
		edit  func(a *Address)
		field string // "" for accepted
	}{
		{"complete", func(a *Address) {}, ""},
		{"trimmed and upper-cased", func(a *Address) { a.Country, a.City = " nl ", " Alphen aan den Rijn " }, ""},
		{"no street", func(a *Address) { a.Street = " " }, "address.street"},
		{"a street without its number", func(a *Address) { a.Street = "Curieweg" }, "address.street"},
		{"no postcode", func(a *Address) { a.Postcode = "" }, "address.postcode"},
		{"no postcode where the country has none", func(a *Address) {
			*a = Address{Street: "8 Finance Street, Central", City: "Hong Kong", Country: "HK"}
		}, ""},
		{"no city", func(a *Address) { a.City = "" }, "address.city"},
		{"no country", func(a *Address) { a.Country = "" }, "address.country"},
		{"not a country", func(a *Address) { a.Country = "UK" }, "address.country"},
		{"two lines in one field", func(a *Address) { a.City = "Alphen\nNL" }, "address.city"},
		{"a phone of words", func(a *Address) { a.Phone = "ring the bell" }, "address.phone"},
		{"a phone as written", func(a *Address) { a.Phone = "+31 (0)172 555-014" }, ""},
		{"a street too long", func(a *Address) { a.Street = "Curieweg 15 " + string(make([]byte, 200)) }, "address.street"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := good
			tc.edit(&a)
			err := a.Check("address")
			switch {
			case tc.field == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.field != "" && err == nil:
				t.Fatalf("accepted %+v, want %s refused", a, tc.field)
			case tc.field != "" && err.(*Error).Field != tc.field:
				t.Fatalf("refused %v, want the field %s", err, tc.field)
			}
		})
	}
}

// TestSamePartNumber: part numbers are compared as people write them.
func TestSamePartNumber(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"1.0.01.08.43501", "1.0.01.08.43501", true},
		{"1.0.01.08.43501", "10010843501", true},
		{"TP-C435-Arc", "tp c435 arc", true},
		{"1.0.01.08.43501", "1.0.01.08.43502", false},
		{"ABC/12", "ABC-13", false},
	} {
		if got := samePartNumber(tc.a, tc.b); got != tc.same {
			t.Errorf("samePartNumber(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}
