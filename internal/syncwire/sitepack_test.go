package syncwire

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"id06desk/internal/i18n"
	"id06desk/internal/token"
)

func TestSitePackRoundTrip(t *testing.T) {
	f := newFixture(t)
	data := f.sitePackFile(t, 3)
	if bytes.Contains(data, []byte("ABCD2345")) {
		t.Fatal("the site pack is readable")
	}
	env, err := Open(bytes.NewReader(data), f.kioskOpts())
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	p, err := ReadSitePack(env)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, f.sitePack(3)) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", p, f.sitePack(3))
	}
	if _, err := token.NewVerifier(PublicKeysOf(p.TokenKeys)...); err != nil {
		t.Fatalf("token keys: %v", err)
	}
	if !p.Newer(2) || p.Newer(3) || p.CheckNewer(0) != nil {
		t.Fatal("Newer")
	}
}

func TestSitePackStale(t *testing.T) {
	f := newFixture(t)
	p := f.sitePack(4)
	for _, applied := range []uint64{4, 9} {
		err := p.CheckNewer(applied)
		wantErr(t, err, ErrStale)
		var ie *i18n.Error
		errors.As(err, &ie)
		if !strings.Contains(ie.Msg.In(i18n.EN), "number 4") {
			t.Fatalf("message %q", ie.Msg.In(i18n.EN))
		}
	}
}

func TestSitePackForAnotherKioskOrConsole(t *testing.T) {
	f := newFixture(t)
	data := f.sitePackFile(t, 1)
	opt := f.kioskOpts()
	opt.Me = "kiosk-other"
	_, err := Open(bytes.NewReader(data), opt)
	wantErr(t, err, ErrWrongRecipient)
	opt = f.kioskOpts()
	opt.Console = "console-other"
	_, err = Open(bytes.NewReader(data), opt)
	wantErr(t, err, ErrWrongRecipient)
	// Encrypted to another kiosk's key.
	other, _ := NewKioskKeys()
	var buf bytes.Buffer
	if err := WriteSitePack(&buf, f.sitePackHeader(1), f.sitePack(1), other.Public().AgeRecipient, f.console); err != nil {
		t.Fatal(err)
	}
	_, err = Open(bytes.NewReader(buf.Bytes()), f.kioskOpts())
	wantErr(t, err, ErrWrongRecipient)
	// Signed by another console.
	buf.Reset()
	if err := WriteSitePack(&buf, f.sitePackHeader(1), f.sitePack(1), f.kiosk.Public().AgeRecipient, f.other); err != nil {
		t.Fatal(err)
	}
	_, err = Open(bytes.NewReader(buf.Bytes()), f.kioskOpts())
	wantErr(t, err, ErrTampered)
	noTempFiles(t, f.dir)
}

func TestDecodeSitePackLimits(t *testing.T) {
	f := newFixture(t)
	var good bytes.Buffer
	if err := EncodeSitePack(&good, f.sitePack(1)); err != nil {
		t.Fatal(err)
	}
	base := strings.TrimSuffix(good.String(), "\n")
	cases := []struct {
		name, json string
		want       error
	}{
		{"invitations over the limit", strings.Replace(base, `"invitations":[`, `"invitations":[`+strings.Repeat(`{},`, MaxInvitations+1), 1), ErrTooLarge},
		{"revoked over the limit", strings.Replace(base, `"revoked":[`, `"revoked":[`+strings.Repeat(`"a",`, MaxRevoked+1), 1), ErrTooLarge},
		{"acks over the limit", strings.Replace(base, `"registrations":[`, `"registrations":[`+strings.Repeat(`1,`, MaxAcks+1), 1), ErrTooLarge},
		{"unknown field", strings.Replace(base, `{"kioskId"`, `{"evil":1,"kioskId"`, 1), ErrMalformed},
		{"no token keys", strings.Replace(base, `"tokenKeys":[`, `"tokenKeys":null,"x":[`, 1), ErrMalformed},
		{"trailing data", base + `{}`, ErrMalformed},
		{"not JSON", "hello", ErrMalformed},
		{"empty", "", ErrMalformed},
		{"over the byte limit", `{"kioskId":"` + strings.Repeat("a", MaxSitePackBytes) + `"}`, ErrTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeSitePack(strings.NewReader(c.json))
			wantErr(t, err, c.want)
		})
	}
	if _, err := DecodeSitePack(strings.NewReader(base)); err != nil {
		t.Fatalf("the base case: %v", err)
	}
}
