package notify

import (
	"flag"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const script = `<script>alert("x")</script>`

// fullFacts has every fact set, with a reason that tries to inject markup.
func fullFacts() Facts {
	return Facts{
		RMAID:               42,
		Number:              "RMA-2026-0042",
		Reference:           "PO 7781",
		Policy:              "dexxon",
		State:               "authorized",
		Expires:             "2026-04-01",
		Reason:              "Send a photo of the serial label " + script + " & the invoice",
		Outcome:             "no_fault_found",
		Deadline:            "evaluation",
		Due:                 "2026-04-03",
		Instructions:        []string{"Return the product complete, with all its accessories.", "Enclose a copy of the invoice."},
		ReturnAddress:       []string{"Dexxon Data Media and Storage B.V.", "RMA-2026-0042", "Curieweg 15", "2408 BZ Alphen aan den Rijn", "Netherlands"},
		LabelAttached:       true,
		PortalURL:           "https://rma.example.com/rmas/42?tab=history&x=1",
		Desk:                "Dexxon Returns",
		ResetURL:            "https://rma.example.com/reset?token=abc123&u=7",
		ResetExpires:        "2026-04-01",
		InviteURL:           "https://rma.example.com/invite/abc123",
		InviteExpires:       "2026-04-08",
		InviteOrg:           "Dexxon Benelux",
		InvitedBy:           "ada@desk.example",
		WebhookURL:          "https://erp.example/hooks?src=rma&x=1",
		WebhookFailingSince: "2026-03-20",
		MessageAuthor:       "agent@desk.example",
		MessageBody:         "The station has the unit " + script + " & tests it today.",

		AdvanceSerial: "NVS48-900001",
		AdvanceDue:    "2026-03-24",
		AdvanceAmount: "1,450.00 EUR",
	}
}

// keyFacts are the values each event's message must state, as they read
// in lang; every message about an RMA also names it by its number.
func keyFacts(ev Event, f Facts, lang string) []string {
	date := func(s string) string { return formatDate(lang, s) }
	switch ev {
	case Submitted:
		return []string{f.Number, f.Reference, f.Policy}
	case NeedsInfo, Rejected, BackFromSupplier:
		return []string{f.Number, f.Reason}
	case AtSupplier:
		return []string{f.Number}
	case Authorized:
		return append(append([]string{f.Number, date(f.Expires)}, f.Instructions...), f.ReturnAddress...)
	case ExpiresSoon, NumberExpired:
		return []string{f.Number, date(f.Expires)}
	case Resolved:
		return []string{f.Number, outcomeText(lang, f.Outcome)}
	case DeadlineDue, Overdue:
		return []string{f.Number, f.Deadline, date(f.Due)}
	case PasswordReset:
		return []string{f.ResetURL, date(f.ResetExpires)}
	case Invitation:
		return []string{f.InviteURL, date(f.InviteExpires), f.InviteOrg, f.InvitedBy}
	case WebhookDisabled:
		return []string{f.WebhookURL, date(f.WebhookFailingSince)}
	case MessagePosted:
		return []string{f.Number, f.MessageAuthor, f.MessageBody}
	case AdvanceNotReturned:
		return []string{f.Number, f.AdvanceSerial, date(f.AdvanceDue), f.AdvanceAmount}
	}
	return []string{f.Number, stateText(lang, f.State)}
}

func TestRenderEveryEventAndLanguage(t *testing.T) {
	f := fullFacts()
	for _, ev := range append(templatedEvents, "reopened") {
		for _, lang := range Languages {
			t.Run(string(ev)+"/"+lang, func(t *testing.T) {
				subject, text, htm, err := render(ev, f, lang)
				if err != nil {
					t.Fatal(err)
				}
				if subject == "" || strings.ContainsAny(subject, "\r\n") {
					t.Errorf("subject %q: want one non-empty line", subject)
				}
				for name, s := range map[string]string{"subject": subject, "text": text, "html": htm} {
					if strings.Contains(s, "<no value>") {
						t.Errorf("%s has <no value>:\n%s", name, s)
					}
				}
				if AboutAnRMA(ev) && !strings.Contains(subject, f.Number) {
					t.Errorf("subject %q does not name %s", subject, f.Number)
				}
				for _, want := range keyFacts(ev, f, lang) {
					if !strings.Contains(text, want) {
						t.Errorf("text lacks %q:\n%s", want, text)
					}
					if !strings.Contains(htm, html.EscapeString(want)) {
						t.Errorf("html lacks %q:\n%s", html.EscapeString(want), htm)
					}
				}
				// The reason is the requester's or an agent's free text: in
				// HTML it is text, never markup.
				if strings.Contains(htm, "<script") {
					t.Errorf("html carries a script element:\n%s", htm)
				}
				if strings.Contains(text, f.Reason) && !strings.Contains(htm, "&lt;script&gt;") {
					t.Errorf("html does not escape the reason:\n%s", htm)
				}
				if !strings.Contains(htm, `<html lang="`+lang+`">`) {
					t.Errorf("html is not marked as %s", lang)
				}
				portal := html.EscapeString(f.PortalURL)
				if !AboutAnRMA(ev) {
					if strings.Contains(text, f.PortalURL) || strings.Contains(htm, portal) {
						t.Errorf("%s links to an RMA", ev)
					}
				} else if !strings.Contains(text, f.PortalURL) || !strings.Contains(htm, `href="`+portal+`"`) {
					t.Errorf("no portal link:\n%s\n%s", text, htm)
				}
				if !strings.Contains(text, f.Desk) || !strings.Contains(htm, f.Desk) {
					t.Errorf("not signed by %s", f.Desk)
				}
			})
		}
	}
}

// TestRenderWithFewFacts: a message about an RMA that has no number yet,
// no reason, no dates still reads without gaps or template errors.
func TestRenderWithFewFacts(t *testing.T) {
	for _, ev := range append(templatedEvents, "reopened") {
		for _, lang := range Languages {
			subject, text, htm, err := render(ev, Facts{RMAID: 9}, lang)
			if err != nil {
				t.Fatalf("%s/%s: %v", ev, lang, err)
			}
			for _, s := range []string{subject, text, htm} {
				if strings.Contains(s, "<no value>") || strings.Contains(s, "  ") && s != htm {
					t.Errorf("%s/%s: %q", ev, lang, s)
				}
			}
			if AboutAnRMA(ev) && !strings.Contains(subject, "RMA 9") {
				t.Errorf("%s/%s: subject %q does not name RMA 9", ev, lang, subject)
			}
			if !strings.Contains(text, "rmadesk") {
				t.Errorf("%s/%s: no default signature:\n%s", ev, lang, text)
			}
		}
	}
}

// TestTranslated: the Dutch message is not the English one.
func TestTranslated(t *testing.T) {
	f := fullFacts()
	for _, ev := range append(templatedEvents, "reopened") {
		enS, enT, enH := Render(ev, f, "en")
		nlS, nlT, nlH := Render(ev, f, "nl")
		if enS == nlS || enT == nlT || enH == nlH {
			t.Errorf("%s: the Dutch message equals the English one", ev)
		}
	}
}

func TestRenderAuthorizedLabelLine(t *testing.T) {
	for _, tc := range []struct {
		lang, phrase string
	}{{"en", "label is attached"}, {"nl", "retourlabel zit als bijlage"}} {
		f := fullFacts()
		_, text, htm := Render(Authorized, f, tc.lang)
		if !strings.Contains(text, tc.phrase) || !strings.Contains(htm, tc.phrase) {
			t.Errorf("%s: label attached, but no %q:\n%s", tc.lang, tc.phrase, text)
		}
		f.LabelAttached = false
		_, text, htm = Render(Authorized, f, tc.lang)
		if strings.Contains(text, tc.phrase) || strings.Contains(htm, tc.phrase) {
			t.Errorf("%s: no label, yet %q:\n%s", tc.lang, tc.phrase, text)
		}
	}
}

// TestRenderHostileFacts: facts are data wherever they land.
func TestRenderHostileFacts(t *testing.T) {
	f := fullFacts()
	f.PortalURL = "javascript:alert(1)"
	f.ResetURL = "javascript:alert(2)"
	f.Reference = "PO 1\r\nBcc: everyone@example.com"
	f.Desk = `<img src=x onerror="alert(3)">`
	f.InviteURL = "javascript:alert(4)"
	for _, ev := range []Event{NeedsInfo, PasswordReset, Invitation} {
		subject, _, htm := Render(ev, f, "en")
		if strings.ContainsAny(subject, "\r\n") {
			t.Errorf("%s: subject spans lines: %q", ev, subject)
		}
		// A javascript: URL may stay as visible text; it must never be a link.
		if strings.Contains(htm, `href="javascript:`) || strings.Contains(htm, "<img") {
			t.Errorf("%s: html lets through a hostile fact:\n%s", ev, htm)
		}
	}
}

func TestRenderLanguageChoice(t *testing.T) {
	f := Facts{RMAID: 1, Number: "RMA-1"}
	nl, _, _ := Render(Submitted, f, "nl")
	for _, tc := range []struct {
		lang, factsLang string
		want            string
	}{
		{"nl", "", nl},
		{"nl-BE", "", nl},
		{"NL_nl", "", nl},
		{"", "nl", nl},                  // the recipient's language from the facts
		{"en", "nl", "Received: RMA-1"}, // an explicit language wins
		{"fr", "", "Received: RMA-1"},   // no French: English
		{"", "", "Received: RMA-1"},
	} {
		f.Lang = tc.factsLang
		if got, _, _ := Render(Submitted, f, tc.lang); got != tc.want {
			t.Errorf("Render(%q, Lang %q) subject = %q, want %q", tc.lang, tc.factsLang, got, tc.want)
		}
	}
}

// TestCompose: Compose is the English text of Render, with the subjects
// the job runner's tests (and people's mail filters) know.
func TestCompose(t *testing.T) {
	f := fullFacts()
	name := "RMA-2026-0042 (PO 7781)"
	for ev, want := range map[Event]string{
		Submitted:     "Received: " + name,
		NeedsInfo:     "More information needed: " + name,
		Authorized:    "Authorized: " + name,
		Rejected:      "Not accepted: " + name,
		ExpiresSoon:   "RMA number expires soon: " + name,
		NumberExpired: "RMA number expired: " + name,
		Resolved:      "Resolved: " + name,
		DeadlineDue:   "Due today: evaluation for " + name,
		Overdue:       "Overdue: evaluation for " + name,
		"reopened":    "reopened: " + name,
	} {
		subject, text := Compose(ev, f)
		if subject != want {
			t.Errorf("Compose(%s) subject = %q, want %q", ev, subject, want)
		}
		if s, tx, _ := Render(ev, f, "en"); s != subject || tx != text {
			t.Errorf("Compose(%s) is not Render's English text", ev)
		}
	}
}

func TestFormatDate(t *testing.T) {
	for _, tc := range []struct{ lang, in, want string }{
		{"en", "2026-04-01", "Wednesday 1 April 2026"},
		{"nl", "2026-04-01", "woensdag 1 april 2026"},
		{"nl", "2026-12-27", "zondag 27 december 2026"},
		{"en", "2026-04-01 14:00 UTC", "2026-04-01 14:00 UTC"}, // not a date: as it is
		{"nl", "", ""},
	} {
		if got := formatDate(tc.lang, tc.in); got != tc.want {
			t.Errorf("formatDate(%s, %q) = %q, want %q", tc.lang, tc.in, got, tc.want)
		}
	}
}

// TestParseTemplatesReportsMissing: a language without an event's file
// fails at start-up, not at the first notification.
func TestParseTemplatesReportsMissing(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, name := range []string{"templates/layout.txt", "templates/layout.html"} {
		b, err := templateFS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: b}
	}
	if _, err := parseTemplates(fsys); err == nil || !strings.Contains(err.Error(), "en/") {
		t.Fatalf("parseTemplates without language files: %v", err)
	}
}

// TestGolden keeps every rendered message in testdata/, one file per
// language, so that a change of wording shows in review. Refresh with
// go test ./internal/notify -run TestGolden -update.
func TestGolden(t *testing.T) {
	f := fullFacts()
	for _, lang := range Languages {
		var b strings.Builder
		for _, ev := range append(templatedEvents, "reopened") {
			subject, text, htm := Render(ev, f, lang)
			fmt.Fprintf(&b, "==== %s\nSubject: %s\n\n%s\n---- html\n%s\n", ev, subject, text, htm)
		}
		path := filepath.Join("testdata", "render_"+lang+".golden")
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if b.String() != string(want) {
			t.Errorf("%s differs from the rendering; if the change is meant, run with -update", path)
		}
	}
}
