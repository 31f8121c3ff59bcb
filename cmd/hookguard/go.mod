module github.com/hookguard/hookguard/cmd/hookguard

go 1.26.0

replace (
	github.com/hookguard/hookguard => ../..
	github.com/hookguard/hookguard/inbox => ../../inbox
	github.com/hookguard/hookguard/redisstore => ../../redisstore
)

require (
	github.com/hookguard/hookguard v0.0.0
	golang.org/x/time v0.16.0
)

require github.com/gaissmai/bart v0.30.0 // indirect
