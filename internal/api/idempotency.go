package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// Idempotency-Key on POSTs other than submissions (which the store guards
// atomically with the RMA itself): the first successful answer is stored
// and a retry with the same key gets it again, marked Idempotent-Replayed,
// instead of posting a second message or document. A key reused for a
// different request is refused. State changes are also guarded by If-Match,
// so a retry that raced past the stored answer gets 412, never a double step.

const maxKeyLength = 200

// withIdempotency runs next, or replays the answer stored for the key.
func (s *Server) withIdempotency(w http.ResponseWriter, r *http.Request, actor rma.Actor, next func(http.ResponseWriter) error) error {
	key := r.Header.Get("Idempotency-Key")
	if key == "" || r.Method != http.MethodPost {
		return next(w)
	}
	if len(key) > maxKeyLength {
		return &badRequest{status: http.StatusBadRequest, field: "Idempotency-Key", detail: "at most 200 characters"}
	}
	hash, err := requestHash(r)
	if err != nil {
		return next(w) // the handler reports the unreadable body
	}
	store := s.svc.Store()
	prev, err := store.IdempotentResponse(r.Context(), actor.OrgID, key)
	switch {
	case err == nil:
		if prev.Method != r.Method || prev.Path != r.URL.Path || prev.RequestHash != hash {
			return rma.Invalid("Idempotency-Key", "already used for a different request (%s %s)", prev.Method, prev.Path)
		}
		w.Header().Set("Content-Type", prev.ContentType)
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(prev.Status)
		_, _ = w.Write(prev.Body)
		return nil
	case rma.ErrorCode(err) != rma.ENOTFOUND:
		return err
	}
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	if err := next(rec); err != nil {
		return err
	}
	if rec.status >= 200 && rec.status < 300 {
		saveErr := store.SaveIdempotentResponse(r.Context(), actor.OrgID, key, rma.StoredResponse{
			Method: r.Method, Path: r.URL.Path, RequestHash: hash, Status: rec.status,
			ContentType: rec.Header().Get("Content-Type"), Body: rec.body.Bytes()})
		if saveErr != nil && rma.ErrorCode(saveErr) != rma.ECONFLICT {
			s.log.WarnContext(r.Context(), "storing an idempotent response", "err", saveErr)
		}
	}
	return nil
}

// requestHash fingerprints a request: a JSON body in full (it is small and
// read anyway); an upload by its length and type, since it is streamed.
func requestHash(r *http.Request) (string, error) {
	h := sha256.New()
	io.WriteString(h, r.Method+" "+r.URL.Path+"\n"+r.Header.Get("If-Match")+"\n")
	if r.ContentLength > maxJSONBytes || r.Header.Get("Content-Type") != "" && !isJSON(r.Header.Get("Content-Type")) {
		io.WriteString(h, "length "+strconv.FormatInt(r.ContentLength, 10))
	} else if r.Body != nil {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxJSONBytes+1))
		if err != nil {
			return "", err
		}
		r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), r.Body))
		h.Write(body)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// isJSON tells whether ct is a type decodeJSON reads: any spelling of
// application/json or a +json type.
func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// recorder keeps a copy of what the handler writes.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}
