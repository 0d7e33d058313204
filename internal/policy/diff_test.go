package policy_test

import (
	"os"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
)

func TestDiffSources(t *testing.T) {
	before, err := os.ReadFile("../../policies/pixfra.yaml")
	if err != nil {
		t.Fatal(err)
	}
	same, err := policy.DiffSources(before, append([]byte("# a comment only\n"), before...))
	if err != nil || len(same) != 0 {
		t.Fatalf("a comment is a change: %v %v", same, err)
	}
	after := strings.Replace(string(before), "    - part: battery\n      years: 1\n", "    - part: battery\n      years: 2\n", 1)
	after = strings.Replace(after, "  - document: shipping_document\n    stage: filing\n    note: (b) shipping documents or records showing the date of shipment to the dealer\n    clause: process\n", "", 1)
	after = strings.Replace(after, "version: \"1\"", "version: \"2\"", 1)
	after = strings.Replace(after, "rma_number:\n  valid_days: 30", "rma_number:\n  valid_days: 45", 1)
	got, err := policy.DiffSources(before, []byte(after))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, c := range got {
		s := c.Kind + " " + c.Section + " [" + c.Item + "] clause=" + c.Clause
		for _, f := range c.Fields {
			s += " " + f.Field + ":" + f.Before + "->" + f.After
		}
		if c.Item == "" {
			s += " " + c.Before + "->" + c.After
		}
		lines = append(lines, s)
	}
	want := []string{
		`changed version [] clause= "1"->"2"`,
		`changed warranty.terms [part=battery] clause=warranty-chart years:1->2`,
		`removed documents [document=shipping_document stage=filing] clause=process`,
		`changed rma_number.valid_days [] clause=validity 30->45`,
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Fatalf("DiffSources:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func TestSetTopLevel(t *testing.T) {
	for _, c := range []struct{ name, in, key, value, want string }{
		{"replaces the value", "id: x\nversion: \"1\"\ntitle: T\n", "version", "2", "id: x\nversion: \"2\"\ntitle: T\n"},
		{"keeps a comment", "id: x\neffective_from: 2020-01-01 # first\n", "effective_from", "2027-01-01", "id: x\neffective_from: \"2027-01-01\" # first\n"},
		{"leaves nested keys", "id: x\nvendor:\n  version: 1\nversion: 1\n", "version", "3", "id: x\nvendor:\n  version: 1\nversion: \"3\"\n"},
		{"adds a missing key after id", "# c\nid: x\ntitle: T\n", "version", "2", "# c\nid: x\nversion: \"2\"\ntitle: T\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := string(policy.SetTopLevel([]byte(c.in), c.key, c.value)); got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}
