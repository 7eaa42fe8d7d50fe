package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/joho/godotenv"
)

// WithDotEnv returns a getenv that answers from the environment first and, for variables
// the environment leaves empty, from the dotenv file at path (KEY=VALUE lines, as
// docker compose reads them). A missing file is no error: the file is optional sugar.
func WithDotEnv(getenv func(string) string, path string) (func(string) string, error) {
	file, err := godotenv.Read(path)
	if errors.Is(err, fs.ErrNotExist) {
		return getenv, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return func(name string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return file[name]
	}, nil
}

// FromEnvironment loads the process's configuration: the environment, then a .env file
// in the working directory for what the environment leaves empty. It refuses settings
// whose feature this version does not provide (CheckAvailable).
func FromEnvironment() (Config, error) {
	getenv, err := WithDotEnv(os.Getenv, ".env")
	if err != nil {
		return Config{}, err
	}
	cfg, err := Load(getenv)
	if err != nil {
		return Config{}, err
	}
	return cfg, cfg.CheckAvailable()
}
