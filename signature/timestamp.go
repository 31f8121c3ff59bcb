package signature

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TimestampFormat is how a signed timestamp is written on the wire.
type TimestampFormat int

const (
	// UnixSeconds is decimal seconds since 1970 (the default): digits
	// only, no sign, no leading zero, at most 12 digits.
	UnixSeconds TimestampFormat = iota
	// UnixMilliseconds is decimal milliseconds since 1970 (HubSpot), with
	// the same strictness and at most 15 digits.
	UnixMilliseconds
	// RFC3339 is an RFC 3339 date-time with optional fraction up to
	// nanoseconds (Twitch: "2023-07-19T10:11:12.123456789Z").
	RFC3339
)

func (f TimestampFormat) String() string {
	switch f {
	case UnixSeconds:
		return "unix seconds"
	case UnixMilliseconds:
		return "unix milliseconds"
	case RFC3339:
		return "RFC 3339"
	}
	return "TimestampFormat(" + strconv.Itoa(int(f)) + ")"
}

// maxTimestampDigits bounds a unix timestamp: 12 digits reach year 33658,
// and longer strings are refused before any arithmetic can overflow.
const maxTimestampDigits = 12

// maxMilliDigits bounds unix milliseconds the same way (year 33658).
const maxMilliDigits = maxTimestampDigits + 3

// maxRFC3339Len is the longest RFC 3339 timestamp accepted:
// "2006-01-02T15:04:05.999999999+07:00".
const maxRFC3339Len = 35

// ParseTimestamp reads a signed timestamp in format f, as every scheme in
// this module does. Unix seconds and
// milliseconds are ASCII digits only: no sign, no leading zero (except "0"
// itself), no spaces, at most 12 (15) digits. RFC 3339 is upper-case
// "T" and "Z" or a numeric offset, at most nanosecond precision.
func ParseTimestamp(s string, f TimestampFormat) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("%w: empty timestamp", ErrMalformed)
	}
	switch f {
	case RFC3339:
		if len(s) > maxRFC3339Len || strings.Trim(s, "0123456789-:.+TZ") != "" {
			return time.Time{}, fmt.Errorf("%w: timestamp is not RFC 3339", ErrMalformed)
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return time.Time{}, fmt.Errorf("%w: timestamp is not RFC 3339", ErrMalformed)
		}
		return t.UTC(), nil
	case UnixMilliseconds:
		n, err := parseDigits(s, maxMilliDigits)
		if err != nil {
			return time.Time{}, err
		}
		return time.UnixMilli(n).UTC(), nil
	}
	n, err := parseDigits(s, maxTimestampDigits)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(n, 0).UTC(), nil
}

// parseDigits reads a non-negative decimal of at most max digits with no
// sign and no leading zero.
func parseDigits(s string, max int) (int64, error) {
	if len(s) > max {
		return 0, fmt.Errorf("%w: timestamp too long", ErrMalformed)
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, fmt.Errorf("%w: timestamp has a leading zero", ErrMalformed)
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: timestamp is not digits only", ErrMalformed)
		}
		n = n*10 + int64(c-'0')
	}
	return n, nil
}

// AppendTimestamp appends t in format f to dst, the signer's inverse of
// [ParseTimestamp]. It refuses times before 1970 and past the digit bound.
func AppendTimestamp(dst []byte, t time.Time, f TimestampFormat) ([]byte, error) {
	if t.IsZero() || t.Unix() < 0 {
		return nil, errors.New("signature: Sign needs a timestamp after 1970")
	}
	switch f {
	case RFC3339:
		return t.UTC().AppendFormat(dst, time.RFC3339Nano), nil
	case UnixMilliseconds:
		out := strconv.AppendInt(dst, t.UnixMilli(), 10)
		if len(out)-len(dst) > maxMilliDigits {
			return nil, errors.New("signature: Sign timestamp too large")
		}
		return out, nil
	}
	out := strconv.AppendInt(dst, t.Unix(), 10)
	if len(out)-len(dst) > maxTimestampDigits {
		return nil, errors.New("signature: Sign timestamp too large")
	}
	return out, nil
}
