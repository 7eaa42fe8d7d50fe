package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Rate is a request budget such as 60/m: Limit requests per Period.
type Rate struct {
	Limit  int
	Period time.Duration
}

// UnmarshalText parses N/s, N/m or N/h.
func (r *Rate) UnmarshalText(text []byte) error {
	n, unit, ok := strings.Cut(string(text), "/")
	limit, err := strconv.Atoi(n)
	periods := map[string]time.Duration{"s": time.Second, "m": time.Minute, "h": time.Hour}
	period, known := periods[unit]
	if !ok || err != nil || limit < 1 || !known {
		return fmt.Errorf("%q is not a rate such as 60/m (N per s, m or h)", text)
	}
	*r = Rate{Limit: limit, Period: period}
	return nil
}

// String prints the rate as it is written in the environment.
func (r Rate) String() string {
	unit := map[time.Duration]string{time.Second: "s", time.Minute: "m", time.Hour: "h"}[r.Period]
	return fmt.Sprintf("%d/%s", r.Limit, unit)
}
