package adminauth

import (
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

// The cap holds by construction, not by timing: two hashes are held inside
// the key derivation while eight more arrive; each of those is refused at
// once with ErrBusy instead of waiting (and holding memory).
func TestHasherCapsHashesAtOnce(t *testing.T) {
	h := NewHasher(2)
	entered := make(chan struct{}, 10)
	release := make(chan struct{})
	h.kdf = func(pw, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
		entered <- struct{}{}
		<-release
		return make([]byte, keyLen)
	}
	zero := base64.RawStdEncoding.EncodeToString(make([]byte, 16))
	encoded := "$argon2id$v=19$m=65536,t=3,p=2$" + zero + "$" + base64.RawStdEncoding.EncodeToString(make([]byte, 32))

	type result struct {
		ok  bool
		err error
	}
	results := make(chan result, 10)
	for range 10 {
		go func() {
			ok, err := h.Verify("guess", encoded)
			results <- result{ok, err}
		}()
	}
	<-entered
	<-entered
	for range 8 {
		if r := <-results; !errors.Is(r.err, ErrBusy) {
			t.Fatalf("a third hash at once was not refused: %v %v", r.ok, r.err)
		}
	}
	close(release)
	for range 2 {
		if r := <-results; r.err != nil || !r.ok {
			t.Fatalf("a hash inside the cap: %v %v", r.ok, r.err)
		}
	}
	if st := h.Stats(); st.Hashes != 2 || st.Peak != 2 || st.Busy != 8 {
		t.Fatalf("stats %+v", st)
	}
	// The slots are free again.
	if ok, err := h.Verify("guess", encoded); err != nil || !ok {
		t.Fatalf("after the others: %v %v", ok, err)
	}
}

func TestHasherRefusesOutlandishParameters(t *testing.T) {
	zero := base64.RawStdEncoding.EncodeToString(make([]byte, 16))
	for _, params := range []string{"m=4194304,t=3,p=2", "m=65536,t=0,p=2", "m=65536,t=99,p=2", "m=65536,t=3,p=0"} {
		enc := "$argon2id$v=19$" + params + "$" + zero + "$" + zero
		if _, err := NewHasher(1).Verify("x", enc); err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("%s: %v", params, err)
		}
	}
}

// HashParams decides what new hashes cost and is written into them, so
// Verify follows the stored hash whatever the Hasher's own parameters.
func TestHashParamsAreStoredInTheHash(t *testing.T) {
	cheap := NewHasher(1, HashParams(Params{Time: 1, Memory: 64, Threads: 1, KeyLen: 32}))
	enc, err := cheap.Hash("4711")
	if err != nil || !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash with HashParams: %q %v", enc, err)
	}
	h := NewHasher(1)
	var seen []uint32
	h.kdf = func(pw, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
		seen = append(seen, time, memory, uint32(threads), keyLen)
		return argon2.IDKey(pw, salt, time, memory, threads, keyLen)
	}
	if ok, err := h.Verify("4711", enc); err != nil || !ok {
		t.Fatalf("a production Hasher verifying a cheap hash: %v %v", ok, err)
	}
	if want := []uint32{1, 64, 1, 32}; !slices.Equal(seen, want) {
		t.Fatalf("verified with %v, want the stored %v", seen, want)
	}
	for _, bad := range []Params{{Time: 0, Memory: 64, Threads: 1, KeyLen: 32}, {Time: 1, Memory: 2 << 20, Threads: 1, KeyLen: 32},
		{Time: 1, Memory: 64, Threads: 0, KeyLen: 32}, {Time: 1, Memory: 64, Threads: 1, KeyLen: 8}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("NewHasher accepted %+v", bad)
				}
			}()
			NewHasher(1, HashParams(bad))
		}()
	}
}
