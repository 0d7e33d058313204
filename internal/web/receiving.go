package web

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Receiving is a loop at the bench (issue 13, point 3): the page keeps the
// scan field; a number scanned or typed there shows its parcel's RMA beside
// it (each line's reserved serial, model and part number to confirm or
// correct, the policy's accessories as a checklist, the state it arrived
// in, photos), and receiving it brings the page back to the scan field,
// with what was received and a link to it. A number that cannot be
// received says why in plain words, links to its RMA, and stays in the
// field. Without JavaScript it is a GET to look up and a form post that
// returns to the same page.

// benchData is the receiving page.
type benchData struct {
	Number  string // as typed: never cleared by a refusal
	Parcel  *rma.Parcel
	Policy  *policy.Policy
	OrgName string
	Lines   []benchLine
	// The policy's accessories on the RMA's route, and the fee that charges
	// one missing (nil: recorded, not charged).
	Accessories []string
	Fee         *policy.Fee
	Conditions  []string
	Currency    string
	Version     int
	Last        *rma.RMA // the parcel received just before, for its summary
	Problem     string   // why the number cannot be received, in plain words
	ProblemRMA  int64    // the RMA to open about it
	ProblemNo   string   // its number, for the link
}

// benchLine is one line of the parcel with what the form holds for it.
type benchLine struct {
	rma.Line
	Serial, Model, PartNumber string
	Missing                   []string
	Prices                    map[string]string
	Condition, Notes          string
}

func (s *Server) receivingForm(w http.ResponseWriter, r *http.Request, p *page) {
	if err := s.svc.Check(r.Context(), p.Actor, 0, rma.ActReceive); err != nil {
		s.fail(w, r, p, err)
		return
	}
	q := r.URL.Query()
	d := &benchData{Number: strings.TrimSpace(q.Get("number")), Conditions: rma.IntakeConditions, Currency: "EUR"}
	if id, err := strconv.ParseInt(q.Get("received"), 10, 64); err == nil && id > 0 {
		d.Last, _ = s.svc.Get(r.Context(), p.Actor, id) // a summary only: an RMA not found shows none
	}
	if d.Number != "" {
		if err := s.lookUpParcel(r, p, d, nil); err != nil {
			s.fail(w, r, p, err)
			return
		}
	}
	s.renderBench(w, p, d, http.StatusOK)
}

func (s *Server) renderBench(w http.ResponseWriter, p *page, d *benchData, status int) {
	p.Title = p.T("receiving.title")
	p.Data = d
	s.render(w, status, "receiving", p)
}

// lookUpParcel fills d with the parcel its number names, and the form's
// values: those posted (form), else what the reservation expects.
func (s *Server) lookUpParcel(r *http.Request, p *page, d *benchData, form url.Values) error {
	pc, err := s.svc.LookUpParcel(r.Context(), p.Actor, d.Number)
	if err != nil {
		return err
	}
	d.Parcel = pc
	if pc.Problem != "" {
		d.Problem = s.parcelProblem(r, p, pc)
		if pc.RMA != nil {
			d.ProblemRMA, d.ProblemNo = pc.RMA.ID, pc.RMA.Number
		}
		return nil
	}
	got := pc.RMA
	d.Version = got.Version
	d.Policy = s.svc.Policies().Version(got.PolicyID, got.PolicyVersion)
	if d.Policy != nil {
		d.Accessories, d.Fee = d.Policy.Accessories(got.Route)
	}
	if org, err := s.svc.Store().Org(r.Context(), got.OrgID); err == nil {
		d.OrgName = org.Name
	}
	if form != nil && form.Get("currency") != "" {
		d.Currency = form.Get("currency")
	}
	for _, l := range got.Lines {
		if !l.InPlay() {
			continue // rejected at authorization: not in the parcel
		}
		bl := benchLine{Line: l, Serial: l.Claim.Product.Serial, Model: l.Claim.Product.Model, PartNumber: l.PartNumber, Prices: map[string]string{}}
		if form != nil {
			no := strconv.Itoa(l.No)
			bl.Serial, bl.Model, bl.PartNumber = form.Get("serial_"+no), form.Get("model_"+no), form.Get("part_number_"+no)
			bl.Missing = form["missing_"+no]
			bl.Condition, bl.Notes = form.Get("condition_"+no), form.Get("notes_"+no)
			for _, a := range d.Accessories {
				bl.Prices[a] = form.Get("price_" + no + "_" + a)
			}
		}
		d.Lines = append(d.Lines, bl)
	}
	return nil
}

// parcelProblem says in plain words why a parcel cannot be received.
func (s *Server) parcelProblem(r *http.Request, p *page, pc *rma.Parcel) string {
	switch pc.Problem {
	case rma.ParcelMalformed:
		return p.T("bench.malformed", pc.Number)
	case rma.ParcelUnknown:
		return p.T("bench.unknown", pc.Number)
	case rma.ParcelReplaced:
		return p.T("bench.replaced", pc.Number, pc.RMA.Number)
	case rma.ParcelExpired:
		return p.T("bench.expired", pc.Number, pc.RMA.NumberExpires.String())
	case rma.ParcelReceived:
		return p.T("bench.received", pc.Number, pc.ReceivedAt.UTC().Format("2006-01-02 15:04"), p.T("state."+string(pc.RMA.State)))
	case rma.ParcelNotAuthorized:
		return p.T("bench.not_authorized", pc.Number, p.T("state."+string(pc.RMA.State)))
	}
	return p.T("bench.closed", pc.Number, p.T("state."+string(pc.RMA.State)))
}

// receive receives the parcel the form shows, stores its photos, and goes
// back to the scan field with its summary. A form with files is multipart;
// one without may be a plain form.
func (s *Server) receive(w http.ResponseWriter, r *http.Request, p *page) {
	values, form, err := s.benchForm(r, p)
	if form != nil {
		defer form.Close()
	}
	d := &benchData{Number: strings.TrimSpace(values.Get("number")), Conditions: rma.IntakeConditions, Currency: "EUR"}
	if d.Number == "" {
		d.Problem = p.T("bench.no_number")
		s.renderBench(w, p, d, http.StatusUnprocessableEntity)
		return
	}
	if lerr := s.lookUpParcel(r, p, d, values); lerr != nil {
		s.fail(w, r, p, lerr)
		return
	}
	if d.Problem != "" {
		// A repeated or wrong scan: said plainly, with the number kept.
		s.renderBench(w, p, d, http.StatusConflict)
		return
	}
	var lines []rma.ReceivedLine
	if err == nil {
		lines, err = receivedLines(d, values)
	}
	var photos []benchPhoto
	if err == nil && form != nil {
		photos, err = benchPhotos(p, d, form)
	}
	var got *rma.RMA
	if err == nil {
		version, _ := strconv.Atoi(values.Get("version"))
		got, err = s.svc.Receive(r.Context(), p.Actor, d.Number, d.Parcel.RMA.ID, version, lines)
	}
	if err != nil {
		status, msg := formFailure(err)
		if status == 0 {
			s.fail(w, r, p, err)
			return
		}
		// Received meanwhile (a second click, a colleague)? Say so plainly.
		again := &benchData{Number: d.Number, Conditions: d.Conditions, Currency: d.Currency}
		if s.lookUpParcel(r, p, again, values) == nil && again.Problem != "" {
			d, status = again, http.StatusConflict
		} else if rma.ErrorCode(err) == rma.EPRECONDITION {
			// Changed since the form was shown (a document, a message): the
			// form comes back as typed, at the RMA's new version.
			p.Error = p.T("rma.changed")
		} else {
			p.Error = msg // the form stays, as typed, under the message
		}
		s.renderBench(w, p, d, status)
		return
	}
	to := fmt.Sprintf("/receiving?received=%d", got.ID)
	for _, ph := range photos {
		if err := s.storeFormFile(r, p, got.ID, ph.file, "other", ph.line); err != nil {
			// The parcel is received; the photos before this one are kept.
			s.setFlash(w, flashError, p.T("form.stored_but", displayName(ph.file.Filename), s.userMessage(r, p, err)))
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		}
	}
	s.redirectFlash(w, r, to, p.T("receiving.ok", got.Number))
}

// benchForm reads the receiving form: multipart when it carries photos,
// else the plain form signedIn already read. A multipart form's text is
// checked as every form's is.
func (s *Server) benchForm(r *http.Request, p *page) (url.Values, *fileForm, error) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return r.PostForm, nil, nil
	}
	form, err := s.readFileForm(r, p, true)
	if err == nil {
		err = checkForm(form.Value)
	}
	if err == nil && len(form.Refused) > 0 {
		err = form.refusal(p.T("form.nothing_stored"))
	}
	values := url.Values(form.Value)
	for k, vs := range values {
		for i := range vs {
			vs[i] = strings.TrimSpace(vs[i])
		}
		values[k] = vs
	}
	return values, form, err
}

// receivedLines is what the form says of each line of the parcel. A field
// left empty is not compared; the prices are those of the accessories
// ticked missing.
func receivedLines(d *benchData, values url.Values) ([]rma.ReceivedLine, error) {
	var out []rma.ReceivedLine
	for i, bl := range d.Lines {
		no := strconv.Itoa(bl.No)
		rl := rma.ReceivedLine{LineNo: bl.No, Serial: values.Get("serial_" + no), Model: values.Get("model_" + no),
			PartNumber: values.Get("part_number_" + no), IntakeCondition: values.Get("condition_" + no), IntakeNotes: values.Get("notes_" + no)}
		for j, name := range values["missing_"+no] {
			a := rma.Accessory{Name: name}
			if price := values.Get("price_" + no + "_" + name); price != "" {
				m, err := parseMoneyInput(fmt.Sprintf("lines[%d].missing_accessories[%d].price", i, j), price, d.Currency)
				if err != nil {
					return nil, err
				}
				a.Price = m
			}
			rl.MissingAccessories = append(rl.MissingAccessories, a)
		}
		out = append(out, rl)
	}
	return out, nil
}

// benchPhoto is a photo of a line as it arrived.
type benchPhoto struct {
	file *formFile
	line int
}

// benchPhotos are the form's photos (fields photos_N), each of a line of
// the parcel; any other file refuses the form before anything is stored.
func benchPhotos(p *page, d *benchData, form *fileForm) ([]benchPhoto, error) {
	var out []benchPhoto
	for _, f := range form.Files {
		n, err := strconv.Atoi(strings.TrimPrefix(f.Field, "photos_"))
		if err != nil || !strings.HasPrefix(f.Field, "photos_") || !slices.ContainsFunc(d.Lines, func(bl benchLine) bool { return bl.No == n }) {
			return nil, &formError{http.StatusUnprocessableEntity, p.T("form.file_field", displayName(f.Filename))}
		}
		out = append(out, benchPhoto{f, n})
	}
	return out, nil
}
