package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/store/pgtest"
)

// TestTwoInstancesPublish: two rmadesk processes on one PostgreSQL
// database; a version published through one is in the other's policies
// within its refresh interval (packsRefresh), with no restart.
func TestTwoInstancesPublish(t *testing.T) {
	url := pgtest.URL(t)
	dir := t.TempDir()
	if code, _, errOut := runCLI(t, "", "org", "create", "--db", url, "--name", "Desk", "--desk"); code != 0 {
		t.Fatal(errOut)
	}
	code, out, errOut := runCLI(t, "", "apikey", "create", "--db", url, "--org", "Desk", "--role", "admin")
	if code != 0 {
		t.Fatal(errOut)
	}
	admin := strings.TrimSpace(out)
	a := startInstance(t, "--db", url, "--data-dir", filepath.Join(dir, "a"))
	b := startInstance(t, "--db", url, "--data-dir", filepath.Join(dir, "b"))

	src, err := os.ReadFile(filepath.Join("..", "..", "policies", "pixfra.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"source": string(src), "version": "2", "effective_from": "2099-01-01"})
	status, d, _ := call(t, "POST", a.base+"/api/v1/policies/pixfra/drafts", admin, string(body))
	if status != http.StatusCreated {
		t.Fatalf("draft through a: %d %v", status, d)
	}
	// Both instances stored the seeds on start, once.
	status, vs, _ := call(t, "GET", b.base+"/api/v1/policies/pixfra/versions", admin, "")
	if status != http.StatusOK || len(vs["versions"].([]any)) != 2 {
		t.Fatalf("versions through b: %d %v", status, vs)
	}
	status, p, _ := call(t, "POST", fmt.Sprintf("%s/api/v1/policies/pixfra/drafts/%v/publish", a.base, d["id"]), admin, "")
	if status != http.StatusOK {
		t.Fatalf("publish through a: %d %v", status, p)
	}
	if status, _, _ := call(t, "GET", a.base+"/api/v1/policies/pixfra?version=2", admin, ""); status != http.StatusOK {
		t.Fatalf("a does not have version 2 at once: %d", status)
	}
	deadline := time.Now().Add(packsRefresh + 5*time.Second)
	for {
		status, _, _ := call(t, "GET", b.base+"/api/v1/policies/pixfra?version=2", admin, "")
		if status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("b does not have version 2 after %s: %d", packsRefresh+5*time.Second, status)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
