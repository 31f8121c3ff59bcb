package inbox

import (
	"github.com/hookguard/hookguard/middleware"
	"github.com/hookguard/hookguard/replay"
)

// eventKey is the replay key of ev. TEMPORARY until the middleware rewrite
// (Event.Key) is merged from main: then this file goes and Handler reads
// ev.Key, which carries Config.Source.
func eventKey(ev middleware.Event) string { return replay.Key("", ev.ID) }
