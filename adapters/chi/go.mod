module github.com/hookguard/hookguard/adapters/chi

go 1.26.0

replace github.com/hookguard/hookguard => ../../

require (
	github.com/go-chi/chi/v5 v5.5.0
	github.com/hookguard/hookguard v0.0.0
)

require (
	github.com/gaissmai/bart v0.30.0 // indirect
	golang.org/x/time v0.16.0 // indirect
)
