package httpapi

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dingerp/erpd/store/storetest"
	"github.com/gin-gonic/gin"
)

// A keyed POST whose client went away mid-request answers 499 and gives
// its Idempotency-Key back, so the client's retry runs the request rather
// than replaying the 499 it never saw.
func TestAbandonedKeyedPostReleasesItsKey(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		gin.SetMode(gin.ReleaseMode)
		s := storetest.Open(t, driver)
		lease := time.Minute
		e := gin.New()
		runs := 0
		e.POST("/thing", idempotency(s, &lease), func(c *gin.Context) {
			runs++
			if cancel, ok := c.Request.Context().Value(hangUp{}).(context.CancelFunc); ok {
				cancel() // the client hangs up mid-request
				writeError(c, c.Request.Context().Err())
				return
			}
			c.JSON(201, gin.H{"ok": true})
		})
		post := func(abandon bool) *httptest.ResponseRecorder {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if abandon {
				ctx = context.WithValue(ctx, hangUp{}, cancel)
			}
			req := httptest.NewRequest("POST", "/thing", strings.NewReader(`{"a":1}`)).WithContext(ctx)
			req.Header.Set("Idempotency-Key", "abandon-1")
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			return rec
		}
		if rec := post(true); rec.Code != StatusClientClosed {
			t.Fatalf("abandoned: %d %s, want 499", rec.Code, rec.Body)
		}
		rec := post(false)
		if rec.Code != 201 || runs != 2 || rec.Header().Get("Idempotent-Replayed") != "" {
			t.Fatalf("the retry: %d %s after %d runs, want 201 from a second run", rec.Code, rec.Body, runs)
		}
	})
}

// hangUp carries the cancel of a request's context to the test handler.
type hangUp struct{}
