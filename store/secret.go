package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gorm.io/gorm"
)

// authSecretSetting is the settings row earlier releases kept the
// token-signing key in. A key in the database travels in every backup,
// and anyone holding a backup could sign a token as any user; migration
// 202612080200_auth_secret_out_of_db moves it to the key file.
const authSecretSetting = "auth_secret"

// MinSecretLen is the shortest token-signing key accepted, as auth.secret.
const MinSecretLen = 32

type secretFileKey struct{}

// ReadOrCreateSecret returns the token-signing key kept in the file at
// path, creating the file (0600, its directory 0700) with a random key when
// there is none. Several processes starting together agree on one key: the
// file appears complete or not at all (written aside, then linked into
// place, which fails if another process got there first). A file others
// can read is made private again; loose is true when it was.
func ReadOrCreateSecret(path string) (secret string, created, loose bool, err error) {
	secret, loose, err = readSecret(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return secret, false, loose, err
	}
	secret = RandomSecret(32)
	if err := writeSecret(path, secret); err != nil {
		if errors.Is(err, fs.ErrExist) {
			secret, loose, err = readSecret(path)
			return secret, false, loose, err
		}
		return "", false, false, err
	}
	return secret, true, false, nil
}

func readSecret(path string) (string, bool, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", false, err
	}
	loose := st.Mode().Perm()&0o077 != 0
	if loose {
		if err := os.Chmod(path, 0o600); err != nil {
			return "", true, fmt.Errorf("auth secret: %s is readable by others and cannot be made private: %w", path, err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", loose, err
	}
	s := strings.TrimSpace(string(b))
	if len(s) < MinSecretLen {
		return "", loose, fmt.Errorf("auth secret: %s holds %d characters, fewer than %d", path, len(s), MinSecretLen)
	}
	return s, loose, nil
}

// writeSecret creates the key file at path, or fails with fs.ErrExist.
func writeSecret(path, secret string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("auth secret: %w", err)
	}
	f, err := os.CreateTemp(dir, ".auth_secret-") // 0600
	if err != nil {
		return fmt.Errorf("auth secret: %w", err)
	}
	defer os.Remove(f.Name())
	if _, err := f.WriteString(secret + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("auth secret: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("auth secret: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("auth secret: %w", err)
	}
	if err := os.Link(f.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return err
		}
		return fmt.Errorf("auth secret: %w", err)
	}
	return nil
}

// moveAuthSecretOut is migration 202612080200: the key an earlier release
// generated into the settings table goes to the key file the caller named
// (Options.SecretFile), so tokens signed before the upgrade stay valid, and
// leaves the database. A key file that already exists wins (a restored old
// backup does not bring its key back); with no file named (auth.secret is
// configured, so the stored key signed nothing) the row is only deleted.
func moveAuthSecretOut(db *gorm.DB) error {
	var rows []settingRow
	if err := db.Where("`key` = ?", authSecretSetting).Find(&rows).Error; err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil
	}
	var path string
	if ctx := db.Statement.Context; ctx != nil {
		path, _ = ctx.Value(secretFileKey{}).(string)
	}
	if path != "" && len(rows[0].Value) >= MinSecretLen {
		if err := writeSecret(path, rows[0].Value); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
	}
	return db.Where("`key` = ?", authSecretSetting).Delete(&settingRow{}).Error
}

func withSecretFile(ctx context.Context, path string) context.Context {
	if path == "" {
		return ctx
	}
	return context.WithValue(ctx, secretFileKey{}, path)
}
