//go:build !race

package pubkey_test

const raceEnabled = false
