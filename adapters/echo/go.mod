module github.com/hookguard/hookguard/adapters/echo

go 1.26.0

replace github.com/hookguard/hookguard => ../../

require (
	github.com/hookguard/hookguard v0.0.0
	github.com/labstack/echo/v4 v4.16.0
)

require (
	github.com/gaissmai/bart v0.30.0 // indirect
	github.com/labstack/gommon v0.5.0 // indirect
	github.com/mattn/go-colorable v0.1.15 // indirect
	github.com/mattn/go-isatty v0.0.24 // indirect
	github.com/valyala/bytebufferpool v1.0.0 // indirect
	github.com/valyala/fasttemplate v1.2.2 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/net v0.61.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	golang.org/x/text v0.43.0 // indirect
	golang.org/x/time v0.16.0 // indirect
)
