package web

import (
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

var funcs = template.FuncMap{
	"date": func(d calendar.Date) string { return d.String() },
	// dict passes several values to a template: dict "A" x "P" $.
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			m[k] = kv[i+1]
		}
		return m
	},
	"when": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04")
	},
	"money": func(m rma.Money) string {
		c := m.Cents
		sign := ""
		if c < 0 {
			sign, c = "-", -c
		}
		return fmt.Sprintf("%s%d.%02d %s", sign, c/100, c%100, m.Currency)
	},
	"words": func(s any) string { return strings.ReplaceAll(fmt.Sprint(s), "_", " ") },
	"add":   func(a, b int) int { return a + b },
	"seq": func(n int) []int {
		out := make([]int, n)
		for i := range out {
			out[i] = i + 1
		}
		return out
	},
	"isImage": func(ct string) bool { return strings.HasPrefix(ct, "image/") },
	"has":     func(list []string, s string) bool { return slices.Contains(list, s) },
	"list":    func(v ...string) []string { return v },
}

// list, queueRow and bulk are in queue.go.

// detailData is the RMA page.
type detailData struct {
	RMA       *rma.RMA
	Policy    *policy.Policy
	Events    []rma.Event
	Documents []rma.Document
	Messages  []rma.Message
	Actions   []rma.Action
	Offer     []string
	Location  *policy.ServiceLocation
	Address   []string
	Steps     []policy.Instruction
	Choices   []string // what the requester may choose between, where the policy leaves it the choice
	// The resolve form's outcomes: those the policy allows for every line,
	// and the others, which need the desk's written reason.
	Allowed, OnlyWithReason []rma.Outcome
	Today                   calendar.Date
	Documents2              []string // document kinds for the upload form
	Conditions              []string
	Grades                  []string
	HasLabel                bool
	Locations               []rma.Location // the desk's active service locations, for the authorize form
	PolicyLocation          string         // the location the policy's rules choose, shown as the default

	// The forward form's suppliers, and the supplier RMAs not shipped yet
	// it may add the lines to (suppliers.go).
	Suppliers []rma.Supplier
	Batches   []rma.SupplierRMA

	// The step the engine suggests (first of Actions), and the desk's
	// destructive steps, set apart and confirmed (steps.go).
	Suggested rma.Action
	Danger    []rma.Action

	Desk    []rma.User        // the desk's people, to assign the RMA to (assign.go)
	Replies []rma.CannedReply // the desk's canned replies, for the message box (views.go)
	Draft   string            // the message box's text, with a canned reply put in

	Money *moneyView // prices, balance, documents and charges (money.go)
}

func (s *Server) detail(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	s.renderDetail(w, r, p, id, http.StatusOK)
}

// renderDetail shows RMA id's page; a form on it that is refused comes
// back here with its message (p.Error) and status.
func (s *Server) renderDetail(w http.ResponseWriter, r *http.Request, p *page, id int64, status int) {
	rec, err := s.svc.Records(r.Context(), p.Actor, id)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	got := rec.RMA
	d := &detailData{RMA: got, Events: rec.Events, Documents: rec.Documents, Messages: rec.Messages, Today: s.svc.Today(),
		Documents2: policy.DocumentNames(), Conditions: policy.ConditionNames(), HasLabel: s.cfg.Label != nil && got.Number != ""}
	for _, a := range rma.AllowedActions(got.State) {
		// Receiving happens at the bench, by the number on the parcel.
		if rma.Can(p.Actor.Role, a) && a != rma.ActReceive && !stepsOnSupplierRMA(a) {
			d.Actions = append(d.Actions, a)
		}
	}
	if pol := s.svc.Policies().Version(got.PolicyID, got.PolicyVersion); pol != nil {
		d.Policy = pol
		g := rma.GuideFor(pol, got)
		d.Address, d.Offer, d.Steps, d.Location = g.Address, g.Offer, g.Instructions, g.Location
		d.Choices = rma.PreferenceChoices(pol, got.Route)
		d.Allowed, d.OnlyWithReason = outcomeOptions(pol, got)
		d.Money = s.moneyView(p, got, pol, d.Allowed) // money.go
		if pol.Replacement != nil {
			d.Grades = pol.Replacement.Grades
		}
	}
	d.Suggested, d.Actions, d.Danger = arrangeSteps(d.Policy, got, p.IsDesk, d.Actions, d.Today) // steps.go
	s.deskView(r, p, d)                                                                          // assign.go
	if slices.Contains(d.Actions, rma.ActAuthorize) {
		d.Locations, d.PolicyLocation = s.authorizeLocations(r, p, got)
	}
	if slices.Contains(d.Actions, rma.ActForwardToSupplier) {
		d.Suppliers, d.Batches = s.forwardSuppliers(r.Context(), p)
	}
	p.Title = p.T("rma.unnumbered", got.ID)
	if got.Number != "" {
		p.Title = p.T("rma.title", got.Number)
	}
	p.Data = d
	s.render(w, status, "detail", p)
}

// act runs one next step from its form on the RMA page.
func (s *Server) act(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, p, rma.Invalid("form", "unreadable"))
		return
	}
	ctx, v, f := r.Context(), formVersion(r), r.PostFormValue
	if a := rma.Action(r.PathValue("action")); p.IsDesk && rma.Destructive(a) && f("confirm") != "1" {
		s.confirmStep(w, r, p, id, a) // steps.go: asked once more, on a page of its own
		return
	}
	switch rma.Action(r.PathValue("action")) {
	case rma.ActRequestInfo:
		_, err = s.svc.RequestInfo(ctx, p.Actor, id, v, f("reason"))
	case rma.ActProvideInfo:
		_, err = s.svc.ProvideInfo(ctx, p.Actor, id, v, nil)
	case rma.ActAuthorize:
		var advance []rma.AdvanceRequest
		if advance, err = advanceRequests(r); err == nil { // advance.go
			_, err = s.svc.Authorize(ctx, p.Actor, id, v, rma.AuthorizeRequest{Resolution: f("resolution"), Location: f("location"), Note: f("note"), Override: f("override_reason"), Lines: lineDecisions(r),
				Advance: advance})
		}
	case rma.ActSetPreference:
		_, err = s.svc.SetPreference(ctx, p.Actor, id, v, f("preference"))
	case rma.ActReject:
		_, err = s.svc.Reject(ctx, p.Actor, id, v, f("reason"))
	case rma.ActRefer:
		_, err = s.svc.Refer(ctx, p.Actor, id, v, f("contact"), f("reason"))
	case rma.ActCreditWithoutReturn:
		s.creditWithoutReturn(w, r, p, id) // money.go: with the prices entered
		return
	case rma.ActResolveRemotely:
		_, err = s.svc.ResolveRemotely(ctx, p.Actor, id, v, f("note"))
	case rma.ActExpire:
		_, err = s.svc.Expire(ctx, p.Actor, id, v)
	case rma.ActReissue:
		_, err = s.svc.Reissue(ctx, p.Actor, id, v)
	case rma.ActShip:
		_, err = s.svc.Ship(ctx, p.Actor, id, v, f("carrier"), f("tracking"))
	case rma.ActStartEvaluation:
		_, err = s.svc.StartEvaluation(ctx, p.Actor, id, v)
	case rma.ActEvaluate:
		var findings []rma.LineFinding
		if findings, err = evaluationFindings(r); err == nil { // evaluation.go: hours and the desk's rate
			_, err = s.svc.Evaluate(ctx, p.Actor, id, v, findings)
		}
	case rma.ActResolve:
		s.resolve(w, r, p, id) // money.go: the prices, and a refused form shown again
		return
	case rma.ActCancel:
		_, err = s.svc.Cancel(ctx, p.Actor, id, v, f("reason"))
	case rma.ActClose:
		_, err = s.svc.Close(ctx, p.Actor, id, v)
	case rma.ActForwardToSupplier:
		var sid int64
		if sid, err = s.forward(ctx, p, id, r); err == nil { // suppliers.go
			s.redirectFlash(w, r, fmt.Sprintf("/supplier-rmas/%d", sid), p.T("rma.done"))
			return
		}
	default:
		err = rma.Errorf(rma.ENOTFOUND, "no such step")
	}
	to := fmt.Sprintf("/rmas/%d", id)
	switch {
	case err == nil:
		s.redirectFlash(w, r, to, p.T("rma.done"))
	case rma.ErrorCode(err) == rma.EPRECONDITION:
		// Someone acted first: show what they did rather than an error.
		s.setFlash(w, flashError, p.T("rma.changed"))
		http.Redirect(w, r, to, http.StatusSeeOther)
	default:
		// A refused step shows the RMA page again with the message, so
		// the form at fault is at hand.
		if status, msg := formFailure(err); status != 0 {
			p.Error = msg
			s.renderDetail(w, r, p, id, status)
			return
		}
		s.fail(w, r, p, err)
	}
}

func (s *Server) message(w http.ResponseWriter, r *http.Request, p *page) {
	s.postMessage(w, r, p) // thread.go
}

// upload takes one or more files (multipart field "file", kind and line
// before them), sniffing each one's type from its bytes. Every file is
// checked before any is stored: one over the limit, of a type the desk does
// not take, or for a line the RMA does not have, and the page comes back
// with a message naming it, nothing stored.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	if err := s.svc.Check(r.Context(), p.Actor, id, rma.OpAddDocument); err != nil {
		s.fail(w, r, p, err)
		return
	}
	form, err := s.readFileForm(r, p, true)
	//lint:ignore SA5001 readFileForm returns the form with its error too; Close removes what it kept
	defer form.Close()
	if err == nil {
		err = checkForm(form.Value)
	}
	var got *rma.RMA
	if err == nil {
		got, err = s.svc.Get(r.Context(), p.Actor, id)
	}
	if err == nil {
		type doc struct {
			kind string
			line int
		}
		docs := make([]doc, len(form.Files))
		for i, f := range form.Files {
			kind, line, ok := uploadField(got, f)
			if !ok {
				form.Refused = append(form.Refused, p.T("form.file_field", displayName(f.Filename)))
			}
			docs[i] = doc{kind, line}
		}
		switch {
		case len(form.Refused) > 0:
			err = form.refusal(p.T("form.nothing_stored"))
		case len(form.Files) == 0:
			err = &formError{http.StatusUnprocessableEntity, p.T("form.no_file")}
		}
		if err == nil {
			for i, f := range form.Files {
				if err := s.storeFormFile(r, p, id, f, docs[i].kind, docs[i].line); err != nil {
					// The files before it are stored and listed on the page.
					s.setFlash(w, flashError, p.T("form.stored_but", displayName(f.Filename), s.userMessage(r, p, err)))
					http.Redirect(w, r, fmt.Sprintf("/rmas/%d", id), http.StatusSeeOther)
					return
				}
			}
			s.redirectFlash(w, r, fmt.Sprintf("/rmas/%d", id), p.T("rma.done"))
			return
		}
	}
	status, msg := formFailure(err)
	if status == 0 {
		s.fail(w, r, p, err)
		return
	}
	p.Error = msg
	s.renderDetail(w, r, p, id, status)
}

// uploadField is the kind and line of a file uploaded on the RMA page:
// those given before it in the form, a document the policies name (or
// "other"; none given is "other"), and no line or one of the RMA's.
func uploadField(got *rma.RMA, f *formFile) (kind string, line int, ok bool) {
	if f.Field != "file" {
		return "", 0, false
	}
	kind = f.Kind
	if kind == "" {
		kind = "other"
	}
	if _, err := policy.ParseDocument(kind); err != nil && kind != "other" {
		return "", 0, false
	}
	if f.Line != "" {
		n, err := strconv.Atoi(f.Line)
		if err != nil || n < 0 {
			return "", 0, false
		}
		if n > 0 && !slices.ContainsFunc(got.Lines, func(l rma.Line) bool { return l.No == n }) {
			return "", 0, false
		}
		line = n
	}
	return kind, line, true
}

// sniff names content by its first bytes; see internal/api for why.
func sniff(head []byte) string {
	ct, _, _ := mime.ParseMediaType(http.DetectContentType(head))
	if (ct == "text/xml" || ct == "text/plain") && strings.Contains(strings.ToLower(string(head)), "<svg") {
		return "image/svg+xml"
	}
	if ct == "application/octet-stream" && len(head) > 12 && string(head[4:8]) == "ftyp" {
		if string(head[8:10]) == "qt" {
			return "video/quicktime"
		}
		return "video/mp4"
	}
	return ct
}

func (s *Server) document(w http.ResponseWriter, r *http.Request, p *page) {
	id, err1 := pathID(r, "id")
	docID, err2 := pathID(r, "doc")
	if err1 != nil || err2 != nil {
		s.fail(w, r, p, rma.Errorf(rma.ENOTFOUND, "not found"))
		return
	}
	d, err := s.svc.Document(r.Context(), p.Actor, id, docID)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	f, err := s.cfg.Files.Open(d.Path)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	defer f.Close()
	disposition := "attachment"
	if strings.HasPrefix(d.ContentType, "image/") && d.ContentType != "image/svg+xml" {
		disposition = "inline" // photos are shown on the RMA page; nothing active can be an image here
	}
	w.Header().Set("Content-Type", d.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": d.Filename}))
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	_, _ = io.Copy(w, f)
}

func (s *Server) label(w http.ResponseWriter, r *http.Request, p *page) {
	id, err := pathID(r, "id")
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	got, err := s.svc.Get(r.Context(), p.Actor, id)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	if s.cfg.Label == nil || got.Number == "" {
		s.fail(w, r, p, rma.Errorf(rma.ENOTFOUND, "no label: the RMA has no number"))
		return
	}
	pdf, err := s.cfg.Label(r.Context(), got, p.lang)
	if err != nil {
		s.fail(w, r, p, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": got.Number + ".pdf"}))
	_, _ = w.Write(pdf)
}

// receivingForm and receive are in receiving.go.

func (s *Server) serials(w http.ResponseWriter, r *http.Request, p *page) {
	p.Title = p.T("serials.title")
	serial := strings.TrimSpace(r.URL.Query().Get("serial"))
	data := map[string]any{"Serial": serial}
	if serial != "" {
		st, err := s.svc.LookupSerial(r.Context(), p.Actor, serial)
		if err != nil {
			s.fail(w, r, p, err)
			return
		}
		data["Status"] = st
	} else if err := s.svc.Check(r.Context(), p.Actor, 0, rma.OpLookup); err != nil {
		s.fail(w, r, p, err)
		return
	}
	p.Data = data
	s.render(w, http.StatusOK, "serials", p)
}

// resolveOutcomes are the outcomes the resolve form offers; withdrawn and
// remote_fix have their own steps.
var resolveOutcomes = []rma.Outcome{rma.Credited, rma.Replaced, rma.Repaired, rma.Refunded, rma.ReturnedUnrepaired, rma.NoFaultFound}

// outcomeOptions splits the resolve form's outcomes into those the policy
// allows for every line of r and those that need a written reason.
func outcomeOptions(pol *policy.Policy, r *rma.RMA) (allowed, withReason []rma.Outcome) {
	for _, o := range resolveOutcomes {
		ok := true
		for i := range r.Lines {
			if !slices.Contains(rma.AllowedOutcomes(pol, r, &r.Lines[i]).Allowed, o) {
				ok = false
				break
			}
		}
		if ok {
			allowed = append(allowed, o)
		} else {
			withReason = append(withReason, o)
		}
	}
	return allowed, withReason
}
