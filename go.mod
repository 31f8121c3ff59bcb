module github.com/hookguard/hookguard

go 1.26.0

require (
	github.com/gaissmai/bart v0.30.0 // indirect
	github.com/hashicorp/golang-lru/v2 v2.0.7 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	golang.org/x/time v0.16.0 // indirect
)
