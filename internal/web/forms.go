package web

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Every form the portal takes has a size limit, set before a byte of it is
// read: a signed-in requester must not be able to make the desk read and
// spool an unbounded body.
//
// Plain forms (sign-in, messages, the steps of an RMA) are small: the
// largest a browser sends is the evaluate or resolve form of an RMA of
// rma.MaxLines lines with a note on each, well under maxPlainForm.
//
// Forms with files (the new-RMA form, its preview without JavaScript, the
// upload on the RMA page) may carry maxFormFiles files of at most
// Config.MaxUpload bytes each (the API's limit for one file), their text
// fields (at most maxFormText) and the multipart framing (formMargin). The
// files are read one part at a time and each is refused as soon as it
// passes MaxUpload: nothing is spooled beyond a file's limit, and nothing
// is stored unless every file of the form is accepted.
const (
	maxPlainForm = 256 << 10
	maxFormFiles = 8
	maxFormText  = 1 << 20
	formMargin   = 1 << 20
	// maxFormParts bounds the fields of a form with files: the new-RMA
	// form of maxFormLines units has about 40 a unit.
	maxFormParts = 2000
)

// fileForms are the routes whose forms carry files.
var fileForms = map[string]bool{
	"POST /rmas/new":            true,
	"POST /rmas/preview":        true,
	"POST /rmas/{id}/documents": true,
	"POST /receiving":           true, // photos of the parcel (receiving.go)
	"POST /admin/registry/load": true, // a CSV file of units (registry.go), bounded by its own limit
}

// maxFileForm is the body limit of a form with files.
func (s *Server) maxFileForm() int64 {
	return maxFormFiles*s.cfg.MaxUpload + maxFormText + formMargin
}

// limitBody bounds the request's body by its route, and reads a plain form
// at once so that no handler reads one past its limit (PostFormValue would
// otherwise parse a multipart body with 32 MiB in memory and the rest in
// temporary files). It answers 413 itself and reports false when a plain
// form is over its limit.
func (s *Server) limitBody(w http.ResponseWriter, r *http.Request) bool {
	_, pattern := s.mux.Handler(r)
	// A form with files sent as a plain form (the bench's receiving form
	// without photos may be) has a plain form's limit.
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); fileForms[pattern] && mt == "multipart/form-data" {
		r.Body = http.MaxBytesReader(w, r.Body, s.maxFileForm())
		return true
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxPlainForm)
	if r.Method != http.MethodPost {
		return true
	}
	// ParseForm reads a URL-encoded body and leaves any other (a multipart
	// one included) unread; either way the form is then parsed, so that
	// PostFormValue and FormValue never parse it again.
	var tooBig *http.MaxBytesError
	if err := r.ParseForm(); errors.As(err, &tooBig) {
		p := &page{translator: translator{language(r)}, request: r}
		s.tooLarge(w, p, "error", p.T("form.too_large", sizeText(maxPlainForm)))
		return false
	}
	return true // any other error is the handler's to report
}

// tooLarge answers 413 with the page named, its message saying which limit
// was passed.
func (s *Server) tooLarge(w http.ResponseWriter, p *page, name, msg string) {
	if p.Title == "" {
		p.Title = p.T("error.title")
	}
	p.Error = msg
	s.render(w, http.StatusRequestEntityTooLarge, name, p)
}

// sizeText writes a byte count for people: 25 MiB, 256 KiB.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// fileForm is a multipart form read part by part: its text fields, and its
// files, each checked as it arrives (size, and type sniffed from its bytes
// as rma.AddDocument will check it) and, if kept, spooled to a temporary
// file until it is stored. Close removes the temporary files.
type fileForm struct {
	Value map[string][]string
	Files []*formFile
	// Refused names each file that cannot be stored and why, in the
	// page's language; a form with any is stored in nothing.
	Refused []string
	// TooLarge: a file was over the upload limit (the answer is 413).
	TooLarge  bool
	textBytes int
}

// formFile is one file of a form.
type formFile struct {
	Field       string // the form field: "file" or doc_KIND_LINE
	Filename    string // as the browser sent it; messages show displayName
	ContentType string // sniffed
	Size        int64
	Kind        string // for "file" fields: the kind given before it
	Line        string // for "file" fields: the line given before it
	path        string // the temporary file; "" when not kept
}

// Open reads the file's bytes back.
func (f *formFile) Open() (*os.File, error) { return os.Open(f.path) }

// Close removes the form's temporary files.
func (f *fileForm) Close() {
	for _, file := range f.Files {
		if file.path != "" {
			_ = os.Remove(file.path)
		}
	}
}

// Get is a text field's first value, trimmed.
func (f *fileForm) Get(name string) string {
	if v := f.Value[name]; len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	return ""
}

// formError is a form that cannot be read to its end: over its body limit
// (status 413) or malformed (422). What was read before it is kept.
type formError struct {
	status int
	msg    string
}

func (e *formError) Error() string { return e.msg }

// readFileForm reads a multipart form. With keep, the files are spooled to
// temporary files, at most maxFormFiles of them, each refused past
// Config.MaxUpload or when its content is not one the desk accepts; without,
// their bytes are read past (a preview looks at the text only). The form is
// returned even with an error, holding what was read.
func (s *Server) readFileForm(r *http.Request, p *page, keep bool) (*fileForm, error) {
	form := &fileForm{Value: map[string][]string{}}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return form, &formError{http.StatusUnprocessableEntity, p.T("form.multipart")}
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return form, &formError{http.StatusUnprocessableEntity, p.T("form.multipart")}
	}
	readErr := func(err error) error {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &formError{http.StatusRequestEntityTooLarge, p.T("form.too_large", sizeText(tooBig.Limit))}
		}
		return &formError{http.StatusUnprocessableEntity, p.T("form.cut_short")}
	}
	accepted := rma.AcceptedContentTypes()
	kind, line := "", ""
	for parts := 1; ; parts++ {
		part, err := mr.NextPart()
		if err == io.EOF {
			return form, nil
		}
		if err != nil {
			return form, readErr(err)
		}
		if parts > maxFormParts {
			return form, &formError{http.StatusRequestEntityTooLarge, p.T("form.too_many_fields", maxFormParts)}
		}
		name := part.FormName()
		if part.FileName() == "" {
			// A text field (or a file input left empty): kept whole up to
			// one byte past the field limit, so that checkForm names it.
			b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
			if err != nil {
				return form, readErr(err)
			}
			if form.textBytes += len(name) + len(b); form.textBytes > maxFormText {
				return form, &formError{http.StatusRequestEntityTooLarge, p.T("form.too_large", sizeText(s.maxFileForm()))}
			}
			form.Value[name] = append(form.Value[name], string(b))
			switch name {
			case "kind":
				kind = strings.TrimSpace(string(b))
			case "line":
				line = strings.TrimSpace(string(b))
			}
			continue
		}
		f := &formFile{Field: name, Filename: part.FileName(), Kind: kind, Line: line}
		br := bufio.NewReaderSize(part, 512)
		head, err := br.Peek(512)
		if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
			return form, readErr(err)
		}
		if len(head) == 0 {
			form.Refused = append(form.Refused, p.T("form.file_empty", displayName(f.Filename)))
			continue
		}
		f.ContentType = sniff(head)
		if !slices.Contains(accepted, f.ContentType) {
			form.Refused = append(form.Refused, p.T("form.file_type", displayName(f.Filename), f.ContentType))
			continue // NextPart reads past the rest
		}
		if !keep {
			n, err := io.Copy(io.Discard, br)
			if err != nil {
				return form, readErr(err)
			}
			f.Size = n
			form.Files = append(form.Files, f)
			continue
		}
		if len(form.Files) == maxFormFiles {
			form.Refused = append(form.Refused, p.T("form.too_many_files", maxFormFiles, displayName(f.Filename)))
			continue
		}
		tmp, err := os.CreateTemp("", "rmadesk-form-*")
		if err != nil {
			return form, err
		}
		f.path = tmp.Name()
		form.Files = append(form.Files, f) // Close removes it, whatever happens next
		f.Size, err = io.Copy(tmp, io.LimitReader(br, s.cfg.MaxUpload+1))
		if cerr := tmp.Close(); err == nil && cerr != nil {
			return form, cerr
		}
		if err != nil {
			return form, readErr(err)
		}
		if f.Size > s.cfg.MaxUpload {
			// Refused, never cut to the limit. The rest of the file is read
			// past (not kept), so the browser gets the page that says so.
			form.Refused = append(form.Refused, p.T("form.file_too_large", displayName(f.Filename), sizeText(s.cfg.MaxUpload)))
			form.TooLarge = true
			_ = os.Remove(f.path)
			form.Files = form.Files[:len(form.Files)-1]
		}
	}
}

// displayName is a file's name as a message shows it: its last element,
// without control characters, at most 100 characters. rma.AddDocument
// keeps its own cleaned name.
func displayName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, "\uFFFD"))
	if runes := []rune(name); len(runes) > 100 {
		name = string(runes[:99]) + "…"
	}
	if name == "" {
		name = "upload"
	}
	return name
}

// refusal is the error for a form whose files are refused: each refusal,
// then what came of the form (tail).
func (f *fileForm) refusal(tail string) error {
	status := http.StatusUnprocessableEntity
	if f.TooLarge {
		status = http.StatusRequestEntityTooLarge
	}
	return &formError{status, strings.Join(append(slices.Clone(f.Refused), tail), " ")}
}
