package api

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"sync"
	"testing"

	"github.com/rmadesk/rmadesk/internal/check"
	"github.com/rmadesk/rmadesk/internal/filestore"
)

// TestHistoryUnderConcurrentWrites: an authorize, messages from both sides
// and uploads sent to one RMA at the same instant each answer as if alone,
// and the history they leave replays: every message and document is
// recorded in the state the RMA was really in when it was written (before
// the authorize or after it, never "submitted" after the RMA was
// authorized), and `rmadesk check` finds nothing wrong. Issue 10, point 12.
func TestHistoryUnderConcurrentWrites(t *testing.T) {
	t.Parallel() // its own desk (make check's longest package runs on both cores)
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { historyUnderConcurrentWrites(t, newHarnessOn(t, b)) })
	}
}

func historyUnderConcurrentWrites(t *testing.T, h *harness) {
	const rmas, messages, uploads = 40, 3, 2
	type rmaUnderTest struct {
		id  int64
		tag string
	}
	targets := make([]rmaUnderTest, rmas)
	for i := range targets {
		rmaID := id(h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90")))
		targets[i] = rmaUnderTest{rmaID, h.etag(rmaID)}
	}

	// send is h.do without t.Fatal, which must not be called from these
	// goroutines: a transport failure is the request's answer.
	send := func(method, path, key, contentType string, body []byte, headers ...string) (int, http.Header, string) {
		req, err := http.NewRequest(method, h.srv.URL+path, bytes.NewReader(body))
		if err != nil {
			return 0, nil, err.Error()
		}
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", contentType)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil, err.Error()
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(data)
	}
	multipartPNG := func(n int) ([]byte, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		_ = mw.WriteField("kind", "other")
		fw, _ := mw.CreateFormFile("file", fmt.Sprintf("photo-%d.png", n))
		_, _ = fw.Write(pngBytes)
		_ = mw.Close()
		return buf.Bytes(), mw.FormDataContentType()
	}

	type call struct {
		what, rma, method, path, key, contentType string
		body                                      []byte
		headers                                   []string
		want                                      int
	}
	var calls []call
	for _, r := range targets {
		base := fmt.Sprintf("/api/v1/rmas/%d", r.id)
		calls = append(calls, call{what: "authorize", rma: base, method: "POST", path: base + "/authorize", key: h.keys["agent"],
			contentType: "application/json", body: []byte(`{"resolution": "return"}`), headers: []string{"If-Match", r.tag}, want: http.StatusOK})
		for m := range messages {
			key := h.keys["dexxon"]
			if m%2 == 1 {
				key = h.keys["agent"]
			}
			calls = append(calls, call{what: "message", method: "POST", path: base + "/messages", key: key,
				contentType: "application/json", body: fmt.Appendf(nil, `{"body": "message %d"}`, m), want: http.StatusCreated})
		}
		for u := range uploads {
			body, ct := multipartPNG(u)
			calls = append(calls, call{what: "upload", method: "POST", path: base + "/documents", key: h.keys["dexxon"],
				contentType: ct, body: body, want: http.StatusCreated})
		}
	}
	failures := make([]string, len(calls))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range calls {
		wg.Go(func() {
			<-start
			for attempt := 1; ; attempt++ {
				status, _, body := send(c.method, c.path, c.key, c.contentType, c.body, c.headers...)
				if status == c.want {
					return
				}
				// A message or document written since the ETag was read
				// moved the RMA's version: the authorize is refused (412)
				// and tried again with the new ETag, as a client would.
				if c.what == "authorize" && status == http.StatusPreconditionFailed && attempt < 100 {
					status, header, body := send("GET", c.rma, c.key, "", nil)
					if status != http.StatusOK {
						failures[i] = fmt.Sprintf("GET %s before authorizing again: %d %s", c.rma, status, body)
						return
					}
					c.headers = []string{"If-Match", header.Get("ETag")}
					continue
				}
				failures[i] = fmt.Sprintf("%s %s (attempt %d): %d, want %d: %s", c.what, c.path, attempt, status, c.want, body)
				return
			}
		})
	}
	close(start)
	wg.Wait()
	for _, f := range failures {
		if f != "" {
			t.Error(f)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	// Each history, as the API gives it, replays to the RMA's state.
	contradicted := 0
	for _, r := range targets {
		evs := h.must(http.StatusOK, "GET", fmt.Sprintf("/api/v1/rmas/%d/events", r.id), h.keys["admin"], nil)["events"].([]any)
		if want := 2 + messages + uploads; len(evs) != want {
			t.Errorf("RMA %d: %d events, want %d", r.id, len(evs), want)
		}
		state, authorized := "", 0
		for i, e := range evs {
			from, to, action := str(e, "from"), str(e, "to"), str(e, "action")
			if i > 0 && from != state {
				t.Errorf("RMA %d: event %d (%s) is recorded from %s, but the RMA was %s", r.id, i+1, action, from, state)
				contradicted++
				break
			}
			if action == "authorize" {
				authorized++
			}
			state = to
		}
		got := h.get(r.id)
		if authorized != 1 || state != "authorized" || got["state"] != "authorized" {
			t.Errorf("RMA %d: %d authorizations, history ends in %s, the RMA is %s", r.id, authorized, state, got["state"])
		}
		// Every write moved the version: submit, authorize, each message
		// and each upload.
		if want := 2 + messages + uploads; got["version"] != float64(want) {
			t.Errorf("RMA %d is at version %v, want %d", r.id, got["version"], want)
		}
	}
	if contradicted > 0 {
		t.Errorf("%d of %d histories contradict themselves", contradicted, rmas)
	}

	// And the integrity checker (what `rmadesk check` runs) agrees.
	files, err := filestore.Open(filepath.Join(h.dir, "files"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := check.Run(t.Context(), h.db, files)
	if err != nil {
		t.Fatal(err)
	}
	flagged := map[int64]bool{}
	for _, p := range rep.Problems {
		flagged[p.RMAID] = true
		if len(flagged) <= 5 {
			t.Errorf("check: %s", p)
		}
	}
	if len(rep.Problems) > 0 {
		t.Errorf("check flagged %d of %d RMAs", len(flagged), rep.RMAs)
	}
	if rep.Documents != rmas*uploads {
		t.Errorf("check read %d documents, want %d", rep.Documents, rmas*uploads)
	}
}

// TestMessagesAndDocumentsMoveTheETag: a message or an upload is a change
// to the RMA: its ETag moves, so a decision taken on what was there before
// (an authorize with the old ETag) is refused with 412 rather than made
// blind to the new evidence, and the event records the state it was
// written in.
func TestMessagesAndDocumentsMoveTheETag(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rmaID := id(h.submit(h.keys["dexxon"], dexxonSubmission(1, "89.90")))
	path := fmt.Sprintf("/api/v1/rmas/%d", rmaID)
	for _, add := range []func(){
		func() {
			h.must(http.StatusCreated, "POST", path+"/messages", h.keys["dexxon"], map[string]any{"body": "It clicks."})
		},
		func() { h.upload(h.keys["dexxon"], rmaID, "other", "photo.png", pngBytes) },
	} {
		before := h.etag(rmaID)
		add()
		after := h.etag(rmaID)
		if after == before {
			t.Fatalf("ETag %s did not move", before)
		}
		r := h.do("POST", path+"/authorize", h.keys["agent"], map[string]any{"resolution": "return"}, "If-Match", before)
		if r.status != http.StatusPreconditionFailed {
			t.Fatalf("authorize with the ETag from before: %d %s", r.status, r.body)
		}
		// A GET with the new ETag is still a 304.
		if r := h.do("GET", path, h.keys["agent"], nil, "If-None-Match", after); r.status != http.StatusNotModified {
			t.Fatalf("GET If-None-Match the current ETag: %d", r.status)
		}
	}
	h.act(h.keys["agent"], rmaID, "authorize", map[string]any{"resolution": "return"})
	h.must(http.StatusCreated, "POST", path+"/messages", h.keys["agent"], map[string]any{"body": "Send it in."})
	expectEvents(t, h, rmaID, "submit->submitted", "add_message->submitted", "add_document->submitted",
		"authorize->authorized", "add_message->authorized")
}
