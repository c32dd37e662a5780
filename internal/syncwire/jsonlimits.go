package syncwire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// JSON decoding with counts bounded while decoding: a list of a million
// empty objects is a few megabytes of input but far more memory once
// decoded, so each list stops at its limit instead of being checked after.

// errTooMany is returned (wrapped) by a list or map over its limit.
var errTooMany = errors.New("too many entries")

// limited decodes a JSON array (or null) of at most max elements into *out.
type limited[T any] struct {
	max int
	out *[]T
}

func (l *limited[T]) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t == nil {
		*l.out = nil
		return nil
	}
	if d, ok := t.(json.Delim); !ok || d != '[' {
		return errors.New("not an array")
	}
	var v []T
	for dec.More() {
		if len(v) >= l.max {
			return fmt.Errorf("%w: more than %d", errTooMany, l.max)
		}
		var x T
		if err := dec.Decode(&x); err != nil {
			return err
		}
		v = append(v, x)
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	*l.out = v
	return nil
}

// limitedMap decodes a JSON object of strings (or null) of at most max
// entries into *out.
type limitedMap struct {
	max int
	out *map[string]string
}

func (l *limitedMap) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t == nil {
		*l.out = nil
		return nil
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return errors.New("not an object")
	}
	m := map[string]string{}
	for dec.More() {
		if len(m) >= l.max {
			return fmt.Errorf("%w: more than %d", errTooMany, l.max)
		}
		kt, err := dec.Token()
		if err != nil {
			return err
		}
		k, _ := kt.(string)
		var v string
		if err := dec.Decode(&v); err != nil {
			return err
		}
		if _, dup := m[k]; dup {
			return fmt.Errorf("duplicate key %q", k)
		}
		m[k] = v
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	*l.out = m
	return nil
}

// decodePayload decodes one JSON value from r (at most max bytes) into v,
// refusing unknown fields and anything after the value. Over a limit is
// ErrTooLarge; anything else wrong is ErrMalformed.
func decodePayload(r io.Reader, max int64, v any, what string) error {
	lr := &io.LimitedReader{R: r, N: max + 1}
	dec := json.NewDecoder(lr)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.New("data after the JSON value")
		}
	}
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrTampered) {
		return err
	}
	if lr.N <= 0 {
		return refuse(ErrTooLarge, msgTooLarge, fmt.Errorf("%s over %d bytes", what, max), "max", mb(max))
	}
	if errors.Is(err, errTooMany) {
		return refuse(ErrTooLarge, msgTooMany, fmt.Errorf("%s: %w", what, err))
	}
	return malformed(fmt.Errorf("%s: %w", what, err))
}

// decodeStrictBytes decodes b (one JSON value, as UnmarshalJSON gets it)
// into v, refusing unknown fields.
func decodeStrictBytes(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
