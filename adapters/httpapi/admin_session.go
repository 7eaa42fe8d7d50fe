package httpapi

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Admin sessions are signed cookies, not server state: every api replica that knows
// ADMIN_TOKEN can check a session made by another, so the api stays stateless. A session
// holds its expiry and a random nonce, signed with a key derived from the token;
// changing ADMIN_TOKEN ends every session.
const (
	sessionCookie = "recipe_admin"
	sessionPath   = "/admin"
	sessionTTL    = 12 * time.Hour
	nonceBytes    = 16
	csrfHeader    = "X-CSRF-Token"
	csrfField     = "csrf"
)

// adminAuth checks the admin token and the sessions it signs.
type adminAuth struct {
	token  [sha256.Size]byte // of ADMIN_TOKEN: compared in constant time and length
	key    []byte            // signs sessions and CSRF tokens
	now    func() time.Time
	logins *loginLimiter
}

func newAdminAuth(token string, now func() time.Time) *adminAuth {
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte("recipe-ai admin session v1"))
	return &adminAuth{token: sha256.Sum256([]byte(token)), key: mac.Sum(nil), now: now, logins: newLoginLimiter(now)}
}

// tokenMatches compares a presented token with ADMIN_TOKEN in constant time; hashing
// both first keeps the token's length from showing either.
func (a *adminAuth) tokenMatches(given string) bool {
	sum := sha256.Sum256([]byte(given))
	return subtle.ConstantTimeCompare(sum[:], a.token[:]) == 1
}

// bearer returns the token of an "Authorization: Bearer" header, and whether there is one.
func bearer(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(token), true
}

// session is a valid session's nonce; CSRF tokens derive from it.
type session struct{ nonce []byte }

// newSession returns a fresh session's cookie value and the session.
func (a *adminAuth) newSession() (string, session) {
	nonce := make([]byte, nonceBytes)
	_, _ = rand.Read(nonce)
	payload := binary.BigEndian.AppendUint64(nil, uint64(a.now().Add(sessionTTL).Unix()))
	payload = append(payload, nonce...)
	value := append(payload, a.sign("session", payload)...)
	return base64.RawURLEncoding.EncodeToString(value), session{nonce: nonce}
}

// session reads and checks the request's session cookie.
func (a *adminAuth) session(r *http.Request) (session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return session{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || len(raw) != 8+nonceBytes+sha256.Size {
		return session{}, false
	}
	payload, mac := raw[:8+nonceBytes], raw[8+nonceBytes:]
	if !hmac.Equal(mac, a.sign("session", payload)) {
		return session{}, false
	}
	if expires := time.Unix(int64(binary.BigEndian.Uint64(payload[:8])), 0); !a.now().Before(expires) {
		return session{}, false
	}
	return session{nonce: payload[8:]}, true
}

// csrf is the token a session's page sends with each change, in the X-CSRF-Token header
// or the csrf form field: another site can make a browser send the cookie (SameSite=Strict
// already stops that in current browsers) but cannot read this token.
func (a *adminAuth) csrf(s session) string {
	return base64.RawURLEncoding.EncodeToString(a.sign("csrf", s.nonce))
}

func (a *adminAuth) csrfMatches(s session, given string) bool {
	return given != "" && hmac.Equal([]byte(given), []byte(a.csrf(s)))
}

func (a *adminAuth) sign(purpose string, data []byte) []byte {
	mac := hmac.New(sha256.New, a.key)
	mac.Write([]byte(purpose))
	mac.Write([]byte{0})
	mac.Write(data)
	return mac.Sum(nil)
}

// sessionCookieFor is the cookie that carries value; an empty value with maxAge -1 ends
// the session. Secure when the request came over TLS, directly or through a proxy that
// says so.
func sessionCookieFor(r *http.Request, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: sessionCookie, Value: value, Path: sessionPath, MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https"),
	}
}

// loginLimiter slows down guessing the admin token: each client address may fail a few
// times in a row, then once every failureEvery; all addresses together may fail
// totalPerSecond times a second, which also bounds guessing from many addresses or with
// forged X-Forwarded-For headers. It lives in the process: the token is long and random,
// so the limiter only has to make guessing slow and keep failed logins out of the hot
// path, and N replicas allowing N times the rate changes nothing about that; it keeps
// no shared state in Valkey, which stays free for the jobs.
type loginLimiter struct {
	now    func() time.Time
	mu     sync.Mutex
	perIP  map[string]*ipLimit
	global *rate.Limiter
}

type ipLimit struct {
	lim  *rate.Limiter
	seen time.Time
}

const (
	failureBurst   = 5
	failureEvery   = 12 * time.Second // 5 a minute once the burst is spent
	totalPerSecond = 10
	maxTrackedIPs  = 10000
)

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{now: now, perIP: map[string]*ipLimit{}, global: rate.NewLimiter(totalPerSecond, 2*totalPerSecond)}
}

// wait returns how long ip must wait before it may try a token again; 0 when it may now.
func (l *loginLimiter) wait(ip string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if l.global.TokensAt(now) < 1 {
		return time.Second
	}
	e, ok := l.perIP[ip]
	if !ok || e.lim.TokensAt(now) >= 1 {
		return 0
	}
	missing := 1 - e.lim.TokensAt(now)
	return max(time.Duration(missing*float64(failureEvery)), time.Second)
}

// failed counts a wrong token from ip.
func (l *loginLimiter) failed(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.global.AllowN(now, 1)
	e, ok := l.perIP[ip]
	if !ok {
		if len(l.perIP) >= maxTrackedIPs {
			l.forgetIdle(now)
		}
		e = &ipLimit{lim: rate.NewLimiter(rate.Every(failureEvery), failureBurst)}
		l.perIP[ip] = e
	}
	e.seen = now
	e.lim.AllowN(now, 1)
}

// forgetIdle drops the addresses whose limit has refilled; when that frees too little,
// any half of them.
func (l *loginLimiter) forgetIdle(now time.Time) {
	for ip, e := range l.perIP {
		if now.Sub(e.seen) > failureBurst*failureEvery {
			delete(l.perIP, ip)
		}
	}
	for ip := range l.perIP {
		if len(l.perIP) < maxTrackedIPs/2 {
			return
		}
		delete(l.perIP, ip)
	}
}
