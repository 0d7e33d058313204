package web

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// The public warranty check (issue 16): /warranty, for anyone, signed in
// or not. A person gives the serial on the label (and the model or the
// purchase date where the desk asks for one) and reads whether the unit is
// in warranty, until when, under which policy, and how to file, in English
// or Dutch; never who bought it. The form posts, so the serial stays out
// of the address bar and the server's logs. Each client address may check
// Config.WarrantyChecksPerMinute serials a minute (this instance's count).

// defaultWarrantyChecksPerMinute matches the API's default.
const defaultWarrantyChecksPerMinute = 10

func (s *Server) warrantyRoutes() {
	s.mux.HandleFunc("GET /warranty", s.warrantyPage)
	s.mux.HandleFunc("POST /warranty", s.warrantyCheck)
}

// warrantyLimiter counts a client address's checks in the last minute.
type warrantyLimiter struct {
	once sync.Once
	l    *limiter
}

func (s *Server) checkLimit() *limiter {
	s.warranty.once.Do(func() {
		n := s.cfg.WarrantyChecksPerMinute
		if n == 0 {
			n = defaultWarrantyChecksPerMinute
		}
		if n > 0 {
			s.warranty.l = newLimiter(int(math.Ceil(n)), time.Minute)
		}
	})
	return s.warranty.l
}

type warrantyForm struct {
	Serial, Model, PurchaseDate string
	AskModel, AskDate, Either   bool // which second factors the form shows
	ModelRequired, DateRequired bool
	Errors                      map[string]string // by field
	Answer                      *warrantyResult
}

// warrantyResult is an answer in the page's language.
type warrantyResult struct {
	Answer      string // rma.Answer*
	Until       string
	PolicyTitle string
	Vendor      string
	Files       bool   // the person may file here
	Refusal     string // the policy's words instead, in the page's language
}

func (s *Server) publicPage(r *http.Request) *page {
	p := &page{translator: translator{language(r)}, request: r, Path: "/warranty"}
	p.Title = p.T("wc.title")
	return p
}

// warrantyForm is the form as the desk's settings shape it.
func (s *Server) warrantyFormFor(r *http.Request, p *page) (*warrantyForm, bool) {
	set, err := s.svc.WarrantyCheckSettings(r.Context())
	if err != nil {
		return nil, false
	}
	if !set.Enabled {
		return nil, false
	}
	f := &warrantyForm{Errors: map[string]string{}}
	switch set.SecondFactor {
	case rma.FactorModel:
		f.AskModel, f.ModelRequired = true, true
	case rma.FactorPurchaseDate:
		f.AskDate, f.DateRequired = true, true
	case rma.FactorEither:
		f.AskModel, f.AskDate, f.Either = true, true, true
	}
	return f, true
}

func (s *Server) warrantyPage(w http.ResponseWriter, r *http.Request) {
	p := s.publicPage(r)
	f, ok := s.warrantyFormFor(r, p)
	if !ok {
		s.fail(w, r, p, rma.Errorf(rma.ENOTFOUND, "not found"))
		return
	}
	p.Data = f
	s.render(w, http.StatusOK, "warranty", p)
}

func (s *Server) warrantyCheck(w http.ResponseWriter, r *http.Request) {
	p := s.publicPage(r)
	f, ok := s.warrantyFormFor(r, p)
	if !ok {
		s.fail(w, r, p, rma.Errorf(rma.ENOTFOUND, "not found"))
		return
	}
	p.Data = f
	f.Serial = strings.TrimSpace(r.PostFormValue("serial"))
	f.Model = strings.TrimSpace(r.PostFormValue("model"))
	f.PurchaseDate = strings.TrimSpace(r.PostFormValue("purchase_date"))
	if l := s.checkLimit(); l != nil && !l.allow(clientIP(r)) {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(l.wait(clientIP(r)).Seconds()))))
		p.Error = p.T("wc.limited")
		s.render(w, http.StatusTooManyRequests, "warranty", p)
		return
	}
	q := rma.WarrantyQuery{Serial: f.Serial, Model: f.Model}
	for name, v := range map[string]string{"serial": f.Serial, "model": f.Model, "purchase_date": f.PurchaseDate} {
		if err := rma.CheckText(name, v, 200); err != nil {
			f.Errors[name] = p.T("wc.bad_text")
		}
	}
	if f.PurchaseDate != "" {
		d, err := calendar.ParseDate(f.PurchaseDate)
		if err != nil {
			f.Errors["purchase_date"] = p.T("wc.bad_date")
		}
		q.PurchaseDate = d
	}
	if f.Serial == "" {
		f.Errors["serial"] = p.T("wc.serial_required")
	}
	if len(f.Errors) == 0 {
		a, err := s.svc.CheckWarranty(r.Context(), q)
		switch {
		case rma.ErrorCode(err) == rma.EINVALID:
			field := err.(*rma.Error).Field
			switch field {
			case "model":
				f.Errors["model"] = p.T("wc.model_required")
				if f.Either {
					f.Errors["model"] = p.T("wc.either_required")
				}
			case "purchase_date":
				f.Errors["purchase_date"] = p.T("wc.date_required")
			default:
				f.Errors["serial"] = p.T("wc.bad_text")
			}
		case err != nil:
			s.fail(w, r, p, err)
			return
		default:
			f.Answer = s.resultIn(p, a)
		}
	}
	status := http.StatusOK
	if len(f.Errors) > 0 {
		status = http.StatusUnprocessableEntity
		p.Error = p.T("wc.fix")
	}
	s.render(w, status, "warranty", p)
}

// resultIn says an answer in the page's language: the policy's title and
// its refusal in the pack's translation, where it has one.
func (s *Server) resultIn(p *page, a *rma.WarrantyAnswer) *warrantyResult {
	res := &warrantyResult{Answer: a.Answer, Files: a.Files}
	if a.Answer != rma.AnswerInWarranty && a.Answer != rma.AnswerOutOfWarranty {
		return res
	}
	res.Until = a.Until.String()
	res.PolicyTitle, res.Vendor = packText(a.Policy, p.lang, "title", a.Policy.Title), a.Policy.Vendor.Name
	if rf := a.Refusal; rf != nil {
		res.Refusal = packText(a.Policy, p.lang, rf.Key, rf.Text)
	}
	return res
}

// packText is a pack's text in lang, else as the pack writes it.
func packText(pol *policy.Policy, lang, key, fallback string) string {
	if key != "" {
		if t, ok := pol.Text(lang, key); ok && t != "" {
			return t
		}
	}
	return fallback
}
