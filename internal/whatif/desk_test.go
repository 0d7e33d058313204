package whatif_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
	"github.com/rmadesk/rmadesk/internal/whatif"
	"github.com/rmadesk/rmadesk/policies"
)

// TestDeskRun: who may run a what-if, and what a draft must be.
func TestDeskRun(t *testing.T) {
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	desk := whatif.Desk{History: memHistory{history(t, set, 3), 2}, Policies: set}
	src := dexxonSource(t)
	bad := strings.Replace(src, "years: 2", "years: two", 1)
	line := strings.Count(bad[:strings.Index(bad, "years: two")], "\n") + 1
	agent := rma.Actor{Role: rma.RoleAgent, Name: "agent"}
	for _, tc := range []struct {
		name  string
		actor rma.Actor
		id    string
		yaml  string
		code  string // the domain error's code, or "lint"
	}{
		{"an agent", agent, "dexxon", src, ""},
		{"an admin", rma.Actor{Role: rma.RoleAdmin}, "dexxon", src, ""},
		{"a technician", rma.Actor{Role: rma.RoleTechnician}, "dexxon", src, rma.EFORBIDDEN},
		{"a requester", rma.Actor{Role: rma.RoleRequester}, "dexxon", src, rma.EFORBIDDEN},
		{"an unknown policy", agent, "nobody", src, rma.ENOTFOUND},
		{"no draft", agent, "dexxon", "  ", rma.EINVALID},
		{"another policy's draft", agent, "pixfra", src, rma.EINVALID},
		{"a lint error", agent, "dexxon", bad, "lint"},
		{"a lint error typed in a browser (CRLF)", agent, "dexxon", strings.ReplaceAll(bad, "\n", "\r\n"), "lint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := desk.Run(context.Background(), tc.actor, whatif.Request{Query: whatif.Query{PolicyID: tc.id}, Draft: whatif.Pasted{YAML: []byte(tc.yaml)}})
			var le *whatif.LintError
			switch {
			case tc.code == "" && (err != nil || rep.Lines != 3):
				t.Fatalf("err %v, report %+v", err, rep)
			case tc.code == "lint":
				if !errors.As(err, &le) || le.Issues[0].Line != line || le.Name != "draft.yaml" {
					t.Fatalf("err %v, want a finding on line %d", err, line)
				}
			case tc.code != "" && rma.ErrorCode(err) != tc.code:
				t.Fatalf("err %v, want %s", err, tc.code)
			}
		})
	}
}
