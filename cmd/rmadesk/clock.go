package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/rmadesk/rmadesk/internal/rma"
)

// The test clock of a demo desk: serve --demo lets an admin move the
// desk's date forward, and `rmadesk clock advance` asks the running desk
// to (POST /api/v1/clock/advance): only the desk knows whether it was
// started with --demo, and only its jobs runner should run what falls due.

// clockRefresh is how often an instance reads the shared offset, so that a
// move made through another instance reaches it.
const clockRefresh = 2 * time.Second

// deskClock makes the desk's clock over the database's shared offset. A
// desk started without --demo keeps real time, even on a database a demo
// desk once moved; it says so in the log.
func deskClock(ctx context.Context, db database, demo bool, log *slog.Logger) (*rma.DeskClock, error) {
	cs, ok := db.(rma.ClockStore)
	if !ok {
		return nil, errors.New("the database keeps no desk clock")
	}
	clock := rma.NewDeskClock(cs, demo, nil)
	off, err := clock.Refresh(ctx)
	if err != nil {
		return nil, err
	}
	switch {
	case demo && off > 0:
		log.Info("demo desk: its date is moved forward", "offset", off.String(), "desk_date", clock.Now().UTC().Format(time.DateOnly))
	case !demo && off > 0:
		log.Warn("this database's date was moved forward on a demo desk; without --demo the desk keeps real time", "offset", off.String())
	}
	return clock, nil
}

const clockUsage = `clock show|advance [--days N] [--hours N] [--url URL] [--key KEY]
  show the desk's date, or move a demo desk's date forward (a desk started
  with serve --demo; any other refuses); the jobs that fall due run at once.
  --url and --key default to $RMADESK and $ADMIN_KEY, which the demo's
  demo-keys.env exports`

func runClock(e *env, args []string) error {
	if len(args) == 0 || (args[0] != "show" && args[0] != "advance") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintln(e.stderr, "Usage: rmadesk "+clockUsage)
			return flag.ErrHelp
		}
		return badInputf("clock: usage: rmadesk clock show|advance --days N [--url URL] [--key KEY]")
	}
	sub := args[0]
	fs := newFlags(e, "clock "+sub, clockUsage)
	url := fs.String("url", envOr("RMADESK", "http://127.0.0.1:8080"), "the desk's `URL` (env RMADESK)")
	key := fs.String("key", os.Getenv("ADMIN_KEY"), "an admin's API `KEY` (env ADMIN_KEY)")
	days := fs.Int("days", 0, "move the date forward by `N` days")
	hours := fs.Int("hours", 0, "and by `N` hours")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return badInputf("clock %s: unexpected argument %q", sub, fs.Arg(0))
	}
	if *key == "" {
		return badInputf("--key: required: an admin's API key (source the demo's demo-keys.env, or give --key)")
	}
	method, path, body := http.MethodGet, "/api/v1/clock", ""
	if sub == "advance" {
		switch {
		case *days < 0:
			return badInputf("--days: %d: the desk's date only moves forward", *days)
		case *hours < 0:
			return badInputf("--hours: %d: the desk's date only moves forward", *hours)
		case *days == 0 && *hours == 0:
			return badInputf("--days: required: how many days to move the desk's date forward")
		}
		b, _ := json.Marshal(map[string]int{"days": *days, "hours": *hours})
		method, path, body = http.MethodPost, "/api/v1/clock/advance", string(b)
	} else if *days != 0 || *hours != 0 {
		return badInputf("--days: clock show moves nothing; use clock advance")
	}
	req, err := http.NewRequestWithContext(e.ctx, method, strings.TrimRight(*url, "/")+path, strings.NewReader(body))
	if err != nil {
		return badInputf("--url: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+*key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	// Moving the date runs the jobs that fell due before the desk answers.
	client := &http.Client{Timeout: 5 * time.Minute}
	resp, err := client.Do(req)
	if err != nil {
		return badInputf("--url: %v", err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		var p struct {
			Detail string `json:"detail"`
			Errors []struct {
				Field, Detail string
			} `json:"errors"`
		}
		_ = json.Unmarshal(data, &p)
		msg := p.Detail
		if len(p.Errors) > 0 {
			msg = "--" + p.Errors[0].Field + ": " + p.Errors[0].Detail
		}
		if msg == "" {
			msg = strings.TrimSpace(string(data))
		}
		return badInputf("clock %s: the desk answered %d: %s", sub, resp.StatusCode, msg)
	}
	var v struct {
		Today         string `json:"today"`
		Demo          bool   `json:"demo"`
		Moved         bool   `json:"moved"`
		OffsetSeconds int64  `json:"offset_seconds"`
		JobsRun       *int   `json:"jobs_run"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return fmt.Errorf("clock %s: the desk's answer: %v", sub, err)
	}
	line := "desk date " + v.Today
	switch {
	case v.Moved:
		off := time.Duration(v.OffsetSeconds) * time.Second
		line += fmt.Sprintf(" (test clock: %d days %d hours ahead)", off/(24*time.Hour), off%(24*time.Hour)/time.Hour)
	case v.Demo:
		line += " (demo desk: the clock may move)"
	}
	if v.JobsRun != nil {
		line += fmt.Sprintf("; %d due jobs ran", *v.JobsRun)
	}
	fmt.Fprintln(e.stdout, line)
	return nil
}
