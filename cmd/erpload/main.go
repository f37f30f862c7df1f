// Command erpload is erpd's HTTP load generator. It starts erpd as a child
// process on a new MariaDB database and Redis, seeds a company through the
// API, and runs the workloads W1–W5 and the raw-SQL baseline of W3's writes
// at each concurrency, several times. After every write run it checks the
// database (stock fell by what shipped, rows equal successes, numbers
// unique, vouchers balanced, the stock ledger agrees with its moves) and at
// the end runs `erpd check`. It then grows the stock history and times the
// reports at each size. The result is a Markdown table; with -benchmarks it
// replaces its sections of BENCHMARKS.md. It exits 1 when a check fails or
// a workload met an error other than insufficient_stock.
//
//	go build -o /tmp/erpd ./cmd/erpd
//	go run ./cmd/erpload -erpd /tmp/erpd -benchmarks BENCHMARKS.md
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Config is one load run.
type Config struct {
	Erpd                        string // the erpd binary to start
	AdminDSN                    string // a MariaDB user that may create databases
	Redis                       string
	SKUs, Customers, PastOrders int
	Conc                        []int
	Repeats                     int
	Warmup, Measure             time.Duration
	Moves                       []int // history sizes the reports are timed at
	ReportCalls                 int
	Only                        map[string]bool // workloads to run; all when empty
	Keep                        bool            // keep the database afterwards
	Log                         io.Writer
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive whole number", f)
		}
		out = append(out, n)
	}
	return out, nil
}

func main() {
	cfg := Config{Log: os.Stderr}
	var conc, moves, only, benchmarks, out string
	var quick bool
	flag.StringVar(&cfg.Erpd, "erpd", "", "the erpd binary (required)")
	flag.StringVar(&cfg.AdminDSN, "mysql", envOr("ERP_TEST_MYSQL_DSN", "root@tcp(127.0.0.1:3306)/"), "MariaDB DSN of a user that may create databases")
	flag.StringVar(&cfg.Redis, "redis", envOr("ERP_TEST_REDIS_ADDR", "127.0.0.1:6379"), "Redis address")
	flag.IntVar(&cfg.SKUs, "skus", 1000, "SKUs to seed")
	flag.IntVar(&cfg.Customers, "customers", 100, "customers to seed")
	flag.IntVar(&cfg.PastOrders, "orders", 10000, "past orders to seed (each created, approved and shipped)")
	flag.StringVar(&conc, "conc", "1,4,16,64", "concurrent clients, comma-separated")
	flag.IntVar(&cfg.Repeats, "repeats", 3, "runs per cell; the table shows medians")
	flag.DurationVar(&cfg.Warmup, "warmup", 2*time.Second, "warm-up before each measured window")
	flag.DurationVar(&cfg.Measure, "measure", 8*time.Second, "measured window of each run")
	flag.StringVar(&moves, "moves", "100000,1000000", "stock-move history sizes to time the reports at")
	flag.IntVar(&cfg.ReportCalls, "report-calls", 30, "calls per report and size")
	flag.StringVar(&only, "only", "", "workloads to run, comma-separated (W1,W2,W3,W3-raw,W4,W5); all by default")
	flag.BoolVar(&cfg.Keep, "keep", false, "keep the benchmark database")
	flag.BoolVar(&quick, "quick", false, "a small company and short runs: proves the harness, measures little")
	flag.StringVar(&benchmarks, "benchmarks", "", "rewrite this file's http-load sections with the results")
	flag.StringVar(&out, "out", "", "write the Markdown here as well as to standard output")
	flag.Parse()
	if quick { // smaller defaults; a flag given explicitly still wins
		set := map[string]bool{}
		flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
		for name, v := range map[string]string{"skus": "100", "customers": "10", "orders": "200", "repeats": "1",
			"warmup": "500ms", "measure": "2s", "report-calls": "5", "conc": "1,16", "moves": "10000,50000"} {
			if !set[name] {
				flag.Set(name, v)
			}
		}
	}
	var err error
	if cfg.Conc, err = parseInts(conc); err != nil {
		fail("-conc: %v", err)
	}
	if cfg.Moves, err = parseInts(moves); err != nil {
		fail("-moves: %v", err)
	}
	if only != "" {
		cfg.Only = map[string]bool{}
		for _, w := range strings.Split(only, ",") {
			cfg.Only[strings.TrimSpace(w)] = true
		}
	}
	if cfg.Erpd == "" {
		fail("-erpd: name the erpd binary (go build -o /tmp/erpd ./cmd/erpd)")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := Run(ctx, cfg)
	if res != nil {
		md := res.Markdown()
		fmt.Println(md)
		if out != "" {
			if err := os.WriteFile(out, []byte(md+"\n"), 0o644); err != nil {
				fail("%v", err)
			}
		}
		if benchmarks != "" && err == nil {
			if err := res.UpdateBenchmarks(benchmarks); err != nil {
				fail("%v", err)
			}
		}
	}
	if err != nil {
		fail("%v", err)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "erpload: "+format+"\n", a...)
	os.Exit(1)
}

// UpdateBenchmarks replaces the text between the http-load markers of the
// file with this run's tables.
func (r *Results) UpdateBenchmarks(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	text := string(b)
	for tag, section := range map[string]string{"http-load": r.loadSection(), "http-reports": r.reportSection()} {
		re := regexp.MustCompile(`(?s)<!-- bench:` + tag + `:start -->.*?<!-- bench:` + tag + `:end -->`)
		if !re.MatchString(text) {
			return fmt.Errorf("%s has no <!-- bench:%s:start --> marker", path, tag)
		}
		text = re.ReplaceAllLiteralString(text, "<!-- bench:"+tag+":start -->\n"+section+"<!-- bench:"+tag+":end -->")
	}
	return os.WriteFile(path, []byte(text), 0o644)
}
