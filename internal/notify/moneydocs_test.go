package notify

import (
	"strings"
	"testing"
)

// TestRenderResolvedDocuments: the resolution mail names each attached
// credit note or invoice with its number and total, in both languages and
// both parts; without documents it says nothing of them.
func TestRenderResolvedDocuments(t *testing.T) {
	f := Facts{RMAID: 7, Number: "RMA-26-00007-X", Outcome: "credited", MoneyDocuments: []MoneyDocument{
		{Number: "CN-2026-00001", Total: "121.00 EUR"}, {Invoice: true, Number: "INV-2026-00004", Total: "14.95 EUR"}}}
	for _, c := range []struct {
		lang string
		want []string
	}{
		{"en", []string{"The credit note CN-2026-00001 (121.00 EUR) is attached", "The invoice INV-2026-00004 (14.95 EUR) is attached"}},
		{"nl", []string{"De creditnota CN-2026-00001 (121.00 EUR) zit als bijlage", "De factuur INV-2026-00004 (14.95 EUR) zit als bijlage"}},
	} {
		_, text, html := Render(Resolved, f, c.lang)
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s text lacks %q:\n%s", c.lang, w, text)
			}
			bold := strings.Replace(w, "CN-", "<strong>CN-", 1)
			bold = strings.Replace(bold, "INV-", "<strong>INV-", 1)
			if !strings.Contains(strings.ReplaceAll(html, "</strong>", ""), bold) {
				t.Errorf("%s HTML lacks %q:\n%s", c.lang, w, html)
			}
		}
	}
	f.MoneyDocuments = nil
	if _, text, _ := Render(Resolved, f, "en"); strings.Contains(text, "attached") {
		t.Errorf("a resolution without documents speaks of attachments:\n%s", text)
	}
}
