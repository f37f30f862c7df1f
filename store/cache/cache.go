// Package cache implements domain.Cache on Redis and in process memory.
package cache

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/dingerp/erpd/domain"
	"github.com/redis/go-redis/v9"
)

// Redis is the cache shared by every erpd process.
type Redis struct {
	c      *redis.Client
	prefix string
}

var _ domain.Cache = (*Redis)(nil)

// NewRedis connects to addr; prefix namespaces keys (tests use one each).
func NewRedis(ctx context.Context, addr, password string, db int, prefix string) (*Redis, error) {
	c := redis.NewClient(&redis.Options{Addr: addr, Password: password, DB: db,
		DialTimeout: 2 * time.Second, ReadTimeout: time.Second, WriteTimeout: time.Second})
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, err
	}
	return &Redis{c: c, prefix: prefix}, nil
}

// Get implements domain.Cache.
func (r *Redis) Get(ctx context.Context, key string) (string, bool, error) {
	v, err := r.c.Get(ctx, r.prefix+key).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	return v, err == nil, err
}

// Set implements domain.Cache.
func (r *Redis) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	return r.c.Set(ctx, r.prefix+key, value, ttl).Err()
}

// Del implements domain.Cache.
func (r *Redis) Del(ctx context.Context, keys ...string) error {
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = r.prefix + k
	}
	return r.c.Del(ctx, full...).Err()
}

var incrScript = redis.NewScript(`local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`)

// Incr implements domain.Cache atomically: the ttl starts with the first hit.
func (r *Redis) Incr(ctx context.Context, key string, ttl time.Duration) (int64, error) {
	return incrScript.Run(ctx, r.c, []string{r.prefix + key}, ttl.Milliseconds()).Int64()
}

// Ping implements domain.Cache.
func (r *Redis) Ping(ctx context.Context) error { return r.c.Ping(ctx).Err() }

// Close closes the connection pool.
func (r *Redis) Close() error { return r.c.Close() }

// Flush deletes every key under the prefix (tests).
func (r *Redis) Flush(ctx context.Context) error {
	iter := r.c.Scan(ctx, 0, r.prefix+"*", 500).Iterator()
	for iter.Next(ctx) {
		if err := r.c.Del(ctx, iter.Val()).Err(); err != nil {
			return err
		}
	}
	return iter.Err()
}

// Memory is the in-process cache of the embedded default.
type Memory struct {
	mu    sync.Mutex
	items map[string]memItem
	now   func() time.Time
}

type memItem struct {
	v   string
	n   int64
	exp time.Time
}

var _ domain.Cache = (*Memory)(nil)

// NewMemory returns an empty in-process cache.
func NewMemory() *Memory { return &Memory{items: map[string]memItem{}, now: time.Now} }

func (m *Memory) live(key string) (memItem, bool) {
	it, ok := m.items[key]
	if ok && !it.exp.IsZero() && !m.now().Before(it.exp) {
		delete(m.items, key)
		return memItem{}, false
	}
	return it, ok
}

// Get implements domain.Cache.
func (m *Memory) Get(_ context.Context, key string) (string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.live(key)
	return it.v, ok, nil
}

// Set implements domain.Cache.
func (m *Memory) Set(_ context.Context, key, value string, ttl time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep()
	m.items[key] = memItem{v: value, exp: m.expiry(ttl)}
	return nil
}

func (m *Memory) expiry(ttl time.Duration) time.Time {
	if ttl <= 0 {
		return time.Time{}
	}
	return m.now().Add(ttl)
}

// sweep drops expired entries once the map grows, so a flood of distinct
// keys (throttle counters of a scanner) cannot grow memory without bound.
func (m *Memory) sweep() {
	if len(m.items) < 10000 {
		return
	}
	now := m.now()
	for k, it := range m.items {
		if !it.exp.IsZero() && !now.Before(it.exp) {
			delete(m.items, k)
		}
	}
}

// Del implements domain.Cache.
func (m *Memory) Del(_ context.Context, keys ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range keys {
		delete(m.items, k)
	}
	return nil
}

// Incr implements domain.Cache.
func (m *Memory) Incr(_ context.Context, key string, ttl time.Duration) (int64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.live(key)
	if !ok {
		m.sweep()
		it = memItem{exp: m.expiry(ttl)}
	}
	it.n++
	it.v = strconv.FormatInt(it.n, 10)
	m.items[key] = it
	return it.n, nil
}

// Ping implements domain.Cache.
func (m *Memory) Ping(context.Context) error { return nil }

// Publish sends msg to every process watching channel (Watch).
func (r *Redis) Publish(ctx context.Context, channel, msg string) error {
	return r.c.Publish(ctx, r.prefix+channel, msg).Err()
}

// watchIdle is how long a quiet subscription waits before it pings Redis
// to learn whether the connection still stands.
const watchIdle = 10 * time.Second

// Watch calls changed for every message published on channel, by any
// process, until ctx ends. up(true) says the subscription stands: first,
// and again after every reconnection, when messages sent meanwhile are
// lost, so up must assume anything changed. up(false) says it fell: a
// connection error, or a ping left without an answer.
func (r *Redis) Watch(ctx context.Context, channel string, up func(bool), changed func()) {
	for ctx.Err() == nil {
		r.watch(ctx, channel, up, changed)
		up(false)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (r *Redis) watch(ctx context.Context, channel string, up func(bool), changed func()) {
	ps := r.c.Subscribe(ctx, r.prefix+channel)
	defer ps.Close()
	pinged := false
	for {
		msg, err := ps.ReceiveTimeout(ctx, watchIdle)
		var ne net.Error
		switch {
		case err == nil:
		case errors.As(err, &ne) && ne.Timeout() && !pinged:
			if ps.Ping(ctx) != nil {
				return
			}
			pinged = true
			continue
		default:
			return // down, a ping unanswered, or ctx ended
		}
		pinged = false
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				up(true)
			}
		case *redis.Message:
			changed()
		}
	}
}
