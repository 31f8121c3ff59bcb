package inbox_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/inbox"
	"github.com/hookguard/hookguard/middleware"
)

// The library path: the Guard verifies, the inbox commits the delivery and
// answers 200, a worker processes it later (with retries).
func Example() {
	dir, _ := os.MkdirTemp("", "inbox-example-")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	processed := make(chan inbox.Delivery, 1)
	ib, err := inbox.Open(ctx, inbox.Config{
		Database: "sqlite:" + filepath.Join(dir, "inbox.db"), // or "postgres://..." for replicas
		Process: func(ctx context.Context, d inbox.Delivery) error {
			processed <- d // your work here; an error or a panic retries it
			return nil
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ib.Close(ctx)

	keyring, _ := hmac.NewKeyring(hmac.Secret{ID: "2024-06", Key: []byte("a-32-byte-secret-for-this-demo!!")})
	guard, err := middleware.New(middleware.Config{
		Scheme:  hmac.StandardWebhooks,
		Keyring: keyring,
		Replay:  ib.Dedup(), // the inbox's uniqueness is the dedup
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	mux := http.NewServeMux()
	mux.Handle("POST /hooks", guard.Handler(ib.Handler()))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// A provider sends a signed delivery, then the same one again.
	body := []byte(`{"type":"invoice.paid"}`)
	send := func() {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/hooks", bytes.NewReader(body))
		_ = hmac.NewSigner(hmac.StandardWebhooks, keyring).Sign(req.Header, "msg_1", time.Now(), body)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		answer, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Printf("%d %s", resp.StatusCode, answer)
	}
	send()
	send()

	d := <-processed
	fmt.Printf("processed %s (attempt %d): %s\n", d.EventID, d.Attempt, d.Body)
	// Output:
	// 200 {"status":"accepted"}
	// 200 {"status":"duplicate"}
	// processed msg_1 (attempt 1): {"type":"invoice.paid"}
}

// An operator re-runs a delivery; who asked and why join its audit trail.
func ExampleInbox_Replay() {
	dir, _ := os.MkdirTemp("", "inbox-example-")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	ib, err := inbox.Open(ctx, inbox.Config{Database: "sqlite:" + filepath.Join(dir, "inbox.db")})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ib.Close(ctx)
	id, _, err := ib.Enqueue(ctx, inbox.Delivery{Key: "6:stripe:evt_1", EventID: "evt_1", Body: []byte(`{}`)})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := ib.Replay(ctx, id, "", "no name"); err != nil {
		fmt.Println("refused:", err)
	}
	rec, err := ib.Replay(ctx, id, "alice", "customer asked for a resend")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rec.State, rec.EventID, rec.Replays[0].By, "-", rec.Replays[0].Why)
	// Output:
	// refused: inbox: bad replay request: by is required
	// available evt_1 alice - customer asked for a resend
}
