package settings

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"id06desk/internal/paths"
)

// Store keeps the non-secret values.
type Store interface {
	LoadSettings(ctx context.Context) (map[string]string, error)
	// SaveSettings writes all changes in one transaction ("" deletes) and
	// records the changed keys in the audit log.
	SaveSettings(ctx context.Context, actor string, changes map[string]string, changedKeys []string) error
}

// Service reads and changes settings. Secrets are files (0600) in the
// config folder, so they are neither in the database nor in backups of it.
type Service struct {
	store      Store
	secretsDir string
}

// NewService returns a Service keeping secrets in secretsDir.
func NewService(store Store, secretsDir string) *Service {
	return &Service{store: store, secretsDir: secretsDir}
}

func (s *Service) secretPath(key string) string { return SecretFile(s.secretsDir, key) }

// SecretFile is where the secret setting key is kept in the config folder
// (0600): `id06desk restore` reads the backup passphrase there.
func SecretFile(configDir, key string) string {
	return filepath.Join(configDir, "secret-"+key)
}

// LoadStored returns the values kept in the database, without the secrets
// (no files are read): enough for a check on every request, such as the
// public address.
func (s *Service) LoadStored(ctx context.Context) (Values, error) {
	stored, err := s.store.LoadSettings(ctx)
	if err != nil {
		return nil, fmt.Errorf("load settings: %w", err)
	}
	v := Values{}
	for k, val := range stored {
		v[k] = val
	}
	return v, nil
}

// Load returns the effective values, secrets included.
func (s *Service) Load(ctx context.Context) (Values, error) {
	v, err := s.LoadStored(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range Defs {
		if d.Kind != KindSecret {
			continue
		}
		b, err := os.ReadFile(s.secretPath(d.Key))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("load setting %s: %w", d.Key, err)
		}
		v[d.Key] = string(b)
	}
	return v, nil
}

// Set validates every change first and stores them only if all are valid.
// The error is Errors (one entry per bad field) for bad input.
func (s *Service) Set(ctx context.Context, actor string, changes map[string]string) error {
	var errs Errors
	plain := map[string]string{}
	secrets := map[string]string{}
	keys := make([]string, 0, len(changes))
	for k := range changes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		n, err := Normalize(k, changes[k])
		if err != nil {
			var fe *FieldError
			if errors.As(err, &fe) {
				errs = append(errs, fe)
				continue
			}
			return err
		}
		if byKey[k].Kind == KindSecret {
			secrets[k] = n
		} else {
			plain[k] = n
		}
	}
	if len(errs) > 0 {
		return errs
	}
	for k, v := range secrets {
		if v == "" {
			if err := os.Remove(s.secretPath(k)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("clear %s: %w", k, err)
			}
			continue
		}
		if err := paths.WriteFile(s.secretPath(k), []byte(v)); err != nil {
			return fmt.Errorf("store %s: %w", k, err)
		}
	}
	if len(plain) > 0 || len(secrets) > 0 {
		// The audit log names the changed keys, never the values.
		if err := s.store.SaveSettings(ctx, actor, plain, keys); err != nil {
			return fmt.Errorf("save settings: %w", err)
		}
	}
	return nil
}
