package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dingerp/erpd/store"
	"github.com/dingerp/erpd/store/storetest"
)

// serveEnv points erpd at a fresh database of driver and the data
// directory dir, for tests that stop and start it themselves.
func serveEnv(t *testing.T, driver, dir string) {
	t.Helper()
	env := map[string]string{"ERP_HTTP_ADDR": "127.0.0.1:0", "ERP_DATA_DIR": dir, "ERP_ADMIN_PASSWORD": "Start-pass-2026",
		"ERP_LOG_LEVEL": "error", "ERP_DATABASE_DRIVER": driver, "ERP_DINGTALK_ENABLED": "false", "ERP_AUTH_SECRET": ""}
	if driver == store.DriverMySQL {
		env["ERP_DATABASE_DSN"] = storetest.DSN(t, driver).DSN
		env["ERP_REDIS_ADDR"] = storetest.RedisAddr()
		env["ERP_REDIS_PREFIX"] = storetest.RedisPrefix(t, "secret")
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
}

// startMain runs erpd with the environment as it stands; the caller
// closes it.
func startMain(t *testing.T) *Main {
	t.Helper()
	m := NewMain()
	m.Out = io.Discard
	if err := m.ParseFlags(nil); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return m
}

func runBackup(t *testing.T, path string) {
	t.Helper()
	b := NewMain()
	var out bytes.Buffer
	b.Out = &out
	if err := b.ParseFlags([]string{"backup", path}); err != nil {
		t.Fatal(err)
	}
	if code := b.Exec(context.Background()); code != 0 {
		t.Fatalf("backup exited %d: %s", code, out.String())
	}
}

// A backup is readable by its owner only, in a directory only its owner
// may enter, and holds no token-signing key: the key lives in a 0600 file
// in the data directory, which the backup leaves out.
func TestBackupIsPrivateAndHoldsNoKey(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		m := MustRunMain(t, driver, false)
		keyFile := m.Config.AuthSecretPath()
		st, err := os.Stat(keyFile)
		if err != nil {
			t.Fatalf("no key file after the first start: %v", err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Fatalf("key file mode %o, want 600", st.Mode().Perm())
		}
		key, _ := os.ReadFile(keyFile)
		key = bytes.TrimSpace(key)
		var n int64
		m.Store.DB().Raw("SELECT COUNT(*) FROM settings WHERE `key` = 'auth_secret'").Scan(&n)
		if n != 0 {
			t.Fatal("the signing key is in the database")
		}

		dir := filepath.Join(t.TempDir(), "backups", "daily")
		path := filepath.Join(dir, "erpd-backup")
		runBackup(t, path)
		for p, want := range map[string]os.FileMode{path: 0o600, dir: 0o700, filepath.Dir(dir): 0o700} {
			st, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != want {
				t.Errorf("%s: mode %o, want %o", p, st.Mode().Perm(), want)
			}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < 1000 || !bytes.Contains(b, []byte("admin")) {
			t.Fatalf("the backup is not a copy of the database (%d bytes)", len(b))
		}
		if bytes.Contains(b, key) {
			t.Fatal("the backup contains the token-signing key")
		}
		left, _ := os.ReadDir(dir)
		if len(left) != 1 {
			t.Fatalf("the backup left %d entries in its directory, want the backup alone", len(left))
		}
	})
}

// Upgrading keeps sessions: the key an earlier release kept in the
// database moves to the key file, and the token it signed still works.
// Rotating (deleting the file) ends every session: a token signed with the
// old key, the one any backup made before the upgrade holds, is refused,
// also after that old backup is restored.
func TestAuthSecretUpgradeAndRotation(t *testing.T) {
	storetest.ForEachDriver(t, func(t *testing.T, driver string) {
		dir := t.TempDir()
		serveEnv(t, driver, dir)
		keyFile := filepath.Join(dir, "auth_secret")

		// The previous release: its key in settings, signing the tokens.
		// This version signs with it when it is configured; the database
		// is then put back as that release left it.
		old := store.RandomSecret(32)
		t.Setenv("ERP_AUTH_SECRET", old)
		m := startMain(t)
		tok := login(t, m.URL(), "admin", "Start-pass-2026")
		for _, q := range []string{"INSERT INTO settings (`key`, value) VALUES ('auth_secret', '" + old + "')",
			"DELETE FROM schema_migrations WHERE id = '202612080200_auth_secret_out_of_db'"} {
			if err := m.Store.DB().Exec(q).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		oldBackup := filepath.Join(t.TempDir(), "before-upgrade")
		runBackup(t, oldBackup)
		if _, err := os.Stat(keyFile); err == nil {
			t.Fatal("a key file before the upgrade")
		}

		// The upgrade, with no auth.secret configured.
		t.Setenv("ERP_AUTH_SECRET", "")
		m = startMain(t)
		if code := getJSON(t, m.URL()+"/api/v1/me", tok, nil); code != 200 {
			t.Fatalf("a session from before the upgrade: %d, want 200", code)
		}
		if b, err := os.ReadFile(keyFile); err != nil || strings.TrimSpace(string(b)) != old {
			t.Fatalf("the key file does not hold the moved key: %v", err)
		}
		var n int64
		m.Store.DB().Raw("SELECT COUNT(*) FROM settings WHERE `key` = 'auth_secret'").Scan(&n)
		if n != 0 {
			t.Fatal("the key stayed in the database after the upgrade")
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}

		// Rotation, as the manual says: stop, delete the file, start.
		if err := os.Remove(keyFile); err != nil {
			t.Fatal(err)
		}
		m = startMain(t)
		if code := getJSON(t, m.URL()+"/api/v1/me", tok, nil); code != 401 {
			t.Fatalf("a token signed with the old key after rotation: %d, want 401", code)
		}
		fresh := login(t, m.URL(), "admin", "Start-pass-2026")
		if code := getJSON(t, m.URL()+"/api/v1/me", fresh, nil); code != 200 {
			t.Fatalf("a new session: %d", code)
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
		rotated, _ := os.ReadFile(keyFile)

		// Restoring the backup from before the upgrade does not bring its
		// key back: the key file wins and the stored key is dropped.
		switch driver {
		case store.DriverSQLite:
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(filepath.Join(dir, "erpd.db"+suffix))
			}
			copyFile(t, oldBackup, filepath.Join(dir, "erpd.db"))
		case store.DriverMySQL:
			restored := storetest.DSN(t, driver).DSN
			loadDump(t, restored, oldBackup)
			t.Setenv("ERP_DATABASE_DSN", restored)
		}
		m = startMain(t)
		defer m.Close()
		if code := getJSON(t, m.URL()+"/api/v1/me", tok, nil); code != 401 {
			t.Fatalf("a token signed with the key of a restored old backup: %d, want 401", code)
		}
		if now, _ := os.ReadFile(keyFile); !bytes.Equal(now, rotated) {
			t.Fatal("restoring an old backup changed the key file")
		}
		m.Store.DB().Raw("SELECT COUNT(*) FROM settings WHERE `key` = 'auth_secret'").Scan(&n)
		if n != 0 {
			t.Fatal("the restored backup's key stayed in the database")
		}
	})
}
