package webhook

import (
	"net/netip"
	"testing"
	"time"
)

func TestPrivate(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1": true, "::1": true, "10.1.2.3": true, "172.16.0.1": true, "192.168.1.1": true,
		"169.254.169.254": true, // the cloud's metadata service
		"fe80::1":         true, "fc00::1": true, "0.0.0.0": true, "::": true, "100.64.0.1": true,
		"::ffff:127.0.0.1": true, "::ffff:10.0.0.1": true, "224.0.0.1": true,
		"93.184.216.34": false, "2606:4700::1": false, "8.8.8.8": false,
	} {
		if got := Private(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Private(%s) = %v, want %v", addr, got, want)
		}
	}
	ctl := dialControl(false)
	if err := ctl("tcp", "127.0.0.1:80", nil); err == nil {
		t.Error("the guard let loopback through")
	}
	if err := ctl("tcp", "93.184.216.34:443", nil); err != nil {
		t.Errorf("the guard refused a public address: %v", err)
	}
	if err := dialControl(true)("tcp", "127.0.0.1:80", nil); err != nil {
		t.Errorf("allowed, the guard refused loopback: %v", err)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":                              0,
		"120":                           2 * time.Minute,
		"-5":                            0,
		"soon":                          0,
		"Sun, 06 Dec 2026 13:00:00 GMT": time.Hour,
		"Sun, 06 Dec 2026 11:00:00 GMT": 0,
	} {
		if got := retryAfter(v, now); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", v, got, want)
		}
	}
	d := NewDispatcher(nil, Config{Schedule: []time.Duration{time.Second, time.Second}})
	o := d.failure(&Delivery{Attempts: 1}, &Endpoint{}, now, 3*time.Hour)
	if o.State != Pending || !o.NextAt.Equal(now.Add(3*time.Hour)) {
		t.Errorf("Retry-After of 3 hours: %+v", o)
	}
	o = d.failure(&Delivery{Attempts: 1}, &Endpoint{}, now, 0)
	if o.NextAt.Before(now.Add(time.Second)) || o.NextAt.After(now.Add(1200*time.Millisecond)) {
		t.Errorf("the schedule's second with jitter: %v", o.NextAt.Sub(now))
	}
	if o = d.failure(&Delivery{Attempts: 3}, &Endpoint{}, now, 0); o.State != Failed {
		t.Errorf("after the schedule: %+v", o)
	}
}

func TestPrivateURL(t *testing.T) {
	for raw, want := range map[string]bool{
		"https://127.0.0.1:8443/hooks": true, "http://[::1]/": true, "https://localhost/x": true, "https://LOCALHOST./x": true,
		"https://10.0.0.7/": true, "https://169.254.169.254/latest": true, "https://app.localhost/": true,
		"https://erp.example.com/hooks": false, "https://93.184.216.34/": false, "not a url %zz": false,
	} {
		if _, got := PrivateURL(raw); got != want {
			t.Errorf("PrivateURL(%q) = %v, want %v", raw, got, want)
		}
	}
}
