package signature_test

import "net/http"

func httpHeader(m map[string][]string) http.Header { return http.Header(m) }
