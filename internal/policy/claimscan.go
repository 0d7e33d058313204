package policy

import (
	"unicode/utf8"
)

// ParseStoredClaim is ParseClaim for claims read back in bulk (a what-if
// replays a million of them): the same claim, or the same error, for any
// input, in a tenth of the time. encoding/json's reflection costs 25
// decisions a claim; this reads the shape Claim.MarshalJSON writes with a
// small scanner into the same claimJSON, checked by the same claim(), and
// hands anything else (an escape in a string, a null, a key in another
// case, a contract, bad JSON) to ParseClaim, so its answer is ParseClaim's.
func ParseStoredClaim(data []byte) (Claim, error) {
	var raw claimJSON
	s := claimScanner{b: data}
	if !s.claim(&raw) {
		return ParseClaim(data)
	}
	c, err := raw.claim()
	if err != nil {
		return ParseClaim(data) // the same error, worded by the one decoder
	}
	return c, nil
}

type claimScanner struct {
	b []byte
	i int
}

func (s *claimScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// next consumes c after white space.
func (s *claimScanner) next(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str reads a string without escapes: anything else is ParseClaim's.
func (s *claimScanner) str() (string, bool) {
	v, ok := s.bytes()
	return string(v), ok
}

// word reads a string that repeats from claim to claim (a role, a
// country, a model, a document's name): interned, so a million claims
// read back share a few hundred strings instead of allocating each.
func (s *claimScanner) word() (string, bool) {
	v, ok := s.bytes()
	return intern(v), ok
}

// bytes reads a string without escapes, valid UTF-8, as a slice of the
// input.
func (s *claimScanner) bytes() ([]byte, bool) {
	if !s.next('"') {
		return nil, false
	}
	start, ascii := s.i, true
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			v := s.b[start:s.i]
			s.i++
			if !ascii && !utf8.Valid(v) {
				return nil, false
			}
			return v, true
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= 0x80:
			ascii = false
		}
		s.i++
	}
	return nil, false
}

// object reads {"key": value, ...}, calling field for each key to read
// its value; field returns false for a key it does not know. The key is
// a slice of the input (a switch on string(key) allocates nothing).
func (s *claimScanner) object(field func(key []byte) bool) bool {
	if !s.next('{') {
		return false
	}
	if s.next('}') {
		return true
	}
	for {
		key, ok := s.bytes()
		if !ok || !s.next(':') || !field(key) {
			return false
		}
		if s.next('}') {
			return true
		}
		if !s.next(',') {
			return false
		}
	}
}

func (s *claimScanner) strings() ([]string, bool) {
	if !s.next('[') {
		return nil, false
	}
	out := []string{}
	if s.next(']') {
		return out, true
	}
	for {
		v, ok := s.word()
		if !ok {
			return nil, false
		}
		out = append(out, v)
		if s.next(']') {
			return out, true
		}
		if !s.next(',') {
			return nil, false
		}
	}
}

func (s *claimScanner) into(dst *string) bool {
	v, ok := s.str()
	*dst = v
	return ok
}

// intoWord is into for a string that repeats from claim to claim.
func (s *claimScanner) intoWord(dst *string) bool {
	v, ok := s.word()
	*dst = v
	return ok
}

func (s *claimScanner) claim(raw *claimJSON) bool {
	ok := s.object(func(key []byte) bool {
		switch string(key) {
		case "kind":
			return s.intoWord(&raw.Kind)
		case "requester":
			return s.object(func(key []byte) bool {
				switch string(key) {
				case "role":
					return s.intoWord(&raw.Requester.Role)
				case "country":
					return s.intoWord(&raw.Requester.Country)
				case "standing":
					return s.intoWord(&raw.Requester.Standing)
				}
				return false
			})
		case "product":
			p := &raw.Product
			return s.object(func(key []byte) bool {
				switch string(key) {
				case "category":
					return s.intoWord(&p.Category)
				case "part":
					return s.intoWord(&p.Part)
				case "model":
					return s.intoWord(&p.Model)
				case "serial":
					return s.into(&p.Serial)
				case "part_number":
					return s.into(&p.PartNumber)
				case "channel":
					return s.intoWord(&p.Channel)
				case "price":
					if p.Price == nil { // a repeated key updates it, as encoding/json does
						p.Price = &amountJSON{}
					}
					a := p.Price
					return s.object(func(key []byte) bool {
						switch string(key) {
						case "amount":
							return s.into(&a.Amount)
						case "currency":
							return s.intoWord(&a.Currency)
						}
						return false
					})
				}
				return false
			})
		case "dates":
			if raw.Dates == nil {
				raw.Dates = make(map[string]string, 4)
			}
			return s.object(func(key []byte) bool {
				v, ok := s.str()
				raw.Dates[intern(key)] = v
				return ok
			})
		case "conditions":
			v, ok := s.strings()
			raw.Conditions = v
			return ok
		case "documents":
			v, ok := s.strings()
			raw.Documents = v
			return ok
		case "cause":
			return s.into(&raw.Cause)
		}
		return false // contracts and anything unknown: ParseClaim's
	})
	s.ws()
	return ok && s.i == len(s.b)
}
