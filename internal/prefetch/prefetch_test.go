package prefetch

import (
	"testing"
	"unsafe"
)

// TestWrite runs the CPU's own branch on lines of heap, stack and global
// memory, and on the last byte of an object: a hint must neither fault nor
// change the memory it names.
func TestWrite(t *testing.T) {
	heap := make([]uint64, 1024)
	for i := range heap {
		heap[i] = uint64(i)
	}
	var stack [8]uint64
	for i := 0; i < len(heap); i += 8 {
		Write(unsafe.Pointer(&heap[i]))
	}
	Write(unsafe.Pointer(&stack[7]))
	Write(unsafe.Pointer(&global))
	b := make([]byte, 65)
	Write(unsafe.Pointer(&b[64]))
	for i := range heap {
		if heap[i] != uint64(i) {
			t.Fatalf("heap[%d] = %d after Write", i, heap[i])
		}
	}
}

var global [64]byte
