package redisstore

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// hashTagged returns prefix + "{" + key + "}": under Redis Cluster the key
// hashes by key alone, so each operation stays on one slot whatever the
// prefix.
func hashTagged(prefix, key string) string {
	b := make([]byte, 0, len(prefix)+len(key)+2)
	b = append(b, prefix...)
	b = append(b, '{')
	b = append(b, key...)
	b = append(b, '}')
	return string(b)
}

// checkPrefix returns p, or def when p is empty; a prefix with a brace would
// move the hash tag.
func checkPrefix(p, def string) (string, error) {
	if p == "" {
		return def, nil
	}
	if strings.ContainsAny(p, "{}") {
		return "", fmt.Errorf("prefix %q contains '{' or '}'", p)
	}
	return p, nil
}

// millis renders d as whole milliseconds, rounded up, at least 1.
func millis(d time.Duration) string {
	ms := (d + time.Millisecond - 1) / time.Millisecond
	return strconv.FormatInt(max(int64(ms), 1), 10)
}
