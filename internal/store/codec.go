package store

import "github.com/rmadesk/rmadesk/internal/store/sqlcodec"

// The column encoding of internal/store/sqlcodec, which the archive shares.
type (
	encoder = sqlcodec.Encoder
	decoder = sqlcodec.Decoder
)

// nullID stores an optional reference (0: NULL).
var nullID = sqlcodec.NullID
