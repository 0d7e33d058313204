package notify

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"strings"
	texttemplate "text/template"
	"time"
)

// The texts are templates rather than Go code so that a translator (or a
// desk that wants its own wording) edits words, not switch statements.
// Layout: templates/layout.{txt,html} hold what every message shares;
// templates/LANG/common.{txt,html} the per-language pieces (portal link,
// footer); templates/LANG/EVENT.txt defines "subject" and "body", and
// templates/LANG/EVENT.html defines "body". The plain text goes through
// text/template and the HTML through html/template, which escapes every
// fact for its context (element, attribute, URL), so a reason a requester
// typed cannot inject markup or a javascript: link.
//
//go:embed templates
var templateFS embed.FS

// Languages are the languages the messages are written in; the first is
// the one used for any other language.
var Languages = []string{"en", "nl"}

// templatedEvents are the events with templates of their own; any other
// event gets the "other" templates, which say the RMA's new state.
var templatedEvents = []Event{Submitted, NeedsInfo, Authorized, Rejected, ExpiresSoon, NumberExpired,
	Resolved, DeadlineDue, Overdue, PasswordReset, AtSupplier, BackFromSupplier, MessagePosted,
	AdvanceNotReturned, Invitation, WebhookDisabled}

const otherTemplates = "other"

// messageTemplates are the parsed templates of one event in one language.
type messageTemplates struct {
	text *texttemplate.Template // "subject" and "text"
	html *htmltemplate.Template // "html"
}

// templates is parsed once at start-up: the files are embedded, so an
// error is a bug in them, and failing at once beats failing on the first
// notification hours later. The tests render every event in every language.
var templates = mustParseTemplates(templateFS)

func mustParseTemplates(fsys fs.FS) map[string]map[Event]messageTemplates {
	t, err := parseTemplates(fsys)
	if err != nil {
		panic(err)
	}
	return t
}

func parseTemplates(fsys fs.FS) (map[string]map[Event]messageTemplates, error) {
	out := make(map[string]map[Event]messageTemplates, len(Languages))
	for _, lang := range Languages {
		out[lang] = make(map[Event]messageTemplates)
		funcs := languageFuncs(lang)
		for _, ev := range append([]Event{otherTemplates}, templatedEvents...) {
			files := func(ext string) []string {
				return []string{"templates/layout." + ext, "templates/" + lang + "/common." + ext,
					"templates/" + lang + "/" + string(ev) + "." + ext}
			}
			// Each event is its own template set: every event file defines
			// "subject" and "body", which would clash in one set.
			text, err := texttemplate.New(string(ev)).Option("missingkey=error").
				Funcs(texttemplate.FuncMap(funcs)).ParseFS(fsys, files("txt")...)
			if err != nil {
				return nil, fmt.Errorf("notify templates %s/%s: %w", lang, ev, err)
			}
			html, err := htmltemplate.New(string(ev)).Option("missingkey=error").
				Funcs(htmltemplate.FuncMap(funcs)).ParseFS(fsys, files("html")...)
			if err != nil {
				return nil, fmt.Errorf("notify templates %s/%s: %w", lang, ev, err)
			}
			for _, name := range []string{"subject", "text", "body", "portal", "footer"} {
				if text.Lookup(name) == nil {
					return nil, fmt.Errorf("notify templates %s/%s.txt: no %q", lang, ev, name)
				}
			}
			for _, name := range []string{"html", "body", "portal", "footer"} {
				if html.Lookup(name) == nil {
					return nil, fmt.Errorf("notify templates %s/%s.html: no %q", lang, ev, name)
				}
			}
			out[lang][ev] = messageTemplates{text: text, html: html}
		}
	}
	return out, nil
}

// view is what the templates see: the facts, plus what every message
// derives from them.
type view struct {
	Facts
	Event   Event
	Lang    string
	Name    string // how the message names the RMA: its number (or id) and the requester's reference
	Subject string // the rendered subject, for the HTML <title>
}

// Render writes the message for an event in a language ("en", "nl"; a
// regional tag such as "nl-BE" counts as its language; empty means
// f.Lang; anything else is English): a one-line subject, the plain text,
// and the HTML version of the same text.
func Render(ev Event, f Facts, lang string) (subject, text, html string) {
	subject, text, html, err := render(ev, f, lang)
	if err != nil {
		// The templates are tested over every event and language, so this
		// is a bug; still, a plain message beats no message.
		return fallback(ev, f)
	}
	return subject, text, html
}

func render(ev Event, f Facts, lang string) (subject, text, html string, err error) {
	if lang == "" {
		lang = f.Lang
	}
	lang = Language(lang)
	set, ok := templates[lang][ev]
	if !ok {
		set = templates[lang][otherTemplates]
	}
	v := view{Facts: f, Event: ev, Lang: lang, Name: rmaName(f)}
	if !AboutAnRMA(ev) {
		// Not about an RMA: a link to one would only distract from the
		// message's own link.
		v.PortalURL = ""
	}
	return set.execute(v)
}

func (t messageTemplates) execute(v view) (subject, text, html string, err error) {
	var b bytes.Buffer
	if err := t.text.ExecuteTemplate(&b, "subject", v); err != nil {
		return "", "", "", err
	}
	// A subject is one header line: whatever a fact holds (a newline in a
	// reference), it is folded into single spaces.
	v.Subject = strings.Join(strings.Fields(b.String()), " ")
	b.Reset()
	if err := t.text.ExecuteTemplate(&b, "text", v); err != nil {
		return "", "", "", err
	}
	text = tidyText(b.String())
	b.Reset()
	if err := t.html.ExecuteTemplate(&b, "html", v); err != nil {
		return "", "", "", err
	}
	return v.Subject, text, strings.TrimSpace(b.String()) + "\n", nil
}

// Language maps a language tag to one the messages are written in:
// "nl", "nl-BE" and "NL" are Dutch; everything else is English.
func Language(tag string) string {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
	base, _, _ = strings.Cut(base, "_")
	for _, l := range Languages {
		if base == l {
			return l
		}
	}
	return Languages[0]
}

// rmaName is how a message names the RMA: by its number once it has one,
// with the requester's own reference, which is what they search their
// mail for.
func rmaName(f Facts) string {
	name := f.Number
	if name == "" {
		name = fmt.Sprintf("RMA %d", f.RMAID)
	}
	if f.Reference != "" {
		name += " (" + f.Reference + ")"
	}
	return name
}

// tidyText lets the text templates be written for legibility: it drops
// trailing spaces and the blank lines that {{if}} and {{range}} leave,
// keeping at most one blank line between paragraphs.
func tidyText(s string) string {
	var b strings.Builder
	blank := false
	for line := range strings.SplitSeq(s, "\n") {
		line = strings.TrimRight(line, " \t\r")
		if line == "" {
			blank = b.Len() > 0
			continue
		}
		if blank {
			b.WriteString("\n")
			blank = false
		}
		b.WriteString(line)
		b.WriteString("\n")
	}
	return b.String()
}

// fallback is the message when a template fails: plain English, the HTML
// being the escaped text.
func fallback(ev Event, f Facts) (subject, text, html string) {
	name := rmaName(f)
	subject = strings.Join(strings.Fields(string(ev)+": "+name), " ")
	text = "The state of " + name + " is now " + f.State + ".\n"
	return subject, text, "<p>" + htmltemplate.HTMLEscapeString(strings.TrimSpace(text)) + "</p>\n"
}

// languageFuncs are the template functions that depend on the language.
func languageFuncs(lang string) map[string]any {
	return map[string]any{
		"date":    func(s string) string { return formatDate(lang, s) },
		"outcome": func(s string) string { return outcomeText(lang, s) },
		"state":   func(s string) string { return stateText(lang, s) }, // states.go
	}
}

var (
	dutchMonths = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli",
		"augustus", "september", "oktober", "november", "december"}
	dutchWeekdays = [...]string{"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"}
)

// formatDate writes a "YYYY-MM-DD" date out in words with its weekday,
// "Wednesday 1 April 2026" or "woensdag 1 april 2026": an ISO date is
// easily misread as a deadline, and the weekday tells whether a courier
// still collects before it. Anything else is left as it is.
func formatDate(lang, s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	if lang == "nl" {
		return fmt.Sprintf("%s %d %s %d", dutchWeekdays[d.Weekday()], d.Day(), dutchMonths[d.Month()-1], d.Year())
	}
	return d.Format("Monday 2 January 2006")
}

// dutchOutcomes names rma.Outcomes in Dutch.
var dutchOutcomes = map[string]string{
	"credited":            "gecrediteerd",
	"replaced":            "vervangen",
	"repaired":            "gerepareerd",
	"refunded":            "terugbetaald",
	"remote_fix":          "op afstand opgelost",
	"returned_unrepaired": "ongerepareerd teruggestuurd",
	"no_fault_found":      "geen defect gevonden",
	"withdrawn":           "ingetrokken",
}

// outcomeText names an outcome for a reader: "no_fault_found" is "no
// fault found", or "geen defect gevonden" in Dutch.
func outcomeText(lang, outcome string) string {
	if lang == "nl" {
		if s, ok := dutchOutcomes[outcome]; ok {
			return s
		}
	}
	return strings.ReplaceAll(outcome, "_", " ")
}

// NewMessage renders the message for an event into a Message with both
// the plain text and the HTML version: what a caller that sends email
// (rather than logs) wants from Render.
func NewMessage(id, to string, ev Event, f Facts, lang string) Message {
	subject, text, html := Render(ev, f, lang)
	return Message{ID: id, To: to, Subject: subject, Text: text, HTML: html}
}
