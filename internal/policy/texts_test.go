package policy_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/rmadesk/rmadesk/internal/policy"
	"github.com/rmadesk/rmadesk/policies"
)

// TestEveryTextHasDutch: every text key of every version of every seed
// pack has a Dutch text, so the Dutch portal and mails never fall back.
func TestEveryTextHasDutch(t *testing.T) {
	set, err := policy.LoadFS(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range set.All() {
		if len(p.Texts()) == 0 {
			t.Errorf("%s %s: no text keys at all", p.ID, p.Version)
		}
		if missing := p.Missing("nl"); len(missing) > 0 {
			t.Errorf("%s %s (%s): no Dutch text for %s", p.ID, p.Version, p.Source, strings.Join(missing, ", "))
		}
	}
}

// TestReasonsInDutch: the engine's sentences are composed again from the
// reasons' wordings and values, with the pack's Dutch texts, not
// translated from the English.
func TestReasonsInDutch(t *testing.T) {
	tests := []struct {
		name, pack, claim string
		want              []string
	}{
		{"holiday and term", "pixfra", `{"requester": {"role": "distributor", "country": "DE"}, "product": {"category": "thermal-camera"},
			"dates": {"invoice": "2022-10-02", "reported": "2025-10-08"},
			"documents": ["vendor_invoice", "purchase_receipt", "shipping_document", "label_photo", "appearance_photo"]}`, []string{
			"de laatste dag, 2025-10-01, is een officiële feestdag in China (Nationale feestdag en Midherfstfeest): de eerste werkdag daarna, 2025-10-09, is de laatste dag",
			"in garantie: 3 jaar vanaf de factuurdatum 2022-10-02, laatste dag 2025-10-09",
		}},
		{"pack texts: refusal", "pixfra", `{"requester": {"role": "end_user", "country": "DE"}, "product": {"category": "thermal-camera"},
			"dates": {"invoice": "2024-10-02", "reported": "2025-10-08"}}`, []string{
			"De RMA-service van Pixfra is er voor erkende distributeurs. Bent u eindgebruiker, neem dan contact op met de verkoper bij wie u de producten hebt gekocht; die helpt u verder met de RMA.",
		}},
		{"missing documents with the pack's note, exclusion", "pixfra", `{"requester": {"role": "distributor", "country": "DE"}, "product": {"category": "thermal-camera"},
			"dates": {"invoice": "2024-09-01", "reported": "2025-10-08"}, "conditions": ["labels_removed"], "documents": ["vendor_invoice", "label_photo"]}`, []string{
			"in garantie: 3 jaar vanaf de factuurdatum 2024-09-01, laatste dag 2027-08-31",
			"De labels van het product zijn verwijderd; het RMA-beleid is niet van toepassing, reparatie is mogelijk tegen betaling.",
			"De foto van het hele apparaat is vereist: een duidelijke foto van het hele product",
			"De aankoopbon is vereist: (a) een verkoopfactuur of kassabon waaruit de verkoop aan de dealer en de datum daarvan blijken",
			"Het verzenddocument is vereist: (b) verzenddocumenten of -gegevens waaruit de datum van verzending aan de dealer blijkt",
		}},
		{"region not served", "pixfra", `{"requester": {"role": "distributor", "country": "CN"}, "product": {"category": "thermal-camera"},
			"dates": {"invoice": "2024-10-02", "reported": "2025-10-08"}}`, []string{
			"CN: het beleid geldt voor producten die erkende distributeurs buiten China bij Pixfra hebben gekocht.",
			"de garantie loopt vanaf de factuurdatum (met de factuur van de leverancier), anders vanaf de productiedatum; de claim geeft geen van deze gegevens",
		}},
		{"withdrawal window", "webstore4", `{"kind": "withdrawal", "requester": {"role": "consumer", "country": "NL"}, "product": {"category": "router"},
			"dates": {"delivered": "2025-10-01", "reported": "2025-10-20"}}`, []string{
			"bedenktijd van 14 dagen na de leverdatum 2025-10-01, laatste dag 2025-10-15, gemeld op 2025-10-20",
		}},
		{"dead on arrival, a plural document", "minicart", `{"requester": {"role": "consumer", "country": "ES"}, "product": {"category": "tablet"},
			"dates": {"shipped": "2026-10-26", "delivered": "2026-11-05", "reported": "2026-11-08"}, "cause": "manufacturing"}`, []string{
			"defect bij aankomst: gemeld binnen 7 dagen na de leverdatum 2026-11-05 (laatste dag 2026-11-12)",
			"Foto's van de verpakking zijn vereist: foto's van de voor- en achterkant van de verpakking of doos",
			"Een foto of video van het defect is vereist: een foto of video van het defecte artikel en van het probleem, met een uitgebreide beschrijving",
		}},
		{"fallback to a later start", "dexxon", `{"requester": {"role": "partner"}, "product": {"category": "ssd"},
			"dates": {"purchase": "2025-01-10", "invoice": "2025-01-02", "reported": "2025-10-08"}, "documents": ["vendor_invoice"]}`, []string{
			"aankoopdatum zonder aankoopbon: de garantie loopt vanaf de factuurdatum 2025-01-02",
			"in garantie: 2 jaar vanaf de factuurdatum 2025-01-02, laatste dag 2027-01-01",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := pack(t, tc.pack)
			claim, err := policy.ParseClaim([]byte(tc.claim))
			if err != nil {
				t.Fatal(err)
			}
			d := p.Evaluate(claim)
			var got []string
			for _, r := range d.Reasons {
				s, ok := p.ReasonText("nl", r)
				if !ok {
					t.Errorf("reason %s (%s) has no Dutch: %q", r.Code, r.Msg, r.Text)
				}
				if s == r.Text {
					t.Errorf("reason %s: the Dutch is the English %q", r.Code, s)
				}
				if en, ok := p.ReasonText("en", r); !ok || en != r.Text {
					t.Errorf("reason %s in English = %q, want %q", r.Code, en, r.Text)
				}
				got = append(got, s)
			}
			if tc.want != nil && !slices.Equal(got, tc.want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}

// TestReasonStoredWithoutWording: a reason stored before reasons kept how
// they were composed is shown in the pack's language, and says so.
func TestReasonStoredWithoutWording(t *testing.T) {
	p := pack(t, "pixfra")
	r := policy.Reason{Code: "in_warranty", Clause: "warranty-chart", Text: "in warranty: 3 years from invoice 2022-10-02, last day 2025-10-09"}
	if s, ok := p.ReasonText("nl", r); ok || s != r.Text {
		t.Errorf("ReasonText = %q, %v; want the English and false", s, ok)
	}
	r = policy.Reason{Code: "x", Msg: "no_such_wording", Text: "english"}
	if s, ok := p.ReasonText("nl", r); ok || s != "english" {
		t.Errorf("unknown wording: %q, %v", s, ok)
	}
}

// TestTranslationFiles: what a translation file may not do, each problem
// with its line and key path.
func TestTranslationFiles(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("testdata", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	head := "id: minimal\nversion: \"1\"\nlang: nl\ntexts:\n"
	tests := []struct {
		name, file, text string
		want             []string // issues, as printed
	}{
		{"ok", "minimal.nl.yaml", head + "  title: Minimaal beleid\n", nil},
		{"unknown key", "minimal.nl.yaml", head + "  title: Minimaal beleid\n  instructions.nothing: Doe niets.\n",
			[]string{`minimal.nl.yaml:6:3: texts.instructions.nothing: names no text of the pack minimal`}},
		{"blank", "minimal.nl.yaml", head + "  title: \"  \"\n", []string{`minimal.nl.yaml:5:10: texts.title: must be a text that is not blank`}},
		{"wrong pack", "minimal.nl.yaml", "id: other\nversion: \"1\"\nlang: nl\ntexts:\n  title: x\n",
			[]string{`minimal.nl.yaml: id: "other" is not the pack's id "minimal"`}},
		{"old version", "minimal.nl.yaml", "id: minimal\nversion: \"0\"\nlang: nl\ntexts:\n  title: x\n",
			[]string{`minimal.nl.yaml: version: "0" is not the pack's version "1": check the texts against this version and change it`}},
		{"language not the file's", "minimal.nl.yaml", "id: minimal\nversion: \"1\"\nlang: de\ntexts:\n  title: x\n",
			[]string{`minimal.nl.yaml: lang: "de", but the file is named for "nl"`}},
		{"english", "minimal.en.yaml", "id: minimal\nversion: \"1\"\nlang: en\ntexts:\n  title: x\n",
			[]string{`minimal.en.yaml: lang: "en" is not a two-letter ISO 639-1 code other than the pack's own "en"`}},
		{"unknown top-level key", "minimal.nl.yaml", head + "  title: x\nnotes: hallo\n", []string{`minimal.nl.yaml:6:1: notes: unknown key "notes"`}},
		{"texts not a mapping", "minimal.nl.yaml", "id: minimal\nversion: \"1\"\nlang: nl\ntexts: [a]\n", []string{`minimal.nl.yaml:4:8: texts: must be a mapping of text keys to texts`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := policy.Load("minimal.yaml", base)
			if err != nil {
				t.Fatal(err)
			}
			err = policy.Translate(p, tc.file, []byte(tc.text))
			var got []string
			if le, ok := err.(*policy.LoadError); ok {
				for _, is := range le.Issues {
					got = append(got, is.String())
				}
			} else if err != nil {
				t.Fatalf("not a LoadError: %v", err)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("issues\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
			if tc.want == nil {
				if s, ok := p.Text("nl", "title"); !ok || s != "Minimaal beleid" {
					t.Errorf("Text(nl, title) = %q, %v", s, ok)
				}
			} else if _, ok := p.Text("nl", "title"); ok {
				t.Error("a refused translation was kept")
			}
		})
	}
}

// TestTranslationKeepsPlaceholders: the desk fills <number> into a text; a
// translation without it would send goods without their number.
func TestTranslationKeepsPlaceholders(t *testing.T) {
	p := pack(t, "dexxon")
	var en string
	for _, k := range p.Texts() {
		if k.Key == "instructions.return-address" {
			en = k.Text
		}
	}
	if !strings.Contains(en, "<number>") {
		t.Fatalf("dexxon's return-address instruction has no <number>: %q", en)
	}
	err := policy.Translate(p, "dexxon.de.yaml", []byte("id: dexxon\nversion: \"1\"\nlang: de\ntexts:\n  instructions.return-address: An Dexxon, RMA-Nummer fehlt.\n"))
	if err == nil || !strings.Contains(err.Error(), "must keep the placeholders of the English text [<number>], has []") {
		t.Fatalf("err = %v", err)
	}
}

// TestTextKeysCollide: two texts that would share a key are refused, and a
// key: of its own settles it.
func TestTextKeysCollide(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("testdata", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	two := string(base) + "instructions:\n  - text: Call us first.\n    clause: all\n  - text: Pack it well.\n    clause: all\n"
	_, err = policy.Load("two.yaml", []byte(two))
	if err == nil || !strings.Contains(err.Error(), `two.yaml:39:11: instructions[1].text: its text would have the key "instructions.all", as instructions[0].text has: give one of them a key: of its own`) {
		t.Fatalf("err = %v", err)
	}
	keyed := strings.Replace(two, "  - text: Pack it well.\n", "  - text: Pack it well.\n    key: packing\n", 1)
	p, err := policy.Load("keyed.yaml", []byte(keyed))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, k := range p.Texts() {
		keys = append(keys, k.Key+"="+k.Path)
	}
	if want := []string{"title=title", "instructions.all=instructions[0].text", "instructions.packing=instructions[1].text"}; !slices.Equal(keys, want) {
		t.Errorf("keys = %v, want %v", keys, want)
	}
	if p.Instructions[1].Key != "instructions.packing" {
		t.Errorf("instruction key = %q", p.Instructions[1].Key)
	}
}

// TestLoadFSTranslations: a directory's PACK.LANG.yaml goes with PACK.yaml,
// and a bad one fails the load as a bad pack does.
func TestLoadFSTranslations(t *testing.T) {
	base, err := os.ReadFile(filepath.Join("testdata", "minimal.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"minimal.yaml":    {Data: base},
		"minimal.nl.yaml": {Data: []byte("id: minimal\nversion: \"1\"\nlang: nl\ntexts:\n  title: Minimaal beleid\n")},
	}
	set, err := policy.LoadFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	p := set.Latest("minimal")
	if got := p.Languages(); !slices.Equal(got, []string{"nl"}) {
		t.Errorf("languages = %v", got)
	}
	if len(set.All()) != 1 {
		t.Errorf("the translation was loaded as a pack too: %d packs", len(set.All()))
	}
	fsys["minimal.nl.yaml"] = &fstest.MapFile{Data: []byte("id: minimal\nversion: \"1\"\nlang: nl\ntexts:\n  titel: Minimaal beleid\n")}
	if _, err := policy.LoadFS(fsys); err == nil || !strings.Contains(err.Error(), "minimal.nl.yaml:5:3: texts.titel: names no text of the pack minimal") {
		t.Errorf("err = %v", err)
	}
}

// FuzzTranslate feeds Translate arbitrary files for the Dexxon pack. It must
// never panic; an accepted file gives texts that keep the English texts'
// placeholders, and a refused one leaves the pack's translations alone.
func FuzzTranslate(f *testing.F) {
	for _, name := range []string{"dexxon.nl.yaml", "pixfra.nl.yaml"} {
		data, err := fs.ReadFile(policies.FS, name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("id: dexxon\nversion: \"1\"\nlang: nl\ntexts: {title: x, title: y}\n"))
	f.Add([]byte("id: dexxon\nversion: \"1\"\nlang: nl\ntexts:\n  title: !!binary eA==\n"))
	f.Add([]byte("texts:\n  - a\n"))
	data, err := fs.ReadFile(policies.FS, "dexxon.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, file []byte) {
		p, err := policy.Load("dexxon.yaml", data)
		if err != nil {
			t.Fatal(err)
		}
		err = policy.Translate(p, "dexxon.nl.yaml", file)
		if err != nil {
			if _, ok := err.(*policy.LoadError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if len(p.Languages()) != 0 {
				t.Fatal("a refused file was kept")
			}
			return
		}
		for _, k := range p.Texts() {
			if s, ok := p.Text("nl", k.Key); ok && strings.Contains(s, "<number>") != strings.Contains(k.Text, "<number>") {
				t.Fatalf("%s: %q lost or gained a placeholder of %q", k.Key, s, k.Text)
			}
		}
	})
}
