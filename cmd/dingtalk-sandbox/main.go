// Command dingtalk-sandbox runs a DingTalk stand-in that speaks DingTalk's
// wire protocol (OpenAPI on both hosts' paths, the stream gateway) over a
// generated organisation, so erpd can be developed and demonstrated with no
// DingTalk account:
//
//	dingtalk-sandbox -addr 127.0.0.1:9090 -depts 30 -users 500
//	ERP_DINGTALK_ENABLED=true ERP_DINGTALK_APP_KEY=dingsandbox ERP_DINGTALK_APP_SECRET=sandbox-secret \
//	  ERP_DINGTALK_API_HOST=http://127.0.0.1:9090 ERP_DINGTALK_OAPI_HOST=http://127.0.0.1:9090 erpd
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/dingerp/erpd/dingtalk/sandbox"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9090", "listen address")
	key := flag.String("app-key", "dingsandbox", "the app key (ClientID) clients must present")
	secret := flag.String("app-secret", "sandbox-secret", "the app secret")
	depts := flag.Int("depts", 30, "departments to generate")
	users := flag.Int("users", 500, "users to generate")
	seed := flag.Uint64("seed", 1, "seed of the generated org")
	qps := flag.Int("qps", 20, "per-API QPS limit (0: off), as DingTalk's standard edition")
	agent := flag.Int64("agent-id", 0, "the app's agent id (0: any)")
	robot := flag.String("robot-code", "", "the app's robot code (empty: any)")
	revoke := flag.Duration("revoke-delay", 15*time.Second, "how soon after its start an OA instance may be revoked")
	flag.Parse()

	sb := sandbox.New(sandbox.Options{AppKey: *key, AppSecret: *secret, QPSLimit: *qps, Org: sandbox.Generate(*depts, *users, *seed),
		AgentID: *agent, RobotCode: *robot, RevokeDelay: *revoke})
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go sb.Run(ctx)
	srv := &http.Server{Addr: *addr, Handler: sb.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	fmt.Fprintf(os.Stderr, "dingtalk sandbox on http://%s: %d departments, %d users (user00001…), app key %s\n", *addr, *depts, *users, *key)
	fmt.Fprintf(os.Stderr, "training page: http://%s/sandbox/  (OA process codes: any PROC-…)\n", *addr)
	fmt.Fprintf(os.Stderr, "免登 code: curl -XPOST http://%s/sandbox/auth-codes -d '{\"userid\":\"user00001\"}'\n", *addr)
	if err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
