package webhook

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
)

// ErrPrivateAddress is the guard's refusal.
type ErrPrivateAddress struct{ Addr string }

func (e *ErrPrivateAddress) Error() string {
	return fmt.Sprintf("%s is a private, loopback or link-local address: refused (RMADESK_WEBHOOK_ALLOW_PRIVATE allows it)", e.Addr)
}

// refused are the ranges the guard refuses beyond what netip names:
// carrier-grade NAT and the benchmark, documentation-free ranges a cloud
// uses inside.
var refused = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 reaches IPv4 inside
}

// Private reports whether a delivery must not reach ip unless the desk
// allows its own network: loopback, private, link-local (the cloud's
// metadata service at 169.254.169.254), unspecified, multicast.
func Private(ip netip.Addr) bool {
	ip = ip.Unmap()
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() || !ip.IsValid() {
		return true
	}
	for _, p := range refused {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// dialControl checks the address the dialer is about to connect to, after
// name resolution, so a host name that resolves to a private address (or
// changes to one after the endpoint was saved: DNS rebinding) is refused
// at connect time.
func dialControl(allowPrivate bool) func(network, address string, _ syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		if allowPrivate {
			return nil
		}
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		ip, err := netip.ParseAddr(host)
		if err != nil || Private(ip) {
			return &ErrPrivateAddress{Addr: host}
		}
		return nil
	}
}

func itoa(n int64) string   { return strconv.FormatInt(n, 10) }
func quote(s string) string { return strconv.Quote(s) }

// PrivateURL reports whether rawURL's host is written as an address the
// guard refuses (or is "localhost"), and names the host; a name that
// resolves to one is only known when a request dials it.
func PrivateURL(rawURL string) (string, bool) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return host, true
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return "", false
	}
	return host, Private(ip)
}
