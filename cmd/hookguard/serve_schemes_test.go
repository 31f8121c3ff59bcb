package main

import (
	stdhmac "crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/pubkey"
)

// Provider secrets of the serve tests (verbatim keys).
const (
	slackSecret   = "8f742231b10e8888abcd99yyyzzz85a5"
	zoomSecret    = "zoom-secret-token-0123456789abcd"
	metaSecret    = "meta-app-secret-0123456789abcdef"
	metaToken     = "meta-verify-token-of-the-app"
	twilioToken   = "twilio-auth-token-0123456789abcd"
	dropboxSecret = "dropbox-app-secret-0123456789ab"
)

// request sends method to path on the harness with headers and body and
// returns the response.
func (h *serveHarness) request(method, path string, hdr http.Header, body string) (*http.Response, string) {
	h.t.Helper()
	req, err := http.NewRequest(method, "http://"+h.addr+path, strings.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	if hdr != nil {
		req.Header = hdr
	}
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// signedBy signs body for scheme with key; url is the URL for schemes
// that sign it.
func signedBy(t *testing.T, s hmac.Scheme, key, url, body string, extra ...string) http.Header {
	t.Helper()
	k, err := hmac.NewKeyring(hmac.Secret{Key: []byte(key)})
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	if err := hmac.NewSigner(s, k).SignURL(h, http.MethodPost, url, "evt_1", time.Now(), []byte(body), time.Now()); err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		h.Set(extra[i], extra[i+1])
	}
	return h
}

// TestServeHandshakes: serve answers every provider handshake itself and
// never forwards it; an ordinary delivery of the same scheme is forwarded.
func TestServeHandshakes(t *testing.T) {
	vars := map[string]string{"SLACK": slackSecret, "ZOOM": zoomSecret, "META": metaSecret, "META_TOKEN": metaToken,
		"TWITCH": zoomSecret, "DROPBOX": dropboxSecret}
	type check struct {
		method, path string
		header       http.Header
		body         string
		status       int
		want         string // exact response body
		contentType  string
	}
	zoomMAC := stdhmac.New(sha256.New, []byte(zoomSecret))
	zoomMAC.Write([]byte("qgg8vlvZRS6UYooatFL8Aw"))
	zoomAnswer, _ := json.Marshal(map[string]string{"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": hex.EncodeToString(zoomMAC.Sum(nil))})
	slackChallenge := `{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`
	zoomChallenge := `{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}`
	twitchChallenge := `{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"type":"channel.follow"}}`
	tests := []struct {
		scheme string
		args   []string
		checks []check
	}{
		{"slack", []string{"-secret-env", "SLACK"}, []check{
			{"POST", "/slack", signedBy(t, hmac.Slack, slackSecret, "", slackChallenge), slackChallenge, 200,
				"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "text/plain; charset=utf-8"},
			{"POST", "/slack", signedBy(t, hmac.Slack, "not-the-slack-signing-secret", "", slackChallenge), slackChallenge, 401,
				`{"error":"bad_signature"}`, ""},
		}},
		{"zoom", []string{"-secret-env", "ZOOM"}, []check{
			{"POST", "/zoom", signedBy(t, hmac.Zoom, zoomSecret, "", zoomChallenge), zoomChallenge, 200, string(zoomAnswer), "application/json"},
		}},
		{"twitch", []string{"-secret-env", "TWITCH"}, []check{
			{"POST", "/twitch", signedBy(t, hmac.Twitch, zoomSecret, "", twitchChallenge, "Twitch-Eventsub-Message-Type", "webhook_callback_verification"),
				twitchChallenge, 200, "pogchamp-kappa-360noscope-vohiyo", "text/plain; charset=utf-8"},
		}},
		{"meta", []string{"-secret-env", "META", "-verify-token-env", "META_TOKEN"}, []check{
			{"GET", "/meta?hub.mode=subscribe&hub.verify_token=" + metaToken + "&hub.challenge=1158201444", nil, "", 200,
				"1158201444", "text/plain; charset=utf-8"},
			{"GET", "/meta?hub.mode=subscribe&hub.verify_token=a-guess&hub.challenge=1158201444", nil, "", 401,
				`{"error":"bad_signature"}`, ""},
		}},
		{"dropbox", []string{"-secret-env", "DROPBOX"}, []check{
			{"GET", "/dropbox?challenge=a1b2c3d4", nil, "", 200, "a1b2c3d4", "text/plain; charset=utf-8"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.scheme, func(t *testing.T) {
			up := &upstream{}
			upSrv := httptest.NewServer(up)
			defer upSrv.Close()
			h := startServe(t, vars, append([]string{"-upstream", upSrv.URL, "-scheme", tt.scheme}, tt.args...)...)
			for _, c := range tt.checks {
				resp, body := h.request(c.method, c.path, c.header, c.body)
				if resp.StatusCode != c.status || !sameBody(body, c.want) {
					t.Errorf("%s %s: %d %q, want %d %q", c.method, c.path, resp.StatusCode, body, c.status, c.want)
				}
				if c.contentType != "" && resp.Header.Get("Content-Type") != c.contentType {
					t.Errorf("%s %s: Content-Type %q, want %q", c.method, c.path, resp.Header.Get("Content-Type"), c.contentType)
				}
				if c.status == 200 && c.method == "GET" && resp.Header.Get("X-Content-Type-Options") != "nosniff" {
					t.Errorf("%s %s: no nosniff", c.method, c.path)
				}
			}
			if n := up.count(); n != 0 {
				t.Fatalf("the upstream got %d handshake requests", n)
			}
			// An ordinary signed delivery still goes through.
			s, _ := lookupScheme(tt.scheme)
			key := vars[strings.ToUpper(tt.scheme)]
			event := `{"type":"event_callback","n":1}`
			resp, body := h.request("POST", "/event", signedBy(t, s.hmac, key, "", event), event)
			if resp.StatusCode != 200 || up.count() != 1 || up.last().body != event {
				t.Fatalf("ordinary delivery: %d %s, upstream got %d", resp.StatusCode, body, up.count())
			}
			r := h.stop()
			for _, secret := range []string{key, metaToken} {
				if strings.Contains(r.stderr, secret) {
					t.Fatalf("serve logged a secret or token:\n%s", r.stderr)
				}
			}
		})
	}
}

// sameBody compares response bodies, JSON objects by value.
func sameBody(got, want string) bool {
	var g, w map[string]any
	if json.Unmarshal([]byte(got), &g) == nil && json.Unmarshal([]byte(want), &w) == nil {
		return reflect.DeepEqual(g, w)
	}
	return strings.TrimSpace(got) == want
}

// TestServePublicKeyAndURLSchemes: serve verifies a public-key scheme
// (Standard Webhooks v1a) and a URL-signed one (Twilio) over -public-url.
func TestServePublicKeyAndURLSchemes(t *testing.T) {
	kp := testKeyPairs["standard-webhooks-v1a"]
	vars := map[string]string{"PUB": kp.public, "TWILIO": twilioToken}
	up := &upstream{}
	upSrv := httptest.NewServer(up)
	defer upSrv.Close()

	t.Run("standard-webhooks-v1a", func(t *testing.T) {
		h := startServe(t, vars, "-upstream", upSrv.URL, "-scheme", "standard-webhooks-v1a", "-public-key-env", "provider=PUB")
		defer h.stop()
		priv, err := pubkey.StandardWebhooks.ParsePrivateKey(kp.private)
		if err != nil {
			t.Fatal(err)
		}
		signer, err := pubkey.NewSigner(pubkey.StandardWebhooks, priv)
		if err != nil {
			t.Fatal(err)
		}
		body := `{"type":"user.created"}`
		hdr := http.Header{}
		if err := signer.Sign(hdr, "msg_v1a", time.Now(), []byte(body)); err != nil {
			t.Fatal(err)
		}
		resp, got := h.request("POST", "/hook", hdr, body)
		if resp.StatusCode != 200 || up.last().header.Get(headerSecretID) != "provider" || up.last().header.Get(headerEventID) != "msg_v1a" {
			t.Fatalf("%d %s; upstream headers %v", resp.StatusCode, got, up.last().header)
		}
		hdr.Set("Webhook-Id", "msg_other")
		if resp, got := h.request("POST", "/hook", hdr, body); resp.StatusCode != 401 {
			t.Fatalf("a changed signed ID: %d %s", resp.StatusCode, got)
		}
	})
	t.Run("twilio", func(t *testing.T) {
		before := up.count()
		h := startServe(t, vars, "-upstream", upSrv.URL, "-scheme", "twilio", "-secret-env", "TWILIO", "-public-url", "https://hooks.example.com")
		body := "From=%2B15551234567&Body=hello"
		form := func(hdr http.Header) http.Header {
			hdr.Set("Content-Type", "application/x-www-form-urlencoded")
			return hdr
		}
		if resp, got := h.request("POST", "/sms", form(signedBy(t, hmac.Twilio, twilioToken, "https://hooks.example.com/sms", body)), body); resp.StatusCode != 200 {
			t.Fatalf("signed for the public URL: %d %s", resp.StatusCode, got)
		}
		local := "http://" + h.addr + "/sms"
		if resp, got := h.request("POST", "/sms", form(signedBy(t, hmac.Twilio, twilioToken, local, body)), body); resp.StatusCode != 401 {
			t.Fatalf("signed for the local URL: %d %s", resp.StatusCode, got)
		}
		if up.count() != before+1 {
			t.Fatalf("upstream got %d deliveries, want 1", up.count()-before)
		}
		// The refusal's log names the URL that was checked.
		if r := h.stop(); !strings.Contains(r.stderr, "https://hooks.example.com/sms") || strings.Contains(r.stderr, twilioToken) {
			t.Fatalf("log:\n%s", r.stderr)
		}
	})
}

// TestBinaryServeMetaHandshake: the built binary answers Meta's GET
// subscription check with the right token, refuses a wrong one, and
// forwards neither.
func TestBinaryServeMetaHandshake(t *testing.T) {
	up := &upstream{}
	upSrv := httptest.NewServer(up)
	defer upSrv.Close()
	p := startBinary(t, []string{"META=" + metaSecret, "META_TOKEN=" + metaToken}, "serve", "-listen", "127.0.0.1:0",
		"-upstream", upSrv.URL, "-scheme", "meta", "-secret-env", "META", "-verify-token-env", "META_TOKEN")
	addr := p.waitFor(t, `serve: listening" addr=(\S+)`)[1]
	get := func(token string) (int, string) {
		resp, err := http.Get("http://" + addr + "/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=" + token)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := get(metaToken); status != 200 || body != "1158201444" {
		t.Fatalf("right token: %d %q", status, body)
	}
	if status, _ := get("a-guess"); status != 401 {
		t.Fatalf("wrong token: %d", status)
	}
	event := `{"object":"page","entry":[]}`
	req, err := http.NewRequest("POST", "http://"+addr+"/meta", strings.NewReader(event))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = signedBy(t, hmac.Meta, metaSecret, "", event)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || up.count() != 1 || up.last().body != event {
		t.Fatalf("signed event: %d, upstream got %d", resp.StatusCode, up.count())
	}
	if strings.Contains(p.stderr(), metaToken) || strings.Contains(p.stderr(), metaSecret) {
		t.Fatalf("the log carries the token or secret:\n%s", p.stderr())
	}
}
