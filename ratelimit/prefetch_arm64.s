//go:build !purego

#include "textflag.h"

// func prefetch(e *slot)
TEXT ·prefetch(SB), NOSPLIT|NOFRAME, $0-8
	MOVD e+0(FP), R0
	PRFM (R0), PSTL1KEEP
	RET
