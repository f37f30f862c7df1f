// Package domain holds the business of erpd in plain Go: entities, value
// objects, posting rules and the ports that adapters implement. It imports
// no framework, so every rule here is testable without a database.
package domain

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what the caller did wrong (or did not). The
// transport maps each kind to a status in exactly one place.
type Kind int

// Error kinds.
const (
	KindInternal         Kind = iota // a fault of ours; never shown in detail
	KindMalformed                    // the request could not be read (bad JSON, wrong types)
	KindInvalid                      // well-formed but breaks a business rule
	KindNotFound                     // the thing asked for does not exist
	KindConflict                     // duplicate code, wrong state, stale version
	KindUnauthorized                 // no or bad credentials
	KindForbidden                    // authenticated, but not allowed
	KindRateLimited                  // too many attempts
	KindUnavailable                  // a dependency is down; try again
	KindTooLarge                     // the request body is over the limit
	KindMisconfigured                // the server's configuration does not allow it; only its operator can fix that
	KindUnsupportedMedia             // the body is not of a type the endpoint reads
)

// Stable error codes that programs switch on. Messages are for people; codes
// never change once published.
const (
	CodeInternal          = "internal"
	CodeMalformed         = "malformed_request"
	CodeValidation        = "validation_failed"
	CodeNotFound          = "not_found"
	CodeDuplicate         = "duplicate"
	CodeVersionConflict   = "version_conflict"
	CodeInvalidState      = "invalid_state"
	CodeReferenced        = "referenced"
	CodeInsufficientStock = "insufficient_stock"
	CodeUnauthorized      = "unauthorized"
	CodeBadCredentials    = "bad_credentials"
	CodeTOTPRequired      = "totp_required" // the password was right; the two-step code is missing
	CodeTOTPInvalid       = "totp_invalid"  // the two-step code is wrong, expired or used
	CodeForbidden         = "forbidden"
	CodeTooManyAttempts   = "too_many_attempts"
	CodeIdempotencyReuse  = "idempotency_key_reused"
	CodeIdempotencyBusy   = "idempotency_in_progress"
	// CodeIdempotencyCommitted: the keyed request's work was done, but its
	// answer was lost when the server stopped; it is not run again.
	CodeIdempotencyCommitted = "idempotency_committed"
	CodeUnavailable          = "unavailable"
	CodeDeadlock             = "deadlock"
	CodeTooLarge             = "payload_too_large"
	CodeMethodNotAllowed     = "method_not_allowed"
	// CodePublicURLRequired: QR sign-in needs http.public_url outside the demo.
	CodePublicURLRequired = "public_url_required"
	// CodeTooManyRequests: an address asked too often for something that
	// stores state before anyone has signed in.
	CodeTooManyRequests = "too_many_requests"

	// CodeTOTPEnrolmentRequired: the user's role requires two-step sign-in
	// and they have not turned it on; their token may only enrol.
	CodeTOTPEnrolmentRequired = "totp_enrolment_required"
	CodeUnsupportedMedia      = "unsupported_media_type"
)

// Error is the one error type that crosses layers. Field names the offending
// input (`lines[0].qty`) when there is one; Details carries machine-readable
// extras such as the available quantity.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Field   string
	Details map[string]any
	cause   error
}

func (e *Error) Error() string {
	msg := e.Code + ": " + e.Message
	if e.Field != "" {
		msg += " (" + e.Field + ")"
	}
	if e.cause != nil {
		msg += ": " + e.cause.Error()
	}
	return msg
}

// Unwrap exposes the cause to errors.Is/As, so logs keep the driver error.
func (e *Error) Unwrap() error { return e.cause }

// Is lets errors.Is(err, domain.ErrInsufficientStock) match any error with
// the same code, whatever its message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Message == "" && t.Field == ""
}

// Sentinels for errors.Is. They carry only a code; Errorf builds the real ones.
var (
	ErrNotFound          = &Error{Kind: KindNotFound, Code: CodeNotFound}
	ErrDuplicate         = &Error{Kind: KindConflict, Code: CodeDuplicate}
	ErrVersionConflict   = &Error{Kind: KindConflict, Code: CodeVersionConflict}
	ErrInvalidState      = &Error{Kind: KindConflict, Code: CodeInvalidState}
	ErrInsufficientStock = &Error{Kind: KindInvalid, Code: CodeInsufficientStock}
	ErrValidation        = &Error{Kind: KindInvalid, Code: CodeValidation}
	ErrForbidden         = &Error{Kind: KindForbidden, Code: CodeForbidden}
	ErrUnauthorized      = &Error{Kind: KindUnauthorized, Code: CodeUnauthorized}
	ErrDeadlock          = &Error{Kind: KindUnavailable, Code: CodeDeadlock}
	ErrUnavailable       = &Error{Kind: KindUnavailable, Code: CodeUnavailable}
)

// Errorf builds an error of a kind and code with a formatted message.
func Errorf(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid is a 422-style validation error on one field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Code: CodeValidation, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound says that an entity of a kind (采购单, 商品…) with this id is absent.
func NotFound(what string, id any) *Error {
	return &Error{Kind: KindNotFound, Code: CodeNotFound, Message: fmt.Sprintf("%s %v 不存在", what, id)}
}

// WithField returns a copy of e naming the offending input.
func (e *Error) WithField(field string) *Error {
	c := *e
	c.Field = field
	return &c
}

// WithDetails returns a copy of e with machine-readable details added.
func (e *Error) WithDetails(d map[string]any) *Error {
	c := *e
	c.Details = d
	return &c
}

// WithMessage returns a copy of e with a message for people.
func (e *Error) WithMessage(format string, args ...any) *Error {
	c := *e
	c.Message = fmt.Sprintf(format, args...)
	return &c
}

// Wrap returns a copy of e that keeps cause for logs and errors.Is.
func (e *Error) Wrap(cause error) *Error {
	c := *e
	c.cause = cause
	return &c
}

// AsError finds the domain error in err's chain, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// ErrorKind returns the kind of err; anything that is not a domain error is
// internal, so an unexpected failure is never reported as the caller's fault.
func ErrorKind(err error) Kind {
	if e := AsError(err); e != nil {
		return e.Kind
	}
	return KindInternal
}
