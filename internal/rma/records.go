package rma

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/policy"
)

// Files keeps the bytes of documents. The store keeps their records.
type Files interface {
	// Save stores r under a new name and returns it with the size and the
	// SHA-256 of what was written.
	Save(ctx context.Context, r io.Reader) (path string, size int64, sha256 string, err error)
	// Open returns the bytes stored at path.
	Open(path string) (io.ReadCloser, error)
}

// Content types accepted as evidence: photos, videos and PDFs. The type is
// what the content is, found by sniffing (the caller's job, since it holds
// the bytes first), never what the client claims; HTML or SVG disguised as
// an image is refused here.
var acceptedTypes = []string{
	"image/jpeg", "image/png", "image/gif", "image/webp",
	"application/pdf",
	"video/mp4", "video/webm", "video/quicktime",
}

// AcceptedContentTypes lists the content types documents may have.
func AcceptedContentTypes() []string { return slices.Clone(acceptedTypes) }

// NewDocument describes an upload.
type NewDocument struct {
	LineNo      int
	Kind        string // a policy document name (label_photo, ...) or "other"
	Filename    string
	ContentType string // sniffed from the content
	Content     io.Reader
}

// AddDocument stores a document on an RMA. Attaching evidence does not
// re-decide the RMA; ProvideInfo does, with every document attached.
func (s *Service) AddDocument(ctx context.Context, actor Actor, id int64, files Files, nd NewDocument) (*Document, error) {
	r, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := authorize(actor, r, OpAddDocument); err != nil {
		return nil, err
	}
	if nd.Kind == "" {
		nd.Kind = "other"
	}
	if _, err := policy.ParseDocument(nd.Kind); err != nil && nd.Kind != "other" && !s.declaresDocument(r, nd.Kind) {
		return nil, Invalid("kind", "%v (or other, or a document the policy declares)", err)
	}
	if nd.LineNo != 0 && r.line(nd.LineNo) == nil {
		return nil, Invalid("line", "no line %d in this RMA", nd.LineNo)
	}
	if !slices.Contains(acceptedTypes, nd.ContentType) {
		return nil, Invalid("file", "the content is %s; accepted: photos (JPEG, PNG, GIF, WebP), videos (MP4, WebM, QuickTime) and PDF", nd.ContentType)
	}
	name := sanitizeFilename(nd.Filename)
	path, size, sum, err := files.Save(ctx, nd.Content)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	d := &Document{RMAID: id, LineNo: nd.LineNo, Kind: nd.Kind, Filename: name, ContentType: nd.ContentType,
		Size: size, SHA256: sum, Path: path, UploadedBy: actor.Name, Created: now}
	// No From or To: the store writes the event in the state the RMA is in
	// when the document is stored, which a transition may have changed
	// since r was read (saving the file takes a while).
	ev := &Event{At: now, Actor: actor.Name, Action: string(OpAddDocument),
		Details: map[string]any{"kind": nd.Kind, "filename": name, "sha256": sum, "size": size}}
	if err := s.store.AddDocument(ctx, d, ev); err != nil {
		return nil, err
	}
	return d, nil
}

// sanitizeFilename keeps a name fit for a Content-Disposition header and a
// listing: no paths, no control characters, bounded length.
func sanitizeFilename(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return '_'
		}
		return r
	}, strings.ToValidUTF8(name, "\uFFFD"))
	for len(name) > 200 { // cut between characters, never inside one
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if strings.Trim(name, ". ") == "" {
		name = "upload"
	}
	return name
}

// Documents lists an RMA's documents.
func (s *Service) Documents(ctx context.Context, actor Actor, id int64) ([]Document, error) {
	if _, err := s.Get(ctx, actor, id); err != nil {
		return nil, err
	}
	return s.store.Documents(ctx, id)
}

// Document returns one document of an RMA the actor may see.
func (s *Service) Document(ctx context.Context, actor Actor, rmaID, docID int64) (*Document, error) {
	if _, err := s.Get(ctx, actor, rmaID); err != nil {
		return nil, err
	}
	d, err := s.store.Document(ctx, docID)
	if err != nil {
		return nil, err
	}
	if d.RMAID != rmaID {
		return nil, Errorf(ENOTFOUND, "document not found")
	}
	return d, nil
}

// AddMessage posts a message on an RMA (messages.go).
func (s *Service) AddMessage(ctx context.Context, actor Actor, id int64, body string) (*Message, error) {
	return s.PostMessage(ctx, actor, id, MessageRequest{Body: body})
}

// Messages lists an RMA's messages.
func (s *Service) Messages(ctx context.Context, actor Actor, id int64) ([]Message, error) {
	if _, err := s.Get(ctx, actor, id); err != nil {
		return nil, err
	}
	msgs, err := s.store.Messages(ctx, id)
	return visibleMessages(actor, msgs), err
}

// SerialStatus is what the desk knows of one unit.
type SerialStatus struct {
	Serial      string
	WarrantyEnd calendar.Date // the last day of its warranty, when known
	InWarranty  bool
	Source      string // how the end is known: "decision of RMA-...", "replacement in RMA-..."
	History     []SerialHit
}

// LookupSerial tells a unit's warranty status and RMA history: the latest
// RMA that decided its warranty, or the replacement it was sent as.
func (s *Service) LookupSerial(ctx context.Context, actor Actor, serial string) (*SerialStatus, error) {
	if err := authorize(actor, nil, OpLookup); err != nil {
		return nil, err
	}
	if err := required("serial", serial, 200); err != nil {
		return nil, err
	}
	hits, err := s.store.LinesBySerial(ctx, serial)
	if err != nil {
		return nil, err
	}
	st := &SerialStatus{Serial: serial, History: hits}
	for _, h := range hits { // newest last
		switch {
		case h.AsReplacement && !h.Line.ReplacementWarrantyEnd.IsZero():
			st.WarrantyEnd, st.Source = h.Line.ReplacementWarrantyEnd, "replacement in "+h.Number
		case !h.AsReplacement && !h.Line.Decision.Warranty.LastDay.IsZero():
			st.WarrantyEnd, st.Source = h.Line.Decision.Warranty.LastDay, fmt.Sprintf("decision of RMA %d", h.RMAID)
		}
	}
	st.InWarranty = !st.WarrantyEnd.IsZero() && s.Today() <= st.WarrantyEnd
	return st, nil
}

// AddCharge puts an entry the policy allows on an RMA's ledger outside
// evaluation: import duties, a delivery refused over duties (Mini Cart), a
// second investigation or depreciation (WebStore4). The kinds allowed are
// the policy's fees on the RMA's route (for a line's finding, when the line
// has one), and transport when the requester pays the way back.
func (s *Service) AddCharge(ctx context.Context, actor Actor, id int64, ifVersion int, lineNo int, cr ChargeRequest) (*RMA, error) {
	r, err := s.store.RMA(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := authorize(actor, r, OpAddCharge); err != nil {
		return nil, err
	}
	if ifVersion != 0 && r.Version != ifVersion {
		return nil, Errorf(EPRECONDITION, "RMA %d changed since version %d (it is at version %d): reload and retry", r.ID, ifVersion, r.Version)
	}
	if r.State == Closed {
		return nil, Errorf(ECONFLICT, "RMA %d is closed", r.ID)
	}
	p, err := s.policyOf(r)
	if err != nil {
		return nil, err
	}
	finding := ""
	if lineNo != 0 {
		l := r.line(lineNo)
		if l == nil {
			return nil, Invalid("line", "no line %d in this RMA", lineNo)
		}
		finding = r.ChargeFinding(l) // not_covered once the supplier says so (supplier.go)
	}
	if err := optional("description", cr.Description, 2000); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	c := &change{r: r, p: p, now: now, today: s.Today(), from: r.State}
	ch, err := c.charge("", lineNo, finding, cr)
	if err != nil {
		return nil, err
	}
	r.Charges = append(r.Charges, ch)
	r.Updated = now
	ev := &Event{At: now, Actor: actor.Name, Action: string(OpAddCharge), From: r.State, To: r.State,
		Details: map[string]any{"kind": ch.Kind, "amount_cents": ch.Amount.Cents, "currency": ch.Amount.Currency, "line": lineNo}}
	if err := s.store.SaveRMA(ctx, r, r.Version, ev); err != nil {
		return nil, err
	}
	return r, nil
}
