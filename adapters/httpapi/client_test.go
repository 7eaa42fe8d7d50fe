package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestClientOf(t *testing.T) {
	tests := []struct {
		name   string
		remote string
		header map[string]string
		caller string
		want   string
	}{
		{name: "public peer", remote: "203.0.113.7:5000", want: "ip:203.0.113.7"},
		{name: "public peer's forwarded address ignored", remote: "203.0.113.7:5000", header: map[string]string{"X-Forwarded-For": "198.51.100.1"}, want: "ip:203.0.113.7"},
		{name: "public peer's real ip ignored", remote: "203.0.113.7:5000", header: map[string]string{"X-Real-IP": "198.51.100.1"}, want: "ip:203.0.113.7"},
		{name: "forwarded by a private proxy", remote: "10.0.0.5:5000", header: map[string]string{"X-Forwarded-For": "198.51.100.1"}, want: "ip:198.51.100.1"},
		{name: "forwarded by loopback", remote: "127.0.0.1:5000", header: map[string]string{"X-Forwarded-For": "198.51.100.1"}, want: "ip:198.51.100.1"},
		{name: "real ip from a private proxy", remote: "172.18.0.3:5000", header: map[string]string{"X-Real-IP": "198.51.100.2"}, want: "ip:198.51.100.2"},
		{
			name: "spoofed hop before the proxy's", remote: "192.168.1.9:5000",
			header: map[string]string{"X-Forwarded-For": "10.9.9.9, 198.51.100.3, 10.0.0.7"}, want: "ip:198.51.100.3",
		},
		{name: "IPv6 by its /64", remote: "[2001:db8:1:2:3:4:5:6]:5000", want: "ip:2001:db8:1:2::/64"},
		{name: "IPv6 neighbour shares the /64", remote: "[2001:db8:1:2:ffff::1]:5000", want: "ip:2001:db8:1:2::/64"},
		{name: "IPv4-mapped IPv6", remote: "[::ffff:203.0.113.9]:5000", want: "ip:203.0.113.9"},
		{name: "API key wins over the address", remote: "203.0.113.7:5000", caller: "c0ffee", want: "key:c0ffee"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, r := gin.CreateTestContext(httptest.NewRecorder())
			if err := r.SetTrustedProxies(trustedProxies); err != nil {
				t.Fatal(err)
			}
			c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
			c.Request.RemoteAddr = tt.remote
			for k, v := range tt.header {
				c.Request.Header.Set(k, v)
			}
			if tt.caller != "" {
				c.Set(callerKey, tt.caller)
			}
			if got := clientOf(c); got != tt.want {
				t.Errorf("clientOf(%s %v) = %q, want %q", tt.remote, tt.header, got, tt.want)
			}
		})
	}
}
