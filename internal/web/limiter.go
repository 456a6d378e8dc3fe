package web

import (
	"sync"
	"time"
)

// The sign-in policy (README, "Web app and API"): failed sign-ins are
// counted over a sliding window (15 minutes) in three ways, and an attempt
// past any of the limits waits until the oldest failure it counts leaves
// the window:
//
//   - per user name and client address (5): guessing one account's
//     password from one place;
//   - per client address, whatever the name (20): one place trying many
//     accounts;
//   - per user name, from everywhere (100): guessing one account's password
//     from many places. This limit does not stop an address the user
//     has signed in from (in the last 30 days): whoever hammers the admin
//     account from elsewhere cannot lock the admin out of their own
//     machine.
//
// The limiter forgets a key once its failures have left the window, and
// holds at most maxKeys keys and maxKnown known addresses (past that, the
// one least recently used is forgotten).
type limits struct {
	pair, ip, user int
	window         time.Duration
	known          time.Duration // how long a successful sign-in makes an address known
	maxKeys        int
	maxKnown       int
}

var defaultLimits = limits{pair: 5, ip: 20, user: 100, window: 15 * time.Minute, known: 30 * 24 * time.Hour, maxKeys: 10000, maxKnown: 10000}

// limiter counts failed sign-ins. Every method is safe for concurrent use.
type limiter struct {
	lim   limits
	mu    sync.Mutex
	fails map[string][]time.Time // key -> its failures in the window, oldest first
	known map[string]time.Time   // user and address -> last successful sign-in
	calls int
}

func newLimiter(lim limits) *limiter {
	return &limiter{lim: lim, fails: map[string][]time.Time{}, known: map[string]time.Time{}}
}

// attempt is a sign-in reserved by begin: counted as a failure under
// each of its keys until succeeded or cancel takes it back.
type attempt struct {
	user, ip string
	keys     []string
	at       time.Time
}

// The keys of the limits; a user name is cut short (a long one is no
// account: the store refuses it), so that a key stays small.
func pairKey(user, ip string) string { return "p\x00" + clip(user) + "\x00" + ip }
func ipKey(ip string) string         { return "i\x00" + ip }
func userKey(user string) string     { return "u\x00" + clip(user) }

func clip(s string) string {
	if len(s) > 128 {
		return s[:128]
	}
	return s
}

// begin reserves an attempt to sign in as user from ip at now: if no limit
// is reached, the attempt counts as a failure right away (so that at most
// the limit of attempts are ever checked, also in parallel) and ok is true;
// otherwise ok is false and until says when to try again.
func (l *limiter) begin(user, ip string, now time.Time) (a *attempt, until time.Time, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tidy(now)
	a = &attempt{user: user, ip: ip, at: now, keys: []string{pairKey(user, ip), ipKey(ip), userKey(user)}}
	caps := []int{l.lim.pair, l.lim.ip, l.lim.user}
	knownAddr := false
	if t, ok := l.known[pairKey(user, ip)]; ok && now.Sub(t) < l.lim.known {
		knownAddr = true // the per-user limit does not stop it
	}
	for i, k := range a.keys {
		recent := l.recent(k, now)
		if len(recent) >= caps[i] && !(i == 2 && knownAddr) {
			if u := recent[len(recent)-caps[i]].Add(l.lim.window); u.After(until) {
				until = u
			}
		}
	}
	if !until.IsZero() {
		return nil, until, false
	}
	for i, k := range a.keys {
		recent := l.fails[k]
		if len(recent) >= caps[i] {
			recent = recent[1:] // the per-user count, from a known address: keep the last ones
		}
		if recent == nil && len(l.fails) >= l.lim.maxKeys {
			l.evictOldest()
		}
		l.fails[k] = append(recent, now)
	}
	return a, time.Time{}, true
}

// succeeded takes the attempt back (the password was right): the
// failures of the user at that address are forgotten, and the address
// becomes known for the user.
func (l *limiter) succeeded(a *attempt, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.unreserve(a)
	delete(l.fails, pairKey(a.user, a.ip))
	k := pairKey(a.user, a.ip)
	if _, ok := l.known[k]; !ok && len(l.known) >= l.lim.maxKnown {
		oldest, first := "", time.Time{}
		for k, t := range l.known {
			if oldest == "" || t.Before(first) {
				oldest, first = k, t
			}
		}
		delete(l.known, oldest)
	}
	l.known[k] = now
}

// cancel takes the attempt back without a verdict (the password could
// not be checked).
func (l *limiter) cancel(a *attempt) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.unreserve(a)
}

// unreserve removes the attempt's reservation from each of its keys.
func (l *limiter) unreserve(a *attempt) {
	for _, k := range a.keys {
		fs := l.fails[k]
		for i := len(fs) - 1; i >= 0; i-- {
			if fs[i].Equal(a.at) {
				fs = append(fs[:i], fs[i+1:]...)
				break
			}
		}
		if len(fs) == 0 {
			delete(l.fails, k)
		} else {
			l.fails[k] = fs
		}
	}
}

// recent drops key's failures that left the window and returns the rest.
func (l *limiter) recent(key string, now time.Time) []time.Time {
	fs := l.fails[key]
	i := 0
	for i < len(fs) && now.Sub(fs[i]) >= l.lim.window {
		i++
	}
	switch {
	case i == 0:
	case i == len(fs):
		delete(l.fails, key)
		return nil
	default:
		fs = append(fs[:0:0], fs[i:]...)
		l.fails[key] = fs
	}
	return fs
}

// tidy forgets, now and then, every key whose failures have all left the
// window and every address no longer known.
func (l *limiter) tidy(now time.Time) {
	l.calls++
	if l.calls%256 != 0 && len(l.fails) < l.lim.maxKeys {
		return
	}
	for k := range l.fails {
		l.recent(k, now)
	}
	for k, t := range l.known {
		if now.Sub(t) >= l.lim.known {
			delete(l.known, k)
		}
	}
}

// evictOldest forgets the key whose last failure is the oldest: the map
// is full of recent ones.
func (l *limiter) evictOldest() {
	oldest, first := "", time.Time{}
	for k, fs := range l.fails {
		if last := fs[len(fs)-1]; oldest == "" || last.Before(first) {
			oldest, first = k, last
		}
	}
	delete(l.fails, oldest)
}

// size says how many keys and known addresses the limiter holds (tests).
func (l *limiter) size() (keys, known int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.fails), len(l.known)
}
