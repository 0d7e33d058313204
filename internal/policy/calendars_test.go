package policy_test

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/policies"
)

// TestCalendarFileDecidesAnUncoveredYear: a Pixfra warranty whose last day
// falls in the 2027 Spring Festival, a year the built-in CN data does not
// cover, goes to a person with calendar_not_covered; once the desk adds a
// calendar file for 2027 (here a fixture shaped like the notice), the same
// claims are decided by it: the last day moves past the holiday block.
func TestCalendarFileDecidesAnUncoveredYear(t *testing.T) {
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	cals, err := calendar.LoadFS(os.DirFS("../calendar/testdata/calendars"))
	if err != nil {
		t.Fatal(err)
	}
	withFile, err := set.WithCalendars(cals)
	if err != nil {
		t.Fatal(err)
	}
	builtin, extended := set.Latest("pixfra"), withFile.Latest("pixfra")

	// 3 years from an invoice of 2024-02-06 end on Friday 2027-02-05, the
	// first day of the fixture's Spring Festival block (5 to 13 February);
	// the first working day after it is Monday 2027-02-15.
	claimOn := func(reported string) policy.Claim {
		c, err := policy.ParseClaim([]byte(`{"requester": {"role": "distributor", "country": "DE"}, "product": {"category": "thermal-camera"},
			"dates": {"invoice": "2024-02-06", "reported": "` + reported + `"},
			"documents": ["vendor_invoice", "purchase_receipt", "shipping_document", "label_photo", "appearance_photo"]}`))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tests := []struct {
		name, reported string
		p              *policy.Policy
		verdict        string
		codes          []string
		lastDay        string
		text           string // in the first reason
	}{
		{"without the file: a person checks", "2027-02-12", builtin, "review", []string{"calendar_not_covered"}, "2027-02-05", "the CN holiday calendar has no data for 2027-02-05"},
		{"without the file, a day later: still a person", "2027-02-16", builtin, "review", []string{"calendar_not_covered"}, "2027-02-05", "2027-02-05"},
		{"with the file: extended as the notice says", "2027-02-12", extended, "accept", []string{"holiday_extended", "in_warranty"}, "2027-02-15", "2027-02-05 is a public holiday in CN (Spring Festival): the first working day after it, 2027-02-15, is the last day"},
		{"with the file: on the moved last day", "2027-02-15", extended, "accept", []string{"holiday_extended", "in_warranty"}, "2027-02-15", "Spring Festival"},
		{"with the file: the day after the moved last day", "2027-02-16", extended, "reject", []string{"holiday_extended", "out_of_warranty"}, "2027-02-15", "Spring Festival"},
		{"the built-in policy is unchanged by the copy", "2027-02-12", builtin, "review", []string{"calendar_not_covered"}, "2027-02-05", "no data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := tt.p.Evaluate(claimOn(tt.reported))
			var codes []string
			for _, r := range d.Reasons {
				codes = append(codes, r.Code)
			}
			if d.Verdict.String() != tt.verdict || !slices.Equal(codes, tt.codes) || d.Warranty.LastDay.String() != tt.lastDay {
				t.Fatalf("got %s %v last day %s, want %s %v last day %s", d.Verdict, codes, d.Warranty.LastDay, tt.verdict, tt.codes, tt.lastDay)
			}
			if !strings.Contains(d.Reasons[0].Text, tt.text) {
				t.Errorf("reason %q lacks %q", d.Reasons[0].Text, tt.text)
			}
		})
	}
	if got := extended.Warranty.RollForward.Calendar.Source(); !strings.HasSuffix(got, "2027 from cn-2027.txt") {
		t.Errorf("the extended pack's calendar says its source is %q", got)
	}
}

// TestWithCalendarsLeavesNoBuiltinCalendar walks every seed pack after
// WithCalendars and finds no calendar left that is not the set's: a rule
// added later that keeps a calendar of its own must be rebound too, or it
// would go on deciding by the built-in years.
func TestWithCalendarsLeavesNoBuiltinCalendar(t *testing.T) {
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	cals, err := calendar.LoadFS(os.DirFS("../calendar/testdata/calendars"))
	if err != nil {
		t.Fatal(err)
	}
	rebound, err := set.WithCalendars(cals)
	if err != nil {
		t.Fatal(err)
	}
	calType := reflect.TypeFor[*calendar.Calendar]()
	found := 0
	seen := map[uintptr]bool{}
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() {
				return
			}
			if v.Type() == calType {
				found++
				c := (*calendar.Calendar)(v.UnsafePointer())
				if want, _ := cals.Lookup(c.Code()); want != c {
					t.Errorf("%s: the built-in %s calendar, not the desk's", path, c.Code())
				}
				return
			}
			if seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			walk(v.Elem(), path)
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem(), path)
			}
		case reflect.Struct:
			for i := range v.NumField() {
				walk(v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		case reflect.Map:
			for _, k := range v.MapKeys() {
				walk(v.MapIndex(k), fmt.Sprintf("%s[%v]", path, k))
			}
		}
	}
	for _, p := range rebound.All() {
		walk(reflect.ValueOf(p), p.ID)
	}
	if found < 2 {
		t.Fatalf("found %d calendars in the seed packs; Pixfra alone has two references to CN", found)
	}
}

// TestLoadAcceptsEveryCalendar: a pack may name any built-in calendar,
// the countries added with issue 14 and weekdays included.
func TestLoadAcceptsEveryCalendar(t *testing.T) {
	for _, code := range calendar.Codes() {
		p, err := policy.Load("p.yaml", []byte(minimalPolicy(t)+"calendar: "+code+"\n"))
		if err != nil {
			t.Fatalf("calendar %s: %v", code, err)
		}
		if p.Calendar == nil || p.Calendar.Code() != code {
			t.Fatalf("calendar %s: got %v", code, p.Calendar)
		}
	}
}
