package redisstore

import "time"

// setClock makes l read now instead of the Redis server's clock (tests only).
func (l *Limiter) setClock(now func() time.Time) { l.now = now }
