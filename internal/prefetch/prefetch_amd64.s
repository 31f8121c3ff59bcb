//go:build !purego

#include "textflag.h"

// func Write(p unsafe.Pointer)
TEXT ·Write(SB), NOSPLIT|NOFRAME, $0-8
	MOVQ p+0(FP), AX
	CMPB ·hasPrefetchW(SB), $0
	JEQ  read
	// PREFETCHW (AX): fetch the line in a writable state, so that the
	// write that follows finds it owned. The Go assembler has no
	// mnemonic for it.
	BYTE $0x0F; BYTE $0x0D; BYTE $0x08
	RET

read:
	PREFETCHT0 (AX)
	RET

// func cpuidExt1ECX() uint32
TEXT ·cpuidExt1ECX(SB), NOSPLIT|NOFRAME, $0-4
	MOVL $0x80000001, AX
	XORL CX, CX
	CPUID
	MOVL CX, ret+0(FP)
	RET
