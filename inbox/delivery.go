package inbox

import (
	"net/http"
	"net/netip"
	"time"

	"github.com/riverqueue/river"
)

// Delivery is one accepted webhook delivery as the Guard verified it and the
// inbox stored it. Process receives it; Show returns it with its history.
type Delivery struct {
	ID         int64       // the inbox's (River's job) ID: Show, Replay and Cancel take it
	Key        string      // the replay key (namespaced event ID): the dedup key
	EventID    string      // the event ID the Guard deduplicated on
	Scheme     string      // the scheme that verified it
	SecretID   string      // the ID of the secret that matched
	ClientIP   netip.Addr  // the resolved sender address; invalid when unknown
	SignedAt   time.Time   // the signed timestamp; zero when the scheme signs none
	ReceivedAt time.Time   // when the inbox accepted it (Config.Now)
	Header     http.Header // the headers Config.Headers kept
	Body       []byte      // the raw body, exactly as received
	Attempt    int         // the attempt being run, from 1 (0 outside Process)
}

// deliveryKind is the River job kind of a delivery.
const deliveryKind = "hookguard_delivery"

// deliveryArgs is the River job payload: everything needed to process the
// delivery later. The river:"unique" tag makes Key alone the uniqueness
// input; the body is base64 in the JSON and never logged.
type deliveryArgs struct {
	Key        string      `json:"key" river:"unique"`
	EventID    string      `json:"event_id"`
	Scheme     string      `json:"scheme"`
	SecretID   string      `json:"secret_id,omitempty"`
	ClientIP   string      `json:"client_ip,omitempty"`
	SignedAt   time.Time   `json:"signed_at,omitzero"`
	ReceivedAt time.Time   `json:"received_at"`
	Header     http.Header `json:"header,omitempty"`
	Body       []byte      `json:"body"`
}

// Kind names the River job kind.
func (deliveryArgs) Kind() string { return deliveryKind }

var _ river.JobArgs = deliveryArgs{}

// toArgs is d as a job payload.
func (d Delivery) toArgs() deliveryArgs {
	a := deliveryArgs{
		Key: d.Key, EventID: d.EventID, Scheme: d.Scheme, SecretID: d.SecretID,
		SignedAt: d.SignedAt, ReceivedAt: d.ReceivedAt, Header: d.Header, Body: d.Body,
	}
	if d.ClientIP.IsValid() {
		a.ClientIP = d.ClientIP.String()
	}
	return a
}

// delivery rebuilds the Delivery stored as a's job id, at attempt.
func (a deliveryArgs) delivery(id int64, attempt int) Delivery {
	ip, _ := netip.ParseAddr(a.ClientIP) // invalid when empty: as stored
	h := a.Header
	if h == nil {
		h = http.Header{}
	}
	return Delivery{
		ID: id, Key: a.Key, EventID: a.EventID, Scheme: a.Scheme, SecretID: a.SecretID,
		ClientIP: ip, SignedAt: a.SignedAt, ReceivedAt: a.ReceivedAt, Header: h, Body: a.Body,
		Attempt: attempt,
	}
}
