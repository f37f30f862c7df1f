package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/go-sql-driver/mysql"
)

// Backup writes a consistent copy of the database to path, while erpd keeps
// serving:
//   - SQLite: VACUUM INTO, a complete database file; restore by putting it
//     in place of erpd.db while erpd is stopped.
//   - MySQL/MariaDB: mariadb-dump (or mysqldump) --single-transaction, one
//     snapshot of every table without locking them; restore with
//     `mariadb NEWDB < path` into an empty database and point erpd at it.
//
// A backup holds every user's password hash and the whole books, so it is
// readable by its owner only (0600), and a directory made for it is 0700.
// It is written into a private temporary directory beside path and linked
// into place when complete, so no one can open it while it is still
// readable by others, and a half-written file never carries its name.
//
// path must not exist: a backup never overwrites another.
func (s *Store) Backup(ctx context.Context, path string) error {
	if strings.ContainsRune(path, 0) {
		return errors.New("backup: bad path")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, ".erpd-backup-") // 0700
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(tmp)
	part := filepath.Join(tmp, "backup")
	switch s.driver {
	case DriverSQLite:
		err = s.db.WithContext(ctx).Exec("VACUUM INTO ?", part).Error
	case DriverMySQL:
		err = s.dumpMySQL(ctx, part)
	default:
		err = fmt.Errorf("backup: driver %s", s.driver)
	}
	if err != nil {
		return err
	}
	if err := os.Chmod(part, 0o600); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	// A link fails if path appeared meanwhile, where a rename would
	// replace it; a file system without hard links gets the rename.
	err = os.Link(part, path)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("backup: %s already exists", path)
	}
	if err != nil {
		if _, serr := os.Stat(path); serr == nil {
			return fmt.Errorf("backup: %s already exists", path)
		}
		if err := os.Rename(part, path); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
	}
	return nil
}

func (s *Store) dumpMySQL(ctx context.Context, path string) error {
	c, err := mysql.ParseDSN(s.dsn)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tool, err := exec.LookPath("mariadb-dump")
	if err != nil {
		if tool, err = exec.LookPath("mysqldump"); err != nil {
			return errors.New("backup: mariadb-dump or mysqldump is needed (apt-get install mariadb-client)")
		}
	}
	args := []string{"--single-transaction", "--quick", "--routines", "--triggers", "--hex-blob", "--no-tablespaces",
		"--default-character-set=utf8mb4", "--user=" + c.User}
	switch c.Net {
	case "unix":
		args = append(args, "--socket="+c.Addr)
	default:
		host, port := c.Addr, "3306"
		if i := strings.LastIndex(c.Addr, ":"); i >= 0 {
			host, port = c.Addr[:i], c.Addr[i+1:]
		}
		args = append(args, "--host="+host, "--port="+port, "--protocol=TCP")
	}
	args = append(args, "--result-file="+path, "--", c.DBName)
	cmd := exec.CommandContext(ctx, tool, args...)
	// The password goes by the environment, never on a command line others
	// can read in ps.
	cmd.Env = append(os.Environ(), "MYSQL_PWD="+c.Passwd)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("backup: %s: %v: %s", tool, err, strings.TrimSpace(string(out)))
	}
	return nil
}
