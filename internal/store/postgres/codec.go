package postgres

import "github.com/rmadesk/rmadesk/internal/store/sqlcodec"

// The column encoding both stores share (internal/store/sqlcodec).
type (
	encoder = sqlcodec.Encoder
	decoder = sqlcodec.Decoder
)

// nullID stores an optional reference (0: NULL).
var nullID = sqlcodec.NullID
