package web

import (
	"net/http"
	"strconv"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// lineDecisions reads the authorize form's decision per line
// (templates/linedecisions.html): every line it lists, with the radio
// button's choice and the reason typed beside it. A form without them (an
// RMA of one line) decides no line, and the RMA is authorized whole.
func lineDecisions(r *http.Request) []rma.LineDecision {
	var out []rma.LineDecision
	for _, no := range r.PostForm["decide_line"] {
		n, err := strconv.Atoi(no)
		if err != nil {
			n = -1 // refused by the service as a line the RMA does not have
		}
		out = append(out, rma.LineDecision{LineNo: n, Decision: rma.LineVerdict(r.PostFormValue("line_decision_" + no)),
			Reason: r.PostFormValue("line_reason_" + no)})
	}
	return out
}
