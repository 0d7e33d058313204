package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rmadesk/rmadesk/internal/filestore"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// withConfig is a second portal on p's desk (same database, users and
// session key) with its own files directory and tweak applied to its
// configuration.
func (p *portal) withConfig(tweak func(*Config)) (*portal, string) {
	p.t.Helper()
	dir := p.t.TempDir()
	files, err := filestore.Open(dir)
	if err != nil {
		p.t.Fatal(err)
	}
	cfg := Config{Files: files, SessionKey: bytes.Repeat([]byte("k"), 32), Mail: p.outbox, PublicURL: "https://rma.example.com"}
	if tweak != nil {
		tweak(&cfg)
	}
	s, err := New(p.svc, cfg)
	if err != nil {
		p.t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	p.t.Cleanup(srv.Close)
	return &portal{t: p.t, srv: srv, svc: p.svc, outbox: p.outbox}, dir
}

// spoolDir points the portal's temporary files (os.TempDir) at a directory
// of the test's, to see what it spools.
func spoolDir(t *testing.T) string {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	return dir
}

// dirBytes is the size of the files under dir, and how many there are.
func dirBytes(t *testing.T, dir string) (total int64, n int) {
	t.Helper()
	_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				total += info.Size()
				n++
			}
		}
		return nil
	})
	return total, n
}

// rmaCount is how many RMAs the desk holds.
func (p *portal) rmaCount() int {
	p.t.Helper()
	items, _, err := p.svc.List(context.Background(), rma.System, rma.ListFilter{Limit: 200})
	if err != nil {
		p.t.Fatal(err)
	}
	return len(items)
}

// formPart is one part of a multipart form: a field, or a file whose
// content is read from a reader (so that a test can send a large one
// without holding it).
type formPart struct {
	name, filename string
	value          string
	content        io.Reader
}

// multipartBody streams parts as a multipart/form-data body.
func multipartBody(parts []formPart) (io.Reader, string) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for _, part := range parts {
			if part.filename == "" {
				if err := mw.WriteField(part.name, part.value); err != nil {
					pw.CloseWithError(err)
					return
				}
				continue
			}
			fw, err := mw.CreateFormFile(part.name, part.filename)
			if err == nil {
				_, err = io.Copy(fw, part.content)
			}
			if err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(mw.Close())
	}()
	return pr, mw.FormDataContentType()
}

// pixfraFields are the new-RMA form's fields for one Pixfra unit.
func pixfraFields(serial string) []formPart {
	var parts []formPart
	for _, kv := range [][2]string{
		{"policy", "pixfra"}, {"lines", "1"}, {"kind", "defect"}, {"reference", "PO-77"},
		{"category_1", "thermal-camera"}, {"part_1", "device"}, {"model_1", "Arc A435"}, {"serial_1", serial}, {"part_number_1", "1.0.01.08.43501"}, {"quantity_1", "1"},
		{"fault_1", "no image"}, {"date_invoice_1", "2025-06-01"},
		{"has_vendor_invoice_1", "1"}, {"has_purchase_receipt_1", "1"}, {"has_shipping_document_1", "1"},
	} {
		parts = append(parts, formPart{name: kv[0], value: kv[1]})
	}
	return parts
}

// bigPNG is a PNG's signature followed by size-8 zero bytes: sniffed as a
// PNG, of any size, held by nobody.
func bigPNG(size int64) io.Reader {
	return io.MultiReader(bytes.NewReader(png[:8]), io.LimitReader(zeros{}, size-8))
}

type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

// watched reads r and, once past the point, records the most the portal
// has spooled so far: the client is at most a socket buffer ahead of the
// server, so this sees the spool grow as the server reads.
type watched struct {
	r     io.Reader
	dir   string
	t     *testing.T
	after int64

	mu         sync.Mutex // the body is read on the client's goroutine
	read, most int64
}

func (w *watched) Read(b []byte) (int, error) {
	n, err := w.r.Read(b)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.read += int64(n)
	if w.read > w.after {
		if total, _ := dirBytes(w.t, w.dir); total > w.most {
			w.most = total
		}
	}
	return n, err
}

// counts are the bytes read so far and the most seen spooled.
func (w *watched) counts() (read, most int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.read, w.most
}

// TestFormBodyLimits: every portal form has a body limit, answered with
// 413 and a page that says so; nothing is spooled beyond it and nothing is
// stored (issue 10, point 14).
func TestFormBodyLimits(t *testing.T) {
	spool := spoolDir(t)
	base := newPortal(t)
	const maxUpload = 1 << 20
	p, filesDir := base.withConfig(func(c *Config) { c.MaxUpload = maxUpload })
	dist := p.signIn("rma@dist.example")
	body, ct := multipartBody(append(pixfraFields("PXF1"),
		formPart{name: "doc_label_photo_1", filename: "label.png", content: bytes.NewReader(png)},
		formPart{name: "doc_appearance_photo_1", filename: "appearance.png", content: bytes.NewReader(png)}))
	if resp, page := p.do(dist, "POST", "/rmas/new", body, ct); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a good form: %d %s", resp.StatusCode, page)
	}
	_, storedFiles := dirBytes(t, filesDir)

	// Plain forms: 256 KiB.
	big := strings.Repeat("x", 300<<10)
	for _, path := range []string{"/rmas/1/messages", "/login", "/reset", "/logout", "/rmas/1/act/cancel", "/receiving", "/rmas/bulk"} {
		resp, page := p.form(dist, path, url.Values{"body": {big}, "email": {"rma@dist.example"}})
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(page, "The form is larger than its limit of 256 KiB.") {
			t.Errorf("POST %s with 300 KiB: %d, want 413 saying the limit\n%.300s", path, resp.StatusCode, page)
		}
	}
	if msgs, _ := p.svc.Store().Messages(t.Context(), 1); len(msgs) != 0 {
		t.Errorf("%d messages stored from refused forms", len(msgs))
	}
	// A multipart body sent to a plain form is not parsed (nothing spooled).
	body, ct = multipartBody([]formPart{{name: "body", value: "hello"}, {name: "f", filename: "f.png", content: bigPNG(4 << 20)}})
	if resp, _ := p.do(dist, "POST", "/rmas/1/messages", body, ct); resp.StatusCode < 400 {
		t.Errorf("a multipart message of 4 MiB: %d, want it refused", resp.StatusCode)
	}

	// Forms with files: 8 files of MaxUpload, 1 MiB of fields, 1 MiB more.
	limit := int64(8*maxUpload + 2<<20)
	for _, path := range []string{"/rmas/new", "/rmas/preview", "/rmas/1/documents"} {
		w := &watched{r: bigPNG(limit + 4<<20), dir: spool, t: t, after: maxUpload}
		parts := append(pixfraFields("PXF2"), formPart{name: "kind", value: "other"})
		field := map[string]string{"/rmas/new": "doc_label_photo_1", "/rmas/preview": "doc_label_photo_1", "/rmas/1/documents": "file"}[path]
		// Files under the limit first, then one that does not end.
		for i := range 3 {
			parts = append(parts, formPart{name: field, filename: fmt.Sprintf("ok%d.png", i), content: bigPNG(maxUpload / 2)})
		}
		parts = append(parts, formPart{name: field, filename: "endless.png", content: w})
		body, ct := multipartBody(parts)
		resp, page := p.do(dist, "POST", path, body, ct)
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(page, "limit of 10 MiB") {
			t.Errorf("POST %s of %d bytes: %d, want 413 naming the limit\n%.500s", path, limit+4<<20, resp.StatusCode, page)
		}
		read, most := w.counts()
		if read > limit+8<<20 {
			t.Errorf("POST %s: the client sent %d bytes, the limit is %d", path, read, limit)
		}
		if path != "/rmas/preview" && most > 3*maxUpload/2+maxUpload+1 {
			t.Errorf("POST %s: %d bytes spooled at once, want at most the files kept and one file's limit", path, most)
		}
		if path == "/rmas/preview" && most > 0 {
			t.Errorf("the preview spooled %d bytes; it keeps no file", most)
		}
		if total, n := dirBytes(t, spool); n != 0 {
			t.Errorf("POST %s left %d temporary files (%d bytes)", path, n, total)
		}
	}
	if n := p.rmaCount(); n != 1 {
		t.Errorf("the desk holds %d RMAs, want the 1 good one", n)
	}
	if _, n := dirBytes(t, filesDir); n != storedFiles {
		t.Errorf("%d files stored, want %d: refused forms stored some", n, storedFiles)
	}

	// Nine files, each under the limit: the ninth is one too many.
	parts := append(pixfraFields("PXF3"), formPart{name: "lines", value: "3"})
	for i := range 9 {
		parts = append(parts, formPart{name: fmt.Sprintf("doc_label_photo_%d", i%3+1), filename: fmt.Sprintf("p%d.png", i), content: bytes.NewReader(png)})
	}
	body, ct = multipartBody(parts)
	resp, page := p.do(dist, "POST", "/rmas/new", body, ct)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "At most 8 files can be sent with one form; p8.png is one too many.") {
		t.Errorf("nine files: %d, want 422 naming the ninth\n%.500s", resp.StatusCode, page)
	}
	if n := p.rmaCount(); n != 1 {
		t.Errorf("the desk holds %d RMAs after nine files, want 1", n)
	}
}

// TestUploadOverLimitRefused: a file over the upload limit is refused with
// 413 and a page naming it and the limit, never cut to the limit and
// stored; on the RMA page and in the new-RMA form alike (issue 10, point
// 15). A file of exactly the limit is taken.
func TestUploadOverLimitRefused(t *testing.T) {
	spool := spoolDir(t)
	p := newPortal(t)
	dist := p.signIn("rma@dist.example")
	form, ct := pixfraForm(t, true)
	if resp, body := p.do(dist, "POST", "/rmas/new", form, ct); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", resp.StatusCode, body)
	}
	docs, _ := p.svc.Store().Documents(t.Context(), 1)

	// The 27 MB PNG, against the default limit of 25 MiB.
	const size = 27_000_000
	body, ct := multipartBody([]formPart{{name: "kind", value: "appearance_photo"}, {name: "file", filename: "big.png", content: bigPNG(size)}})
	resp, page := p.do(dist, "POST", "/rmas/1/documents", body, ct)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(page, "big.png is larger than the upload limit of 25 MiB. Nothing was stored.") ||
		!strings.Contains(page, `action="/rmas/1/documents"`) {
		t.Errorf("a 27 MB upload: %d, want 413 and the RMA page naming the file and the limit\n%.600s", resp.StatusCode, page)
	}
	if got, _ := p.svc.Store().Documents(t.Context(), 1); len(got) != len(docs) {
		t.Errorf("%d documents after a refused upload, want %d", len(got), len(docs))
	}
	// The same file among good ones: none of them is stored.
	body, ct = multipartBody([]formPart{{name: "kind", value: "other"},
		{name: "file", filename: "good.png", content: bytes.NewReader(png)},
		{name: "file", filename: "big.png", content: bigPNG(size)},
		{name: "file", filename: "good2.png", content: bytes.NewReader(png)}})
	if resp, page := p.do(dist, "POST", "/rmas/1/documents", body, ct); resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(page, "big.png is larger") {
		t.Errorf("a 27 MB upload among good ones: %d\n%.600s", resp.StatusCode, page)
	}
	if got, _ := p.svc.Store().Documents(t.Context(), 1); len(got) != len(docs) {
		t.Errorf("%d documents after a refused upload among good ones, want %d", len(got), len(docs))
	}
	// In the new-RMA form: the form comes back, nothing is filed.
	body, ct = multipartBody(append(pixfraFields("PXF9"),
		formPart{name: "doc_label_photo_1", filename: "label.png", content: bytes.NewReader(png)},
		formPart{name: "doc_appearance_photo_1", filename: "big.png", content: bigPNG(size)}))
	resp, page = p.do(dist, "POST", "/rmas/new", body, ct)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(page, "big.png is larger than the upload limit of 25 MiB.") ||
		!strings.Contains(page, `id="new-rma"`) || !strings.Contains(page, `value="PXF9"`) {
		t.Errorf("a 27 MB photo in the new-RMA form: %d, want 413 and the form again\n%.600s", resp.StatusCode, page)
	}
	if n := p.rmaCount(); n != 1 {
		t.Errorf("the desk holds %d RMAs, want 1", n)
	}
	if total, n := dirBytes(t, spool); n != 0 {
		t.Errorf("%d temporary files left (%d bytes)", n, total)
	}

	// At a small limit: the limit itself is taken, one byte more is not.
	small, _ := p.withConfig(func(c *Config) { c.MaxUpload = 64 << 10 })
	dist = small.signIn("rma@dist.example")
	for _, tc := range []struct {
		size int64
		want int
	}{{64 << 10, http.StatusSeeOther}, {64<<10 + 1, http.StatusRequestEntityTooLarge}} {
		body, ct := multipartBody([]formPart{{name: "file", filename: "edge.png", content: bigPNG(tc.size)}})
		if resp, page := small.do(dist, "POST", "/rmas/1/documents", body, ct); resp.StatusCode != tc.want {
			t.Errorf("a file of %d bytes at a limit of 64 KiB: %d, want %d\n%.400s", tc.size, resp.StatusCode, tc.want, page)
		}
	}
	got, _ := p.svc.Store().Documents(t.Context(), 1)
	if len(got) != len(docs)+1 || got[len(got)-1].Size != 64<<10 {
		t.Errorf("after the edge uploads: %d documents, want %d with the last of 64 KiB", len(got), len(docs)+1)
	}
}

// failingFiles stores nothing: the disk is full.
type failingFiles struct{ rma.Files }

func (failingFiles) Save(context.Context, io.Reader) (string, int64, string, error) {
	return "", 0, "", fmt.Errorf("no space left on device")
}

// TestRefusedFormFilesNothing: a new-RMA form with one good file and one
// the desk refuses answers 422 with the form and the reason, and files
// nothing; sent again with the good file, it files one RMA (issue 10,
// point 16). If a file still cannot be stored once the RMA is filed, the
// answer is the RMA's page saying so, not the form.
func TestRefusedFormFilesNothing(t *testing.T) {
	spoolDir(t)
	p := newPortal(t)
	dist := p.signIn("rma@dist.example")
	for _, tc := range []struct {
		name, field, filename, want string
		content                     []byte
	}{
		{"HTML as a photo", "doc_appearance_photo_1", "appearance.png", "appearance.png is not a photo, video or PDF (its content is text/html)", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")},
		{"SVG as a photo", "doc_appearance_photo_1", "appearance.png", "appearance.png is not a photo, video or PDF (its content is image/svg&#43;xml)", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)},
		{"an empty file", "doc_appearance_photo_1", "empty.png", "empty.png is empty.", nil},
		{"a unit the form lacks", "doc_appearance_photo_7", "seven.png", "seven.png is not a document this form asks for.", png},
		{"a document no policy names", "doc_selfie_1", "selfie.png", "selfie.png is not a document this form asks for.", png},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, ct := multipartBody(append(pixfraFields("PXF1"),
				formPart{name: "doc_label_photo_1", filename: "label.png", content: bytes.NewReader(png)},
				formPart{name: tc.field, filename: tc.filename, content: bytes.NewReader(tc.content)}))
			resp, page := p.do(dist, "POST", "/rmas/new", body, ct)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, tc.want) || !strings.Contains(page, "The RMA was not filed and nothing was stored.") ||
				!strings.Contains(page, `id="new-rma"`) || !strings.Contains(page, `value="PO-77"`) {
				t.Errorf("%d, want 422 and the form again saying %q\n%.800s", resp.StatusCode, tc.want, page)
			}
			if n := p.rmaCount(); n != 0 {
				t.Errorf("the desk holds %d RMAs after a refused form", n)
			}
		})
	}
	// Sent again, as it should be: one RMA, with both photos.
	body, ct := multipartBody(append(pixfraFields("PXF1"),
		formPart{name: "doc_label_photo_1", filename: "label.png", content: bytes.NewReader(png)},
		formPart{name: "doc_appearance_photo_1", filename: "appearance.png", content: bytes.NewReader(png)}))
	if resp, page := p.do(dist, "POST", "/rmas/new", body, ct); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/rmas/1" {
		t.Fatalf("the good form: %d %s\n%.400s", resp.StatusCode, resp.Header.Get("Location"), page)
	}
	if n := p.rmaCount(); n != 1 {
		t.Errorf("the desk holds %d RMAs, want 1", n)
	}
	if docs, _ := p.svc.Store().Documents(t.Context(), 1); len(docs) != 2 {
		t.Errorf("the RMA has %d documents, want 2", len(docs))
	}

	// The same on the RMA page: one good file and one refused store none.
	body, ct = multipartBody([]formPart{{name: "kind", value: "other"},
		{name: "file", filename: "good.png", content: bytes.NewReader(png)},
		{name: "file", filename: "page.png", content: strings.NewReader("<html><body>hi</body></html>")}})
	resp, page := p.do(dist, "POST", "/rmas/1/documents", body, ct)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "page.png is not a photo, video or PDF") || !strings.Contains(page, "Nothing was stored.") {
		t.Errorf("upload with a refused file: %d\n%.600s", resp.StatusCode, page)
	}
	for _, parts := range [][]formPart{
		{{name: "kind", value: "selfie"}, {name: "file", filename: "good.png", content: bytes.NewReader(png)}},
		{{name: "line", value: "9"}, {name: "file", filename: "good.png", content: bytes.NewReader(png)}},
		{{name: "doc_label_photo_1", filename: "good.png", content: bytes.NewReader(png)}},
		{{name: "kind", value: "other"}},
	} {
		body, ct = multipartBody(parts)
		if resp, page := p.do(dist, "POST", "/rmas/1/documents", body, ct); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("upload %v: %d, want 422\n%.400s", parts[0], resp.StatusCode, page)
		}
	}
	if docs, _ := p.svc.Store().Documents(t.Context(), 1); len(docs) != 2 {
		t.Errorf("the RMA has %d documents after refused uploads, want 2", len(docs))
	}

	// The disk fails after the RMA is filed: the RMA's page says so.
	broken, _ := p.withConfig(func(c *Config) { c.Files = failingFiles{c.Files} })
	dist = broken.signIn("rma@dist.example")
	body, ct = multipartBody(append(pixfraFields("PXF2"),
		formPart{name: "doc_label_photo_1", filename: "label.png", content: bytes.NewReader(png)}))
	resp, _ = broken.do(dist, "POST", "/rmas/new", body, ct)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/rmas/2" {
		t.Fatalf("filed, then the disk failed: %d %s, want 303 to the new RMA", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, page := broken.do(dist, "GET", "/rmas/2", nil, ""); !strings.Contains(page, "The RMA is filed, but label.png could not be stored") {
		t.Errorf("the RMA page does not say the photo was not stored\n%.800s", page)
	}
}
