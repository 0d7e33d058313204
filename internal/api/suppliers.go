package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Supplier steps (issue 12): the desk's suppliers and the RMAs it sends
// them. Agents and admins manage them, technicians read them; a requester
// sees none of it beyond its own RMA's view (supplierRMAView).

func (s *Server) supplierRoutes() []Route {
	return []Route{
		{Method: "GET", Path: v1 + "/suppliers", Op: rma.OpReadSuppliers, handler: s.listSuppliers},
		{Method: "POST", Path: v1 + "/suppliers", Op: rma.OpManageSuppliers, handler: s.createSupplier},
		{Method: "GET", Path: v1 + "/suppliers/{supplier}", Op: rma.OpReadSuppliers, handler: s.getSupplier},
		{Method: "GET", Path: v1 + "/suppliers/{supplier}/prediction", Op: rma.OpReadSuppliers, handler: s.predictSupplier},
		{Method: "GET", Path: v1 + "/supplier-rmas", Op: rma.OpReadSuppliers, handler: s.listSupplierRMAs},
		{Method: "POST", Path: v1 + "/supplier-rmas", Op: rma.ActForwardToSupplier, handler: s.forwardToSupplier},
		{Method: "GET", Path: v1 + "/supplier-rmas/{sid}", Op: rma.OpReadSuppliers, handler: s.getSupplierRMA},
		{Method: "GET", Path: v1 + "/supplier-rmas/{sid}/events", Op: rma.OpReadSuppliers, handler: s.supplierEvents},
		{Method: "POST", Path: v1 + "/supplier-rmas/{sid}/lines", Op: rma.ActForwardToSupplier, handler: s.addSupplierLines},
		{Method: "POST", Path: v1 + "/supplier-rmas/{sid}/ship", Op: rma.ActShipToSupplier, handler: s.shipToSupplier},
		{Method: "POST", Path: v1 + "/supplier-rmas/{sid}/verdicts", Op: rma.ActSupplierVerdict, handler: s.supplierVerdicts},
	}
}

// SupplierBody is POST /api/v1/suppliers.
type SupplierBody struct {
	Name         string      `json:"name"`
	Country      string      `json:"country"`
	RMAEmail     string      `json:"rma_email"`
	Address      rma.Address `json:"address"`
	Policy       string      `json:"policy,omitempty"`
	ClaimRole    string      `json:"claim_role,omitempty"`
	ResponseDays int         `json:"response_days,omitempty"`
}

// SupplierView is a supplier as the desk sees it.
type SupplierView struct {
	ID           int64       `json:"id"`
	Name         string      `json:"name"`
	Role         string      `json:"role"` // always supplier
	Country      string      `json:"country"`
	RMAEmail     string      `json:"rma_email"`
	Address      rma.Address `json:"address"`
	AddressLines []string    `json:"address_lines"`
	Policy       string      `json:"policy,omitempty"`
	ClaimRole    string      `json:"claim_role"`
	ResponseDays int         `json:"response_days"`
	Created      time.Time   `json:"created"`
}

func supplierView(sup *rma.Supplier) SupplierView {
	return SupplierView{ID: sup.ID, Name: sup.Name, Role: "supplier", Country: sup.Country, RMAEmail: sup.Email, Address: sup.Address,
		AddressLines: nonNil(sup.Address.Lines()), Policy: sup.PolicyID, ClaimRole: sup.ClaimRole.String(), ResponseDays: sup.ResponseDays, Created: sup.Created}
}

func (s *Server) listSuppliers(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	sups, err := s.svc.Suppliers(r.Context(), actor)
	if err != nil {
		return err
	}
	out := []SupplierView{}
	for i := range sups {
		out = append(out, supplierView(&sups[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"suppliers": out})
	return nil
}

func (s *Server) createSupplier(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	var b SupplierBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	sup, err := s.svc.CreateSupplier(r.Context(), actor, rma.NewSupplier{Name: b.Name, Country: b.Country, Email: b.RMAEmail,
		Address: b.Address, PolicyID: b.Policy, ClaimRole: b.ClaimRole, ResponseDays: b.ResponseDays})
	if err != nil {
		return err
	}
	w.Header().Set("Location", fmt.Sprintf("%s/suppliers/%d", v1, sup.ID))
	writeJSON(w, http.StatusCreated, supplierView(sup))
	return nil
}

// supplierOf reads the {supplier} path value as a supplier the actor may see.
func (s *Server) supplierOf(r *http.Request, actor rma.Actor) (*rma.Supplier, error) {
	id, err := pathID(r, "supplier")
	if err != nil {
		return nil, err
	}
	return s.svc.Supplier(r.Context(), actor, id)
}

func (s *Server) getSupplier(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	sup, err := s.supplierOf(r, actor)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, supplierView(sup))
	return nil
}

// PredictionView is the engine's guess at a supplier's verdict on a line,
// by the pack the supplier applies.
type PredictionView struct {
	Policy        string           `json:"policy"`
	PolicyVersion string           `json:"policy_version"`
	Decision      policy.Verdict   `json:"decision"`
	Route         policy.Route     `json:"route"`
	Covered       bool             `json:"covered"` // the pack would take it under warranty or DOA
	Reasons       []policy.Reason  `json:"reasons"`
	Full          *policy.Decision `json:"full_decision,omitempty"`
}

func predictionView(d *policy.Decision) *PredictionView {
	if d == nil {
		return nil
	}
	reasons := d.Reasons
	if reasons == nil {
		reasons = []policy.Reason{}
	}
	covered := d.Verdict != policy.Reject && (d.Route == policy.RouteWarranty || d.Route == policy.RouteDOA)
	return &PredictionView{Policy: d.Policy, PolicyVersion: d.PolicyVersion, Decision: d.Verdict, Route: d.Route, Covered: covered, Reasons: reasons}
}

// deskCountry is the country the desk claims from, for a prediction.
func (s *Server) deskCountry(r *http.Request, actor rma.Actor) string {
	if actor.Org != nil {
		return actor.Org.Country
	}
	if o, err := s.svc.Store().Org(r.Context(), actor.OrgID); err == nil {
		return o.Country
	}
	return ""
}

// predictSupplier is GET /suppliers/{supplier}/prediction?rma=ID&line=N:
// what the supplier's pack would say of the line, before it is forwarded.
func (s *Server) predictSupplier(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	sup, err := s.supplierOf(r, actor)
	if err != nil {
		return err
	}
	rmaID, err := strconv.ParseInt(r.URL.Query().Get("rma"), 10, 64)
	if err != nil || rmaID <= 0 {
		return rma.Invalid("rma", "required: the RMA's ID")
	}
	lineNo, err := strconv.Atoi(r.URL.Query().Get("line"))
	if err != nil || lineNo <= 0 {
		return rma.Invalid("line", "required: the line's number")
	}
	got, err := s.svc.Get(r.Context(), actor, rmaID)
	if rma.ErrorCode(err) == rma.ENOTFOUND {
		return rma.Invalid("rma", "no RMA %d", rmaID)
	}
	if err != nil {
		return err
	}
	for i := range got.Lines {
		if got.Lines[i].No == lineNo {
			d := s.svc.PredictSupplierVerdict(sup, &got.Lines[i], s.deskCountry(r, actor))
			if d == nil {
				return rma.Errorf(rma.ECONFLICT, "supplier %s names no policy pack the desk has: there is nothing to predict with", sup.Name)
			}
			p := predictionView(d)
			p.Full = d
			writeJSON(w, http.StatusOK, p)
			return nil
		}
	}
	return rma.Invalid("line", "no line %d in RMA %d", lineNo, rmaID)
}

// ForwardBody is POST /api/v1/supplier-rmas: lines of one or more RMAs to
// one supplier, in one shipment.
type ForwardBody struct {
	Supplier  int64             `json:"supplier"`
	Reference string            `json:"reference,omitempty"`
	Due       string            `json:"due,omitempty"`
	Note      string            `json:"note,omitempty"`
	Lines     []ForwardLineBody `json:"lines"`
}

// ForwardLineBody names one line of an RMA.
type ForwardLineBody struct {
	RMA  int64 `json:"rma"`
	Line int   `json:"line"`
}

func (s *Server) forwardToSupplier(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	var b ForwardBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	req := rma.ForwardRequest{SupplierID: b.Supplier, Reference: b.Reference, Note: b.Note}
	if b.Due != "" {
		d, err := calendar.ParseDate(b.Due)
		if err != nil {
			return rma.Invalid("due", "%q is not a date (YYYY-MM-DD)", b.Due)
		}
		req.Due = d
	}
	for _, l := range b.Lines {
		req.Lines = append(req.Lines, rma.LineRef{RMAID: l.RMA, LineNo: l.Line})
	}
	sr, err := s.svc.ForwardToSupplier(r.Context(), actor, req)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", supplierETag(sr))
	w.Header().Set("Location", fmt.Sprintf("%s/supplier-rmas/%d", v1, sr.ID))
	writeJSON(w, http.StatusCreated, s.supplierRMAView(r, actor, sr))
	return nil
}

// SupplierRMAView is a supplier RMA as the desk sees it.
type SupplierRMAView struct {
	ID        int64              `json:"id"`
	Number    string             `json:"number"`
	Supplier  int64              `json:"supplier"`
	Name      string             `json:"supplier_name"`
	Reference string             `json:"reference,omitempty"`
	State     rma.SupplierState  `json:"state"`
	Due       string             `json:"due"`
	Overdue   bool               `json:"overdue"`
	Shipment  *ShipmentView      `json:"shipment,omitempty"`
	Note      string             `json:"note,omitempty"`
	Lines     []SupplierLineView `json:"lines"`
	Recovered []MoneyJSON        `json:"recovered"`        // the supplier's credits
	Charged   []MoneyJSON        `json:"supplier_charges"` // what the supplier charged
	Version   int                `json:"version"`
	Created   time.Time          `json:"created"`
	Updated   time.Time          `json:"updated"`
}

// ShipmentView is the parcel to the supplier.
type ShipmentView struct {
	Carrier  string `json:"carrier"`
	Tracking string `json:"tracking,omitempty"`
	Shipped  string `json:"shipped"`
}

// SupplierLineView is one line in a supplier RMA, or one of an RMA's lines
// at a supplier as the desk sees it.
type SupplierLineView struct {
	RMA               int64               `json:"rma"`
	RMANumber         string              `json:"rma_number,omitempty"`
	Line              int                 `json:"line"`
	SupplierRMA       int64               `json:"supplier_rma,omitempty"`
	SupplierRMANumber string              `json:"supplier_rma_number,omitempty"`
	SupplierName      string              `json:"supplier_name,omitempty"`
	Verdict           rma.SupplierVerdict `json:"verdict,omitempty"` // absent while pending
	Remedy            rma.SupplierRemedy  `json:"remedy,omitempty"`
	ReplacementSerial string              `json:"replacement_serial,omitempty"`
	Credit            *MoneyJSON          `json:"credit,omitempty"`
	Charge            *MoneyJSON          `json:"charge,omitempty"`
	Notes             string              `json:"notes,omitempty"`
	Decided           *time.Time          `json:"decided,omitempty"`
	Predicted         *PredictionView     `json:"predicted,omitempty"` // the supplier's pack on the line, when it names one
}

func supplierLineView(l rma.SupplierLine) SupplierLineView {
	v := SupplierLineView{RMA: l.RMAID, RMANumber: l.RMANumber, Line: l.LineNo, SupplierRMA: l.SupplierRMAID, SupplierRMANumber: l.SupplierNo,
		SupplierName: l.SupplierName, Verdict: l.Verdict, Remedy: l.Remedy, ReplacementSerial: l.ReplacementSerial, Notes: l.Notes}
	if l.Credit.Cents != 0 {
		m := moneyView(l.Credit)
		v.Credit = &m
	}
	if l.Charge.Cents != 0 {
		m := moneyView(l.Charge)
		v.Charge = &m
	}
	if !l.Decided.IsZero() {
		d := l.Decided
		v.Decided = &d
	}
	return v
}

func supplierETag(sr *rma.SupplierRMA) string { return fmt.Sprintf(`"sup-%d-%d"`, sr.ID, sr.Version) }

// supplierIfMatch reads a supplier RMA's version from If-Match, which its
// steps require as an RMA's do.
func supplierIfMatch(r *http.Request, id int64) (int, error) {
	h := strings.TrimSpace(r.Header.Get("If-Match"))
	if h == "" {
		return 0, &badRequest{status: http.StatusPreconditionRequired, field: "If-Match", detail: "required: the supplier RMA's ETag from GET, so a change made meanwhile is not overwritten"}
	}
	tag := strings.Trim(strings.TrimPrefix(h, "W/"), `"`)
	rest, ok := strings.CutPrefix(tag, "sup-")
	idPart, verPart, ok2 := strings.Cut(rest, "-")
	v, err := strconv.Atoi(verPart)
	if !ok || !ok2 || err != nil || idPart != strconv.FormatInt(id, 10) || v <= 0 {
		return 0, rma.Errorf(rma.EPRECONDITION, "If-Match %s does not match supplier RMA %d", h, id)
	}
	return v, nil
}

func (s *Server) supplierRMAView(r *http.Request, actor rma.Actor, sr *rma.SupplierRMA) SupplierRMAView {
	v := SupplierRMAView{ID: sr.ID, Number: sr.Number, Supplier: sr.SupplierID, Name: sr.SupplierName, Reference: sr.Reference,
		State: sr.State(), Due: sr.Due.String(), Overdue: sr.Overdue(s.svc.Today()), Note: sr.Note, Lines: []SupplierLineView{},
		Recovered: []MoneyJSON{}, Charged: []MoneyJSON{}, Version: sr.Version, Created: sr.Created, Updated: sr.Updated}
	if !sr.Shipped.IsZero() {
		v.Shipment = &ShipmentView{Carrier: sr.Carrier, Tracking: sr.Tracking, Shipped: sr.Shipped.String()}
	}
	// The prediction needs each line's claim: one read per RMA.
	sup, _ := s.svc.Store().Supplier(r.Context(), sr.SupplierID)
	country := ""
	if sup != nil && sup.PolicyID != "" {
		country = s.deskCountry(r, actor)
	}
	rmas := map[int64]*rma.RMA{}
	rec := rma.RMA{Supplier: sr.Lines}
	for _, l := range sr.Lines {
		lv := supplierLineView(l)
		lv.SupplierRMA, lv.SupplierRMANumber, lv.SupplierName = 0, "", "" // the supplier RMA itself says them
		if sup != nil && sup.PolicyID != "" {
			got, ok := rmas[l.RMAID]
			if !ok {
				got, _ = s.svc.Store().RMA(r.Context(), l.RMAID)
				rmas[l.RMAID] = got
			}
			if got != nil {
				for i := range got.Lines {
					if got.Lines[i].No == l.LineNo {
						lv.Predicted = predictionView(s.svc.PredictSupplierVerdict(sup, &got.Lines[i], country))
					}
				}
			}
		}
		v.Lines = append(v.Lines, lv)
	}
	totals := rec.Recovery()
	for _, m := range totals.Recovered {
		v.Recovered = append(v.Recovered, moneyView(m))
	}
	for _, m := range totals.SupplierCharges {
		v.Charged = append(v.Charged, moneyView(m))
	}
	return v
}

func (s *Server) listSupplierRMAs(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	q := r.URL.Query()
	var f rma.SupplierRMAFilter
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"supplier", &f.SupplierID}, {"rma", &f.RMAID}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return rma.Invalid(p.name, "must be an ID")
			}
			*p.dst = n
		}
	}
	for _, p := range []struct {
		name string
		dst  *bool
	}{{"open", &f.Open}, {"overdue", &f.Overdue}} {
		if v := q.Get(p.name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return rma.Invalid(p.name, "must be true or false")
			}
			*p.dst = b
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			return rma.Invalid("limit", "must be a number from 1 to 200")
		}
		f.Limit = n
	}
	list, err := s.svc.SupplierRMAs(r.Context(), actor, f)
	if err != nil {
		return err
	}
	out := []SupplierRMAView{}
	for i := range list {
		out = append(out, s.supplierRMAView(r, actor, &list[i]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

func (s *Server) getSupplierRMA(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	sr, err := s.svc.SupplierRMA(r.Context(), actor, id)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", supplierETag(sr))
	writeJSON(w, http.StatusOK, s.supplierRMAView(r, actor, sr))
	return nil
}

// SupplierEventView is one entry of a supplier RMA's history.
type SupplierEventView struct {
	Seq     int            `json:"seq"`
	At      time.Time      `json:"at"`
	Actor   string         `json:"actor"`
	Action  string         `json:"action"`
	Details map[string]any `json:"details,omitempty"`
}

func (s *Server) supplierEvents(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	evs, err := s.svc.SupplierHistory(r.Context(), actor, id)
	if err != nil {
		return err
	}
	out := []SupplierEventView{}
	for _, e := range evs {
		out = append(out, SupplierEventView{Seq: e.Seq, At: e.At, Actor: e.Actor, Action: e.Action, Details: e.Details})
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": out})
	return nil
}

// SupplierShipBody is POST /api/v1/supplier-rmas/{sid}/ship.
type SupplierShipBody struct {
	Carrier   string `json:"carrier"`
	Tracking  string `json:"tracking,omitempty"`
	Shipped   string `json:"shipped,omitempty"`
	Reference string `json:"reference,omitempty"`
}

func (s *Server) shipToSupplier(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	// A supplier RMA that is not there is 404 whatever else is wrong; the
	// body is read before If-Match, so a bad one is named either way.
	if _, err := s.svc.SupplierRMA(r.Context(), actor, id); err != nil {
		return err
	}
	var b SupplierShipBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	version, err := supplierIfMatch(r, id)
	if err != nil {
		return err
	}
	sh := rma.SupplierShipment{Carrier: b.Carrier, Tracking: b.Tracking, Reference: b.Reference}
	if b.Shipped != "" {
		if sh.Shipped, err = calendar.ParseDate(b.Shipped); err != nil {
			return rma.Invalid("shipped", "%q is not a date (YYYY-MM-DD)", b.Shipped)
		}
	}
	sr, err := s.svc.ShipToSupplier(r.Context(), actor, id, version, sh)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", supplierETag(sr))
	writeJSON(w, http.StatusOK, s.supplierRMAView(r, actor, sr))
	return nil
}

// VerdictsBody is POST /api/v1/supplier-rmas/{sid}/verdicts.
type VerdictsBody struct {
	Lines []VerdictBody `json:"lines"`
}

// VerdictBody is the supplier's verdict on one line.
type VerdictBody struct {
	RMA               int64      `json:"rma"`
	Line              int        `json:"line"`
	Verdict           string     `json:"verdict"`
	Remedy            string     `json:"remedy,omitempty"`
	ReplacementSerial string     `json:"replacement_serial,omitempty"`
	Credit            *MoneyJSON `json:"credit,omitempty"`
	Charge            *MoneyJSON `json:"charge,omitempty"`
	Notes             string     `json:"notes,omitempty"`
}

func (s *Server) supplierVerdicts(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	// A supplier RMA that is not there is 404 whatever else is wrong; the
	// body is read before If-Match, so a bad one is named either way.
	if _, err := s.svc.SupplierRMA(r.Context(), actor, id); err != nil {
		return err
	}
	var b VerdictsBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	version, err := supplierIfMatch(r, id)
	if err != nil {
		return err
	}
	var vs []rma.VerdictRequest
	for i, l := range b.Lines {
		field := fmt.Sprintf("lines[%d]", i)
		v := rma.VerdictRequest{RMAID: l.RMA, LineNo: l.Line, Verdict: rma.SupplierVerdict(l.Verdict), Remedy: rma.SupplierRemedy(l.Remedy),
			ReplacementSerial: l.ReplacementSerial, Notes: l.Notes}
		if v.Credit, err = parseMoney(field+".credit", l.Credit); err != nil {
			return err
		}
		if v.Charge, err = parseMoney(field+".charge", l.Charge); err != nil {
			return err
		}
		vs = append(vs, v)
	}
	sr, err := s.svc.RecordSupplierVerdicts(r.Context(), actor, id, version, vs)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", supplierETag(sr))
	writeJSON(w, http.StatusOK, s.supplierRMAView(r, actor, sr))
	return nil
}

// RMASupplierView is what an RMA's view shows of its supplier steps. The
// desk sees the supplier, its verdicts and the money; a requester sees
// only which lines are at the supplier and the verdicts (its policy makes
// them its own: they decide how its lines end).
type RMASupplierView struct {
	Lines           []SupplierLineView `json:"lines"`
	Recovered       []MoneyJSON        `json:"recovered,omitempty"`        // desk only: the suppliers' credits
	SupplierCharges []MoneyJSON        `json:"supplier_charges,omitempty"` // desk only
	NetCost         []MoneyJSON        `json:"net_cost,omitempty"`         // desk only: credits and refunds given plus supplier charges, less requester charges and recovery
}

// rmaSupplierView is nil for an RMA no line of which went to a supplier,
// unless the actor is the desk (which sees the net cost of every RMA).
func rmaSupplierView(r *rma.RMA, actor rma.Actor) *RMASupplierView {
	// A list's items are read without their lines, charges or supplier
	// lines: a net cost there would be made of nothing.
	if len(r.Lines) == 0 || len(r.Supplier) == 0 && !actor.Role.IsDesk() {
		return nil
	}
	v := &RMASupplierView{Lines: []SupplierLineView{}}
	for _, l := range r.Supplier {
		if actor.Role.IsDesk() {
			v.Lines = append(v.Lines, supplierLineView(l))
			continue
		}
		v.Lines = append(v.Lines, SupplierLineView{RMA: l.RMAID, RMANumber: l.RMANumber, Line: l.LineNo, Verdict: l.Verdict})
	}
	if actor.Role.IsDesk() {
		rec := r.Recovery()
		v.Recovered, v.SupplierCharges, v.NetCost = []MoneyJSON{}, []MoneyJSON{}, []MoneyJSON{}
		for _, m := range rec.Recovered {
			v.Recovered = append(v.Recovered, moneyView(m))
		}
		for _, m := range rec.SupplierCharges {
			v.SupplierCharges = append(v.SupplierCharges, moneyView(m))
		}
		for _, m := range rec.NetCost {
			v.NetCost = append(v.NetCost, moneyView(m))
		}
	}
	return v
}

// SupplierLinesBody is POST /api/v1/supplier-rmas/{sid}/lines.
type SupplierLinesBody struct {
	Lines []ForwardLineBody `json:"lines"`
}

// addSupplierLines adds lines to a supplier RMA not shipped yet.
func (s *Server) addSupplierLines(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	id, err := pathID(r, "sid")
	if err != nil {
		return err
	}
	if _, err := s.svc.SupplierRMA(r.Context(), actor, id); err != nil {
		return err
	}
	var b SupplierLinesBody
	if err := decodeJSON(w, r, &b); err != nil {
		return err
	}
	version, err := supplierIfMatch(r, id)
	if err != nil {
		return err
	}
	var lines []rma.LineRef
	for _, l := range b.Lines {
		lines = append(lines, rma.LineRef{RMAID: l.RMA, LineNo: l.Line})
	}
	sr, err := s.svc.AddToSupplierRMA(r.Context(), actor, id, version, lines)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", supplierETag(sr))
	writeJSON(w, http.StatusOK, s.supplierRMAView(r, actor, sr))
	return nil
}
