package store

import (
	"math"

	"github.com/rmadesk/rmadesk/internal/store/sqlcodec"
)

// finiteHours is a line's evaluation hours as its column keeps them: a
// number both databases store alike; NaN or an infinity (which the domain
// refuses, and PostgreSQL would keep but SQLite not) is refused here too.
func finiteHours(enc *sqlcodec.Encoder, field string, h float64) float64 {
	if math.IsNaN(h) || math.IsInf(h, 0) {
		enc.Fail(field, "must be a finite number")
		return 0
	}
	return h
}
