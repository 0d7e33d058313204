package api

import (
	"net"
	"net/http"
	"strconv"

	"github.com/rmadesk/rmadesk/internal/filestore"
	"github.com/rmadesk/rmadesk/internal/notify"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// GET /api/v1/settings: the desk's settings at a glance, what the portal's
// /admin/settings shows and the settings pages beside it summed up: the
// version, the database, the address in emails, the mail relay as
// configured (never its password), the desk's clock, where files are
// kept, whether staff sign in through a provider, the public warranty
// check's settings. Admins only. Read-only: each part is changed on its
// own route (settings/sign-in, settings/warranty-check, clock/advance) or
// by the deployment (flags and environment).

func (s *Server) settingsRoutes() []Route {
	return []Route{{Method: "GET", Path: v1 + "/settings", Op: rma.OpAdminister, handler: s.getSettings}}
}

// SettingsView is GET /api/v1/settings.
type SettingsView struct {
	Version        string                    `json:"version"`
	Database       string                    `json:"database"`   // sqlite, postgres; "" when the store does not say
	PublicURL      string                    `json:"public_url"` // the address in emails and links
	VATBasisPoints int                       `json:"vat_basis_points"`
	Mail           MailSettingsView          `json:"mail"`
	Clock          ClockView                 `json:"clock"`
	Files          string                    `json:"files"` // directory, s3; "" when none or not known
	SignIn         SignInSummary             `json:"sign_in"`
	WarrantyCheck  WarrantyCheckSettingsBody `json:"warranty_check"`
	API            APILimitsView             `json:"api"`
}

// APILimitsView is what an API client may send.
type APILimitsView struct {
	RequestsPerSecond float64 `json:"requests_per_second"` // per API key; 0: unlimited
	Burst             int     `json:"burst"`               // calls at once
	MaxUploadBytes    int64   `json:"max_upload_bytes"`
	MaxBulkIDs        int     `json:"max_bulk_ids"`
}

// MailSettingsView is the mail relay as configured, without its password.
type MailSettingsView struct {
	// Mode: smtp (a relay), log (mail is only written to the log: no
	// relay is set), none (the desk sends no mail).
	Mode  string `json:"mode"`
	Relay string `json:"relay,omitempty"` // host:port
	TLS   string `json:"tls,omitempty"`   // starttls, opportunistic, tls, none
	Login bool   `json:"login"`           // it logs in to the relay (the password is never shown)
	From  string `json:"from,omitempty"`
}

// SignInSummary says whether staff sign in through a provider.
type SignInSummary struct {
	Enabled        bool   `json:"enabled"`
	FromDeployment bool   `json:"from_deployment"`
	Name           string `json:"name,omitempty"`
	Issuer         string `json:"issuer,omitempty"`
	StaffPasswords bool   `json:"staff_passwords"`
}

func (s *Server) getSettings(w http.ResponseWriter, r *http.Request, actor rma.Actor) error {
	v := SettingsView{Version: s.version, PublicURL: s.publicURL, VATBasisPoints: s.vat, Clock: s.clockView(s.clock.State()),
		API: APILimitsView{RequestsPerSecond: s.rate, Burst: s.burst, MaxUploadBytes: s.maxUpload, MaxBulkIDs: MaxBulkIDs}}
	if v.Version == "" {
		v.Version = "dev"
	}
	if d, ok := s.svc.Store().(interface{ Dialect() string }); ok {
		v.Database = d.Dialect()
	}
	switch m := s.mail.(type) {
	case nil:
		v.Mail.Mode = "none"
	case notify.LogSender, *notify.LogSender:
		v.Mail.Mode = "log"
	case *notify.SMTPSender:
		info := m.Relay()
		v.Mail = MailSettingsView{Mode: "smtp", Relay: net.JoinHostPort(info.Host, strconv.Itoa(info.Port)), TLS: string(info.TLS), Login: info.Login, From: info.From}
	default:
		v.Mail.Mode = "other"
	}
	switch s.files.(type) {
	case *filestore.Dir:
		v.Files = "directory"
	case *filestore.Bucket:
		v.Files = "s3"
	}
	set, _, err := s.signInSettings(r.Context())
	if err != nil {
		return err
	}
	v.SignIn = SignInSummary{Enabled: set.Enabled(), FromDeployment: set.FromDeployment, Name: set.Name, Issuer: set.Issuer, StaffPasswords: set.StaffPasswords}
	checks, err := s.svc.WarrantyCheckSettings(r.Context())
	if err != nil {
		return err
	}
	v.WarrantyCheck = settingsView(checks)
	writeJSON(w, http.StatusOK, v)
	return nil
}
