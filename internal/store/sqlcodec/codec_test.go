package sqlcodec

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/rmadesk/rmadesk/internal/calendar"
	"github.com/rmadesk/rmadesk/internal/rma"
)

// Times are stored at one width, so that text order is time order, and
// read back to the nanosecond; a year SQLite's and PostgreSQL's text
// cannot hold is refused with its field.
func TestTimes(t *testing.T) {
	var enc Encoder
	a := time.Date(2026, 3, 2, 9, 0, 0, 5, time.UTC)
	b := time.Date(2026, 3, 2, 9, 0, 0, 40, time.FixedZone("CET", 3600)) // 08:00 UTC: earlier
	ta, tb := enc.Time("a", a).(string), enc.Time("b", b).(string)
	if len(ta) != len(tb) || !(tb < ta) {
		t.Fatalf("%q and %q: not one width, or text order is not time order", ta, tb)
	}
	if enc.Time("zero", time.Time{}) != nil || enc.Err != nil {
		t.Fatalf("zero time: %v", enc.Err)
	}
	d := Decoder{Where: "test"}
	if got := d.Time("a", sql.NullString{String: ta, Valid: true}); !got.Equal(a) || d.Err != nil {
		t.Fatalf("read back %v (%v), want %v", got, d.Err, a)
	}
	enc.Time("created", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))
	if rma.ErrorCode(enc.Err) != rma.EINVALID || !strings.Contains(enc.Err.Error(), "created") {
		t.Fatalf("year 10000: %v", enc.Err)
	}
	d.Time("updated", sql.NullString{String: "yesterday", Valid: true})
	if d.Err == nil || !strings.Contains(d.Err.Error(), "test") {
		t.Fatalf("a damaged time: %v", d.Err)
	}
}

func TestDates(t *testing.T) {
	var enc Encoder
	day := calendar.DateOf(2024, time.February, 29)
	if got := enc.Date("due", day); got != "2024-02-29" {
		t.Fatalf("%v", got)
	}
	d := Decoder{Where: "test"}
	if got := d.Date("due", sql.NullString{String: "2024-02-29", Valid: true}); got != day {
		t.Fatalf("%v", got)
	}
	if got := d.Date("due", sql.NullString{}); !got.IsZero() || d.Err != nil {
		t.Fatalf("NULL: %v %v", got, d.Err)
	}
}

func TestCursors(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 123, time.FixedZone("CET", 3600))
	created, id, err := DecodeCursor(EncodeCursor(at, 42))
	if err != nil || id != 42 || created != at.UTC().Format(TimeLayout) {
		t.Fatalf("%q %d %v", created, id, err)
	}
	for _, bad := range []string{"", "!!", "bm90IGEgY3Vyc29y", EncodeCursor(at, 0)} {
		if _, _, err := DecodeCursor(bad); rma.ErrorCode(err) != rma.EINVALID {
			t.Errorf("cursor %q: %v", bad, err)
		}
	}
}

func TestColumns(t *testing.T) {
	if got := Columns("o", "id, name, created"); got != "o.id, o.name, o.created" {
		t.Fatal(got)
	}
}

// FuzzCursor: any cursor text is refused or accepted without panicking, and
// a cursor the store made decodes to what it encoded.
func FuzzCursor(f *testing.F) {
	f.Add("", int64(1))
	f.Add("MjAyNi0wMy0wMlQwOTozMDowMC4xMjM0NTYwMDBaLDQy", int64(42))
	f.Add("!!!", int64(-3))
	f.Fuzz(func(t *testing.T, s string, id int64) {
		if _, _, err := DecodeCursor(s); err != nil && rma.ErrorCode(err) != rma.EINVALID {
			t.Fatalf("DecodeCursor(%q): %v", s, err)
		}
		if id <= 0 {
			return
		}
		at := time.Unix(0, id).UTC()
		created, gotID, err := DecodeCursor(EncodeCursor(at, id))
		if err != nil || gotID != id || created != at.Format(TimeLayout) {
			t.Fatalf("round trip of (%s, %d): %q, %d, %v", at, id, created, gotID, err)
		}
	})
}
