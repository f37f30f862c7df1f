package storetest

import (
	"os"
	"sync"
	"testing"
	"time"
)

// Clock is a test's clock of business time. It starts at an instant and
// runs on with real time from there, so durations (leases, token expiry,
// idempotency keys) still pass as they would, while the date is the one
// the test chose.
type Clock struct {
	mu    sync.Mutex
	at    time.Time // the clock's reading at real time since
	since time.Time
}

// NewClock returns a clock reading at now.
func NewClock(at time.Time) *Clock {
	return &Clock{at: at, since: time.Now()} // wall clock: the test clock runs on with real time
}

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at.Add(time.Since(c.since)) // wall clock: the test clock runs on with real time
}

// Set moves the clock to t; it runs on from there.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at, c.since = t, time.Now() // wall clock: runs on from here
}

// Advance moves the clock on by d (back, when negative).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(d)
}

// TestNowEnv names the variable that sets every test's clock: an RFC 3339
// instant (ERP_TEST_NOW=2026-12-31T15:59:00Z runs the suite in the last
// minute of a year in Shanghai).
const TestNowEnv = "ERP_TEST_NOW"

// Start is the instant a test's clock starts at: ERP_TEST_NOW when set,
// else the real time.
func Start(tb testing.TB) time.Time {
	tb.Helper()
	v := os.Getenv(TestNowEnv)
	if v == "" {
		return time.Now() // wall clock: no ERP_TEST_NOW, the real time
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		tb.Fatalf("%s=%q is not an RFC 3339 instant: %v", TestNowEnv, v, err)
	}
	return t
}

// TestClock returns a clock for a store or an erpd a test starts: at
// ERP_TEST_NOW when it is set, else at the real time.
func TestClock(tb testing.TB) *Clock {
	tb.Helper()
	return NewClock(Start(tb))
}
