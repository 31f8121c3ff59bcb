package handshake_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"github.com/hookguard/hookguard/handshake"
	hghmac "github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/signature"
	"github.com/stretchr/testify/require"
)

func TestResponders(t *testing.T) {
	zoomKey := []byte("zoom-secret-token-0123456789")
	ring, err := hghmac.NewKeyring(hghmac.Secret{ID: "zoom", Key: zoomKey})
	require.NoError(t, err)
	mac := hmac.New(sha256.New, zoomKey)
	mac.Write([]byte("qgg8vlvZRS6UYooatFL8Aw"))
	encrypted := hex.EncodeToString(mac.Sum(nil))

	verified := signature.Result{SecretID: "zoom"}
	tests := []struct {
		name      string
		r         handshake.Responder
		req       handshake.Request
		res       signature.Result
		handshake bool
		want      string // response body
		err       error
	}{
		{"slack challenge", handshake.Slack{}, handshake.Request{Method: "POST",
			Body: []byte(`{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`)},
			signature.Result{}, true, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", nil},
		{"slack event", handshake.Slack{}, handshake.Request{Method: "POST", Body: []byte(`{"type":"event_callback","event":{"text":"\"url_verification\""}}`)},
			signature.Result{}, false, "", nil},
		{"slack html challenge", handshake.Slack{}, handshake.Request{Method: "POST", Body: []byte(`{"type":"url_verification","challenge":"<script>"}`)},
			signature.Result{}, false, "", signature.ErrMalformed},
		{"twitch challenge", handshake.Twitch{}, handshake.Request{Method: "POST",
			Header: http.Header{"Twitch-Eventsub-Message-Type": {"webhook_callback_verification"}},
			Body:   []byte(`{"challenge":"pogchamp-kappa-360noscope-vohiyo","subscription":{"type":"channel.follow"}}`)},
			signature.Result{}, true, "pogchamp-kappa-360noscope-vohiyo", nil},
		{"twitch notification", handshake.Twitch{}, handshake.Request{Method: "POST",
			Header: http.Header{"Twitch-Eventsub-Message-Type": {"notification"}}, Body: []byte(`{"challenge":"x"}`)},
			signature.Result{}, false, "", nil},
		{"zoom validation", handshake.Zoom{Keys: ring}, handshake.Request{Method: "POST",
			Body: []byte(`{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}`)},
			verified, true, `{"plainToken":"qgg8vlvZRS6UYooatFL8Aw","encryptedToken":"` + encrypted + `"}`, nil},
		{"zoom event", handshake.Zoom{Keys: ring}, handshake.Request{Method: "POST", Body: []byte(`{"event":"meeting.started"}`)},
			verified, false, "", nil},
		{"meta subscribe", handshake.Meta{VerifyToken: "meatyhamhock"}, handshake.Request{Method: "GET",
			RawQuery: "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=meatyhamhock"},
			signature.Result{}, true, "1158201444", nil},
		{"meta wrong token", handshake.Meta{VerifyToken: "meatyhamhock"}, handshake.Request{Method: "GET",
			RawQuery: "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess"},
			signature.Result{}, false, "", signature.ErrMismatch},
		{"meta repeated token", handshake.Meta{VerifyToken: "meatyhamhock"}, handshake.Request{Method: "GET",
			RawQuery: "hub.mode=subscribe&hub.challenge=1&hub.verify_token=guess&hub.verify_token=meatyhamhock"},
			signature.Result{}, false, "", signature.ErrMalformed},
		{"meta no token configured", handshake.Meta{}, handshake.Request{Method: "GET",
			RawQuery: "hub.mode=subscribe&hub.challenge=1&hub.verify_token="},
			signature.Result{}, false, "", signature.ErrMismatch},
		{"meta POST delivery", handshake.Meta{VerifyToken: "t"}, handshake.Request{Method: "POST", Body: []byte(`{}`)},
			signature.Result{}, false, "", nil},
		{"dropbox challenge", handshake.Dropbox{}, handshake.Request{Method: "GET", RawQuery: "challenge=AbC-123_xyz"},
			signature.Result{}, true, "AbC-123_xyz", nil},
		{"dropbox html", handshake.Dropbox{}, handshake.Request{Method: "GET", RawQuery: "challenge=%3Cscript%3Ealert(1)%3C%2Fscript%3E"},
			signature.Result{}, false, "", signature.ErrMalformed},
		{"dropbox too long", handshake.Dropbox{}, handshake.Request{Method: "GET", RawQuery: "challenge=" + strings.Repeat("a", 257)},
			signature.Result{}, false, "", signature.ErrMalformed},
		{"dropbox other GET", handshake.Dropbox{}, handshake.Request{Method: "GET", RawQuery: "x=1"},
			signature.Result{}, false, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, ok, err := tt.r.Respond(&tt.req, tt.res)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				require.False(t, ok)
				require.NotContains(t, err.Error(), "meatyhamhock", "the verify token is never echoed")
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.handshake, ok)
			if !ok {
				return
			}
			require.Equal(t, http.StatusOK, resp.Status)
			require.Equal(t, tt.want, string(resp.Body))
			if ct := resp.Header.Get("Content-Type"); strings.HasPrefix(ct, "text/plain") {
				require.Equal(t, "nosniff", resp.Header.Get("X-Content-Type-Options"))
			}
		})
	}
}

func TestPhases(t *testing.T) {
	require.Equal(t, handshake.BeforeVerify, handshake.Meta{}.Phase())
	require.Equal(t, handshake.BeforeVerify, handshake.Dropbox{}.Phase())
	for _, r := range []handshake.Responder{handshake.Slack{}, handshake.Twitch{}, handshake.Zoom{}} {
		require.Equal(t, handshake.AfterVerify, r.Phase())
	}
}
