package rma

import (
	"errors"
	"fmt"
)

// Error codes, mapped to HTTP status codes in one place (internal/api).
const (
	EINVALID      = "invalid"      // bad input: names the field
	ENOTFOUND     = "not_found"    // no such thing, or not yours to see
	ECONFLICT     = "conflict"     // not allowed in the current state, or a duplicate
	EPRECONDITION = "precondition" // the RMA changed since the caller read it (ETag)
	EFORBIDDEN    = "forbidden"    // your role may not do this
	EUNAUTHORIZED = "unauthorized" // no valid credentials
	EINTERNAL     = "internal"     // a bug or an outage; details are logged, not shown
)

// Error is a domain error: a code, a message for the caller, and for
// EINVALID the field at fault. Allowed lists the next steps a refused
// transition could take instead.
type Error struct {
	Code    string
	Field   string
	Message string
	Allowed []Action
	// ExistingID is the RMA an idempotency key already created.
	ExistingID int64
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// Errorf makes a domain error.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid makes an EINVALID error for one field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of a domain error anywhere in err's chain, or
// EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}
