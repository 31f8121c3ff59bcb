package inbox

const crashChildEnv = "HOOKGUARD_INBOX_CRASH_CHILD"

func crashChild() int { return 1 }
