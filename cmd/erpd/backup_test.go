package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dingerp/erpd/app"
	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
	"github.com/go-sql-driver/mysql"
)

// Backup and restore, as RELIABILITY.md tells an administrator to do it:
// `erpd backup FILE` while erpd serves, then the file restored into a new
// database (copied into place for SQLite, loaded with the mariadb client
// for MariaDB) and erpd started on it. Every report reads the same, the
// stock ledger agrees with its moves and the books check. A second backup
// to the same file is refused, never overwritten.
func TestBackupAndRestore(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		ctx := context.Background()
		m := MustRunMain(t, driver, false)
		if err := SeedDemo(ctx, m.App, m.Store); err != nil {
			t.Fatal(err)
		}
		reports := func(a *app.App) map[string]string {
			t.Helper()
			out := map[string]string{}
			admin := app.WithActor(ctx, app.System)
			for _, name := range []string{"trial-balance", "balance-sheet", "income-statement", "inventory-balance", "ar-aging",
				"ap-aging", "gross-profit", "sales-detail", "purchase-summary", "slow-moving"} {
				r, err := a.Report(admin, name, app.ReportParams{ListParams: app.ListParams{Page: 1, PageSize: 200}})
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				b, _ := json.Marshal(r)
				out[name] = string(b)
			}
			return out
		}
		before := reports(m.App)

		path := filepath.Join(t.TempDir(), "erpd-backup")
		exec := func(args ...string) (int, string) {
			b := NewMain()
			var out bytes.Buffer
			b.Out = &out
			if err := b.ParseFlags(args); err != nil {
				t.Fatal(err)
			}
			return b.Exec(ctx), out.String()
		}
		if code, out := exec("backup", path); code != 0 || !strings.Contains(out, "backup written") {
			t.Fatalf("backup: %d %s", code, out)
		}
		if code, _ := exec("backup", path); code == 0 {
			t.Fatal("a second backup overwrote the first")
		}

		// Restore into a new database and start erpd on it.
		switch driver {
		case store.DriverSQLite:
			dir := t.TempDir()
			copyFile(t, path, filepath.Join(dir, "erpd.db"))
			t.Setenv("ERP_DATA_DIR", dir)
		case store.DriverMySQL:
			fresh := storetest.DSN(t, driver).DSN
			loadDump(t, fresh, path)
			t.Setenv("ERP_DATABASE_DSN", fresh)
		}
		r := NewMain()
		r.Out = io.Discard
		if err := r.ParseFlags(nil); err != nil {
			t.Fatal(err)
		}
		if err := r.Run(ctx); err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if r.Config.Database.DSN == m.Config.Database.DSN && r.Config.DataDir == m.Config.DataDir {
			t.Fatal("the restore test reads the original database")
		}
		after := reports(r.App)
		for name, b := range before {
			if after[name] != b {
				t.Errorf("%s differs after restore:\nbefore %.300s\nafter  %.300s", name, b, after[name])
			}
		}
		if bad, err := r.Store.LedgerCheck(r.Store.Read(ctx)); err != nil || len(bad) != 0 {
			t.Fatalf("restored stock ledger: %v %v", bad, err)
		}
		if err := r.App.CheckBooks(ctx); err != nil {
			t.Fatalf("restored books: %v", err)
		}
	})
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// loadDump restores an SQL dump with the mariadb (or mysql) client, as an
// administrator would.
func loadDump(t *testing.T, dsn, path string) {
	t.Helper()
	c, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	tool, err := exec.LookPath("mariadb")
	if err != nil {
		if tool, err = exec.LookPath("mysql"); err != nil {
			t.Fatal("the mariadb client is needed to restore a dump (apt-get install mariadb-client)")
		}
	}
	host, port := c.Addr, "3306"
	if i := strings.LastIndex(c.Addr, ":"); i >= 0 {
		host, port = c.Addr[:i], c.Addr[i+1:]
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(tool, "--host="+host, "--port="+port, "--protocol=TCP", "--user="+c.User, "--default-character-set=utf8mb4", c.DBName)
	cmd.Env = append(os.Environ(), "MYSQL_PWD="+c.Passwd)
	cmd.Stdin = f
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("restore: %v: %s", err, out)
	}
}
