package config

import "fmt"

// unavailable lists the settings of the contract whose feature this version does not
// provide yet. A binary started with one of them set refuses to start, so that nobody
// believes, say, an open API is protected. Each entry goes when its feature lands.
var unavailable = []struct {
	name string
	set  func(Config) bool
	what string
}{}

// CheckAvailable returns a one-line error naming the first setting whose feature this
// version does not provide.
func (c Config) CheckAvailable() error {
	for _, u := range unavailable {
		if u.set(c) {
			return fmt.Errorf("%s: not available in this version (%s); unset it", u.name, u.what)
		}
	}
	return nil
}
