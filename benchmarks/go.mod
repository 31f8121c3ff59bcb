module github.com/hookguard/hookguard/benchmarks

go 1.26.0

require (
	github.com/PaddleHQ/paddle-go-sdk/v4 v4.1.0
	github.com/didip/tollbooth/v7 v7.0.2
	github.com/go-chi/httprate v0.16.1
	github.com/go-playground/webhooks/v6 v6.4.0
	github.com/google/go-github/v84 v84.0.0
	github.com/hashicorp/golang-lru/v2 v2.0.7
	github.com/hookguard/hookguard v0.0.0
	github.com/sethvargo/go-limiter v0.7.1
	github.com/slack-go/slack v0.35.0
	github.com/standard-webhooks/standard-webhooks/libraries v0.0.1
	github.com/stripe/stripe-go/v85 v85.0.0
	github.com/svix/svix-webhooks v1.99.1
	github.com/ulule/limiter/v3 v3.11.2
	go4.org/netipx v0.0.0-20260823151212-3075585bcbeb
	golang.org/x/time v0.16.0
)

require (
	github.com/gaissmai/bart v0.30.0 // indirect
	github.com/ggicci/httpin v0.20.1 // indirect
	github.com/ggicci/owl v0.8.2 // indirect
	github.com/go-pkgz/expirable-cache/v3 v3.0.0 // indirect
	github.com/google/go-querystring v1.2.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/gorilla/websocket v1.5.3 // indirect
	github.com/hashicorp/go-cleanhttp v0.5.2 // indirect
	github.com/klauspost/cpuid/v2 v2.4.0 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/zeebo/xxh3 v1.1.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
)

replace github.com/hookguard/hookguard => ../
