package hmac

import "net/textproto"

// Presets for common providers. Each is checked in the tests against the
// provider's published example or official SDK test vector
// (testdata/vectors.json names the source of every vector).
var (
	// StandardWebhooks is the Standard Webhooks specification
	// (standardwebhooks.com): headers webhook-id, webhook-timestamp and
	// webhook-signature; the signature header is a space-separated list of
	// "v1,<base64 HMAC-SHA256>" over "{id}.{timestamp}.{body}"; secrets are
	// displayed as "whsec_" + base64. Entries of other versions (v1a) are
	// skipped. The signer signs with every valid secret.
	StandardWebhooks = mustPreset(Scheme{
		name: "standard-webhooks", format: fmtStandard,
		sigHeader: "Webhook-Signature", tsHeader: "Webhook-Timestamp", idHeader: "Webhook-Id",
		enc: Base64, tmpl: mustTemplate("{id}.{timestamp}.{body}"), keyFormat: keyWhsec, multi: true,
	})

	// Svix is Standard Webhooks with svix-id, svix-timestamp and
	// svix-signature headers (Svix's own deliveries and SDKs).
	Svix = mustPreset(Scheme{
		name: "svix", format: fmtStandard,
		sigHeader: "Svix-Signature", tsHeader: "Svix-Timestamp", idHeader: "Svix-Id",
		enc: Base64, tmpl: mustTemplate("{id}.{timestamp}.{body}"), keyFormat: keyWhsec, multi: true,
	})

	// Stripe: "Stripe-Signature: t=<ts>,v1=<hex>[,v1=<hex>]", HMAC-SHA256
	// over "{timestamp}.{body}"; the "whsec_..." secret is used verbatim.
	// v0 (test-mode) and unknown schemes are skipped. The signer signs
	// with every valid secret, as Stripe does during a secret roll.
	Stripe = mustPreset(Scheme{
		name: "stripe", format: fmtStripe, sigHeader: "Stripe-Signature",
		enc: Hex, tmpl: mustTemplate("{timestamp}.{body}"), multi: true,
	})

	// GitHub: "X-Hub-Signature-256: sha256=<hex>" over the raw body;
	// X-GitHub-Delivery is reported as the (unsigned) ID. No timestamp.
	GitHub = mustPreset(Scheme{
		name: "github", format: fmtSingle, sigHeader: "X-Hub-Signature-256", idHeader: "X-Github-Delivery",
		prefix: "sha256=", enc: Hex, tmpl: mustTemplate("{body}"),
	})

	// Slack: "X-Slack-Signature: v0=<hex>" over "v0:{timestamp}:{body}",
	// timestamp in X-Slack-Request-Timestamp.
	Slack = mustPreset(Scheme{
		name: "slack", format: fmtSingle, sigHeader: "X-Slack-Signature", tsHeader: "X-Slack-Request-Timestamp",
		prefix: "v0=", enc: Hex, tmpl: mustTemplate("v0:{timestamp}:{body}"),
	})

	// Shopify: "X-Shopify-Hmac-Sha256: <base64>" over the raw body;
	// X-Shopify-Webhook-Id is reported as the (unsigned) ID. No timestamp.
	Shopify = mustPreset(Scheme{
		name: "shopify", format: fmtSingle, sigHeader: "X-Shopify-Hmac-Sha256", idHeader: "X-Shopify-Webhook-Id",
		enc: Base64, tmpl: mustTemplate("{body}"),
	})

	// Paddle (Billing): "Paddle-Signature: ts=<ts>;h1=<hex>[;h1=<hex>]",
	// HMAC-SHA256 over "{timestamp}:{body}"; the "pdl_ntfset_..." secret
	// is used verbatim. Paddle sends one h1 per valid secret during a
	// rotation, and so does the signer.
	Paddle = mustPreset(Scheme{
		name: "paddle", format: fmtPaddle, sigHeader: "Paddle-Signature",
		enc: Hex, tmpl: mustTemplate("{timestamp}:{body}"), multi: true,
	})

	// GitLab: the secret token itself in X-Gitlab-Token, compared in
	// constant time; X-Gitlab-Event-Uuid is reported as the (unsigned) ID.
	// A shared token proves the sender knows the secret, not that the body
	// is intact: prefer an HMAC scheme where the sender offers one.
	GitLab = mustPreset(Scheme{
		name: "gitlab", format: fmtToken, sigHeader: "X-Gitlab-Token", idHeader: "X-Gitlab-Event-Uuid",
	})
)

// Presets returns every preset scheme, for CLIs and docs that list them.
func Presets() []Scheme {
	return append([]Scheme{StandardWebhooks, Svix, Stripe, GitHub, Slack, Shopify, Paddle, GitLab}, morePresets...)
}

// PresetByName returns the preset whose Name is name.
func PresetByName(name string) (Scheme, bool) {
	for _, s := range Presets() {
		if s.name == name {
			return s, true
		}
	}
	return Scheme{}, false
}

func mustTemplate(src string) template {
	t, err := compileTemplate(src)
	if err != nil {
		panic(err)
	}
	return t
}

// mustPreset checks a preset's header names are canonical, so lookups in an
// http.Header never allocate.
func mustPreset(s Scheme) Scheme {
	for _, h := range []string{s.sigHeader, s.tsHeader, s.idHeader} {
		if h != "" && textproto.CanonicalMIMEHeaderKey(h) != h {
			panic("hmac: preset " + s.name + ": header " + h + " is not canonical")
		}
	}
	return s
}
