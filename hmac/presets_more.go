package hmac

// More presets: the providers a Go team meets after the first eight. Each
// comment states the wire format; testdata/vectors.json names the source
// of each test vector (the provider's SDK or documentation where one is
// published, otherwise "constructed" to the documented algorithm).
var (
	// Twilio: "X-Twilio-Signature: <base64 HMAC-SHA1>" over the full URL
	// followed by every form parameter, sorted by name, as name‖value; for
	// JSON bodies the URL carries bodySHA256=<hex SHA-256 of the body> and
	// the signature covers the URL alone. A URL with and without its
	// default port both verify, as in Twilio's SDKs. The auth token is the
	// secret (32 characters). I-Twilio-Idempotency-Token is the unsigned ID.
	Twilio = mustPreset(Scheme{
		name: "twilio", format: fmtTwilio, sigHeader: "X-Twilio-Signature", idHeader: "I-Twilio-Idempotency-Token",
		enc: Base64, hash: hashSHA1, tmpl: mustTemplate("{body}"),
	})

	// Square: "x-square-hmacsha256-signature: <base64 HMAC-SHA256>" over
	// the notification URL (exactly as configured in Square) followed by
	// the body. The event ID is in the body (event_id).
	Square = mustPreset(Scheme{
		name: "square", format: fmtSingle, sigHeader: "X-Square-Hmacsha256-Signature",
		enc: Base64, tmpl: mustTemplate("{url}{body}"),
	})

	// HubSpot (signature v3): "X-HubSpot-Signature-v3: <base64
	// HMAC-SHA256>" over method ‖ URL ‖ body ‖ timestamp, with
	// X-HubSpot-Request-Timestamp in unix milliseconds; the app's client
	// secret is the key. The URL has %3A %2F %3F %40 %21 %24 %27 %28 %29
	// %2A %2C %3B decoded first, as HubSpot documents. HubSpot rejects
	// timestamps older than 5 minutes: the replay window's default.
	HubSpot = mustPreset(Scheme{
		name: "hubspot", format: fmtSingle, sigHeader: "X-Hubspot-Signature-V3",
		tsHeader: "X-Hubspot-Request-Timestamp", tsFormat: UnixMilliseconds,
		enc: Base64, tmpl: mustTemplate("{method}{url}{body}{timestamp}"), urlDecode: true,
	})

	// Zoom: "x-zm-signature: v0=<hex HMAC-SHA256>" over
	// "v0:{timestamp}:{body}", x-zm-request-timestamp in seconds; the
	// webhook secret token is the key. (Zoom's endpoint.url_validation
	// handshake is answered by the handshake package.)
	Zoom = mustPreset(Scheme{
		name: "zoom", format: fmtSingle, sigHeader: "X-Zm-Signature", tsHeader: "X-Zm-Request-Timestamp",
		prefix: "v0=", enc: Hex, tmpl: mustTemplate("v0:{timestamp}:{body}"),
	})

	// Twitch EventSub: "Twitch-Eventsub-Message-Signature: sha256=<hex>"
	// over message ID ‖ timestamp ‖ body; the timestamp is RFC 3339 with
	// nanoseconds and the message ID is signed.
	Twitch = mustPreset(Scheme{
		name: "twitch", format: fmtSingle, sigHeader: "Twitch-Eventsub-Message-Signature",
		tsHeader: "Twitch-Eventsub-Message-Timestamp", tsFormat: RFC3339, idHeader: "Twitch-Eventsub-Message-Id",
		prefix: "sha256=", enc: Hex, tmpl: mustTemplate("{id}{timestamp}{body}"),
	})

	// Meta (Facebook, Instagram, WhatsApp Cloud API): "X-Hub-Signature-256:
	// sha256=<hex HMAC-SHA256>" of the body with the app secret. No
	// timestamp, no ID header. (The GET subscription handshake is the
	// handshake package's.)
	Meta = mustPreset(Scheme{
		name: "meta", format: fmtSingle, sigHeader: "X-Hub-Signature-256",
		prefix: "sha256=", enc: Hex, tmpl: mustTemplate("{body}"),
	})

	// Linear: "Linear-Signature: <hex HMAC-SHA256>" of the body;
	// Linear-Delivery is the unsigned ID. The body's webhookTimestamp is
	// signed but not a header.
	Linear = mustPreset(Scheme{
		name: "linear", format: fmtSingle, sigHeader: "Linear-Signature", idHeader: "Linear-Delivery",
		enc: Hex, tmpl: mustTemplate("{body}"),
	})

	// Intercom: "X-Hub-Signature: sha1=<hex HMAC-SHA1>" of the body with
	// the app's client secret.
	Intercom = mustPreset(Scheme{
		name: "intercom", format: fmtSingle, sigHeader: "X-Hub-Signature",
		prefix: "sha1=", enc: Hex, hash: hashSHA1, tmpl: mustTemplate("{body}"),
	})

	// Typeform: "Typeform-Signature: sha256=<base64 HMAC-SHA256>" of the body.
	Typeform = mustPreset(Scheme{
		name: "typeform", format: fmtSingle, sigHeader: "Typeform-Signature",
		prefix: "sha256=", enc: Base64, tmpl: mustTemplate("{body}"),
	})

	// Calendly: "Calendly-Webhook-Signature: t=<ts>,v1=<hex>" over
	// "{timestamp}.{body}" (Stripe's layout under another header).
	Calendly = mustPreset(Scheme{
		name: "calendly", format: fmtStripe, sigHeader: "Calendly-Webhook-Signature",
		enc: Hex, tmpl: mustTemplate("{timestamp}.{body}"),
	})

	// Mux: "Mux-Signature: t=<ts>,v1=<hex>" over "{timestamp}.{body}".
	Mux = mustPreset(Scheme{
		name: "mux", format: fmtStripe, sigHeader: "Mux-Signature",
		enc: Hex, tmpl: mustTemplate("{timestamp}.{body}"),
	})

	// PagerDuty (v3 webhooks): "X-PagerDuty-Signature: v1=<hex>[,v1=<hex>]"
	// of the body, one entry per valid secret during a rotation (the signer
	// does the same); X-Webhook-Id is the unsigned ID.
	PagerDuty = mustPreset(Scheme{
		name: "pagerduty", format: fmtList, sigHeader: "X-Pagerduty-Signature", idHeader: "X-Webhook-Id",
		enc: Hex, tmpl: mustTemplate("{body}"), multi: true,
	})

	// LemonSqueezy: "X-Signature: <hex HMAC-SHA256>" of the body.
	LemonSqueezy = mustPreset(Scheme{
		name: "lemon-squeezy", format: fmtSingle, sigHeader: "X-Signature",
		enc: Hex, tmpl: mustTemplate("{body}"),
	})

	// Razorpay: "X-Razorpay-Signature: <hex HMAC-SHA256>" of the body;
	// X-Razorpay-Event-Id is the unsigned ID.
	Razorpay = mustPreset(Scheme{
		name: "razorpay", format: fmtSingle, sigHeader: "X-Razorpay-Signature", idHeader: "X-Razorpay-Event-Id",
		enc: Hex, tmpl: mustTemplate("{body}"),
	})

	// CoinbaseCommerce: "X-CC-Webhook-Signature: <hex HMAC-SHA256>" of the
	// body with the shared webhook secret.
	CoinbaseCommerce = mustPreset(Scheme{
		name: "coinbase-commerce", format: fmtSingle, sigHeader: "X-Cc-Webhook-Signature",
		enc: Hex, tmpl: mustTemplate("{body}"),
	})

	// Zendesk: "X-Zendesk-Webhook-Signature: <base64 HMAC-SHA256>" over
	// timestamp ‖ body, X-Zendesk-Webhook-Signature-Timestamp in RFC 3339;
	// X-Zendesk-Webhook-Invocation-Id is the unsigned ID.
	Zendesk = mustPreset(Scheme{
		name: "zendesk", format: fmtSingle, sigHeader: "X-Zendesk-Webhook-Signature",
		tsHeader: "X-Zendesk-Webhook-Signature-Timestamp", tsFormat: RFC3339, idHeader: "X-Zendesk-Webhook-Invocation-Id",
		enc: Base64, tmpl: mustTemplate("{timestamp}{body}"),
	})

	// WooCommerce: "X-WC-Webhook-Signature: <base64 HMAC-SHA256>" of the
	// body; X-WC-Webhook-Delivery-ID is the unsigned ID.
	WooCommerce = mustPreset(Scheme{
		name: "woocommerce", format: fmtSingle, sigHeader: "X-Wc-Webhook-Signature", idHeader: "X-Wc-Webhook-Delivery-Id",
		enc: Base64, tmpl: mustTemplate("{body}"),
	})

	// Bitbucket (Cloud): "X-Hub-Signature: sha256=<hex HMAC-SHA256>" of
	// the body; X-Request-UUID is the unsigned ID.
	Bitbucket = mustPreset(Scheme{
		name: "bitbucket", format: fmtSingle, sigHeader: "X-Hub-Signature", idHeader: "X-Request-Uuid",
		prefix: "sha256=", enc: Hex, tmpl: mustTemplate("{body}"),
	})

	// Gitea (and Forgejo): "X-Gitea-Signature: <hex HMAC-SHA256>" of the
	// body; X-Gitea-Delivery is the unsigned ID.
	Gitea = mustPreset(Scheme{
		name: "gitea", format: fmtSingle, sigHeader: "X-Gitea-Signature", idHeader: "X-Gitea-Delivery",
		enc: Hex, tmpl: mustTemplate("{body}"),
	})

	// Gogs: "X-Gogs-Signature: <hex HMAC-SHA256>" of the body;
	// X-Gogs-Delivery is the unsigned ID.
	Gogs = mustPreset(Scheme{
		name: "gogs", format: fmtSingle, sigHeader: "X-Gogs-Signature", idHeader: "X-Gogs-Delivery",
		enc: Hex, tmpl: mustTemplate("{body}"),
	})

	// Sentry (integration platform): "Sentry-Hook-Signature: <hex
	// HMAC-SHA256>" of the body with the client secret; Request-ID is the
	// unsigned ID. Sentry-Hook-Timestamp is sent but not signed.
	Sentry = mustPreset(Scheme{
		name: "sentry", format: fmtSingle, sigHeader: "Sentry-Hook-Signature", idHeader: "Request-Id",
		enc: Hex, tmpl: mustTemplate("{body}"),
	})

	// Vercel: "x-vercel-signature: <hex HMAC-SHA1>" of the body.
	Vercel = mustPreset(Scheme{
		name: "vercel", format: fmtSingle, sigHeader: "X-Vercel-Signature",
		enc: Hex, hash: hashSHA1, tmpl: mustTemplate("{body}"),
	})

	// Dropbox: "X-Dropbox-Signature: <hex HMAC-SHA256>" of the body with
	// the app secret. (The GET challenge is the handshake package's.)
	Dropbox = mustPreset(Scheme{
		name: "dropbox", format: fmtSingle, sigHeader: "X-Dropbox-Signature",
		enc: Hex, tmpl: mustTemplate("{body}"),
	})

	// Okta event hooks: the configured secret itself in the Authorization
	// header, compared in constant time (a shared token, like GitLab).
	Okta = mustPreset(Scheme{
		name: "okta", format: fmtToken, sigHeader: "Authorization",
	})
)

// morePresets lists the presets above in documentation order.
var morePresets = []Scheme{Twilio, Square, HubSpot, Zoom, Twitch, Meta, Linear, Intercom, Typeform, Calendly, Mux,
	PagerDuty, LemonSqueezy, Razorpay, CoinbaseCommerce, Zendesk, WooCommerce, Bitbucket, Gitea, Gogs, Sentry,
	Vercel, Dropbox, Okta}
