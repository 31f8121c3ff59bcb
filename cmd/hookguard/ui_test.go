package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const testAdminKey = "ui-admin-key-0123456789abcdef"

// TestAdminAuth: the UI answers only requests carrying the admin key, as
// the Basic password or a Bearer token; anything else is 401 with a Basic
// challenge, and the key never appears in an answer.
func TestAdminAuth(t *testing.T) {
	h := newAdminAuth([]byte(testAdminKey), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "inside")
	}))
	for _, c := range []struct {
		name string
		set  func(r *http.Request)
		want int
	}{
		{"none", func(*http.Request) {}, 401},
		{"basic right", func(r *http.Request) { r.SetBasicAuth("anyone", testAdminKey) }, 200},
		{"basic wrong", func(r *http.Request) { r.SetBasicAuth("admin", testAdminKey+"x") }, 401},
		{"basic prefix", func(r *http.Request) { r.SetBasicAuth("admin", testAdminKey[:10]) }, 401},
		{"basic empty", func(r *http.Request) { r.SetBasicAuth("admin", "") }, 401},
		{"key as user name", func(r *http.Request) { r.SetBasicAuth(testAdminKey, "") }, 401},
		{"bearer right", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+testAdminKey) }, 200},
		{"bearer wrong", func(r *http.Request) { r.Header.Set("Authorization", "Bearer nope") }, 401},
		{"bearer empty", func(r *http.Request) { r.Header.Set("Authorization", "Bearer ") }, 401},
		{"bare key", func(r *http.Request) { r.Header.Set("Authorization", testAdminKey) }, 401},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			c.set(req)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.want {
				t.Fatalf("status %d, want %d", rec.Code, c.want)
			}
			if c.want == 401 && !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Basic ") {
				t.Errorf("no Basic challenge: %v", rec.Header())
			}
			if strings.Contains(rec.Body.String(), testAdminKey) || (c.want == 401) == strings.Contains(rec.Body.String(), "inside") {
				t.Errorf("body %q", rec.Body.String())
			}
		})
	}
}

// TestBinaryServeUI: serve -inbox -ui serves River's UI on its own
// listener, over the inbox's deliveries, to the admin key only; a
// cross-origin request with the key is refused too.
func TestBinaryServeUI(t *testing.T) {
	for _, b := range inboxBackends {
		t.Run(b.name, func(t *testing.T) {
			up := newEventUpstream()
			upSrv := httptest.NewServer(up)
			defer upSrv.Close()
			p := startBinary(t, append(serveEnv(), "ADMIN="+testAdminKey),
				inboxServeArgs(b.database(t), upSrv.URL, "-ui", "127.0.0.1:0", "-admin-key-env", "ADMIN")...)
			url := "http://" + p.waitFor(t, `serve: listening" addr=(\S+)`)[1] + "/hooks"
			ui := "http://" + p.waitFor(t, `inbox UI listening" addr=(\S+)`)[1]
			if status, word, _ := sendSigned(t, http.DefaultClient, url, "msg_ui_1"); status != 200 || word != "accepted" {
				t.Fatalf("delivery: %d %s", status, word)
			}
			up.waitAll(t, []string{"msg_ui_1"}, 10*time.Second)

			get := func(path string, set func(*http.Request)) (int, string) {
				req, _ := http.NewRequest(http.MethodGet, ui+path, nil)
				set(req)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				return resp.StatusCode, string(body)
			}
			withKey := func(r *http.Request) { r.SetBasicAuth("admin", testAdminKey) }
			if status, _ := get("/", func(*http.Request) {}); status != 401 {
				t.Fatalf("no key: %d", status)
			}
			if status, _ := get("/api/jobs?state=completed", func(r *http.Request) { r.SetBasicAuth("admin", "wrong-key-0123456789") }); status != 401 {
				t.Fatalf("wrong key: %d", status)
			}
			if status, body := get("/", withKey); status != 200 || !strings.Contains(body, "<html") {
				t.Fatalf("UI page: %d %.200s", status, body)
			}
			// River records the completion shortly after the forward's 2xx.
			status, body := get("/api/jobs?state=completed", withKey)
			for deadline := time.Now().Add(10 * time.Second); status == 200 && body == `{"data":[]}` && time.Now().Before(deadline); {
				time.Sleep(50 * time.Millisecond) // a real process: polled
				status, body = get("/api/jobs?state=completed", withKey)
			}
			if status != 200 || !strings.Contains(body, `"kind":"hookguard_delivery"`) || !strings.Contains(body, `"state":"completed"`) {
				t.Fatalf("jobs API: %d %.300s", status, body)
			}
			req, _ := http.NewRequest(http.MethodPost, ui+"/api/jobs/retry", strings.NewReader(`{"ids":["1"]}`))
			withKey(req)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("cross-site POST with the key: %d", resp.StatusCode)
			}
			if strings.Contains(p.stderr(), testAdminKey) {
				t.Fatal("the log shows the admin key")
			}
		})
	}
}
