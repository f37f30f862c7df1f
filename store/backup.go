package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
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
// path must not exist: a backup never overwrites another.
func (s *Store) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists", path)
	}
	switch s.driver {
	case DriverSQLite:
		if strings.ContainsRune(path, 0) {
			return errors.New("backup: bad path")
		}
		return s.db.WithContext(ctx).Exec("VACUUM INTO ?", path).Error
	case DriverMySQL:
		return s.dumpMySQL(ctx, path)
	}
	return fmt.Errorf("backup: driver %s", s.driver)
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
		os.Remove(path)
		return fmt.Errorf("backup: %s: %v: %s", tool, err, strings.TrimSpace(string(out)))
	}
	return nil
}
