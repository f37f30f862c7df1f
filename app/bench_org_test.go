package app_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/dingtalk"
	"github.com/dingerp/erpd/dingtalk/sandbox"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
)

// BenchmarkOrgSync measures a full mirror of 300 departments and 5,000
// users from the sandbox with DingTalk's real limit of 20 calls a second per
// API enforced on both sides (the client's limiter and the sandbox's), on
// MariaDB: the first sync writes everything, the next ones only compare.
func BenchmarkOrgSync(b *testing.B) {
	for _, phase := range []string{"first", "unchanged"} {
		b.Run(phase, func(b *testing.B) {
			sb := sandbox.New(sandbox.Options{AppKey: "k", AppSecret: "s", QPSLimit: 20, Org: sandbox.Generate(300, 5000, 11)})
			srv := httptest.NewServer(sb.Handler())
			defer srv.Close()
			s, err := store.Open(context.Background(), storetest.DSN(b, store.DriverMySQL))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			if err := s.Migrate(context.Background()); err != nil {
				b.Fatal(err)
			}
			cache := storetest.Cache(b, store.DriverMySQL)
			a := app.New(app.Options{Store: s, Cache: cache,
				Directory: dingtalk.New(dingtalk.Config{AppKey: "k", AppSecret: "s", APIHost: srv.URL, OAPIHost: srv.URL, QPS: 20, Cache: cache})})
			admin := app.WithActor(context.Background(), app.System)
			if phase == "unchanged" {
				if _, err := a.SyncOrg(admin); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			var calls int
			for i := 0; i < b.N; i++ {
				res, err := a.SyncOrg(admin)
				if err != nil {
					b.Fatal(err)
				}
				calls = res.DirectoryCalls
			}
			b.ReportMetric(float64(calls), "api-calls")
		})
	}
}
