package middleware

import (
	"fmt"
	"strings"

	"github.com/hookguard/hookguard/handshake"
	"github.com/hookguard/hookguard/replay"
	"github.com/hookguard/hookguard/signature"
)

// pickTenant resolves the delivery's tenant (Config.Tenant): its
// authenticator and its replay namespace.
func (g *Guard) pickTenant(v *Verdict) error {
	req := &Request{
		RemoteAddr: v.remoteAddr, TLS: v.tls,
		Method: v.msg.Method, Host: v.host, RequestURI: v.requestURI,
		Header: v.msg.Header, PathValue: v.pathValue,
	}
	if req.PathValue == nil {
		req.PathValue = func(string) string { return "" }
	}
	t, err := g.cfg.Tenant(v.ctx, req)
	switch {
	case err != nil:
		return fmt.Errorf("%w: tenant: %w", signature.ErrMismatch, err)
	case t.Name == "" || t.Authenticator == nil:
		return fmt.Errorf("%w: tenant without a name or an Authenticator", signature.ErrMismatch)
	}
	info := t.Authenticator.Info()
	v.auth, v.signsID, v.needsURL = t.Authenticator, info.SignsID, info.NeedsURL
	v.ns = replay.Key(g.cfg.Source, t.Name)
	v.Event.Tenant, v.Event.Scheme = t.Name, info.Name
	return nil
}

// answerHandshake asks the Responder whether the delivery is a handshake;
// if so, its answer ends the request path (errHandshake).
func (g *Guard) answerHandshake(v *Verdict, hs handshake.Responder) error {
	req := &handshake.Request{Method: v.msg.Method, Header: v.msg.Header, Body: v.msg.Body}
	if _, q, ok := strings.Cut(v.requestURI, "?"); ok {
		req.RawQuery = q
	}
	var res signature.Result
	if v.verified {
		res = signature.Result{Scheme: v.Event.Scheme, SecretID: v.Event.SecretID, ID: v.Event.ID, Timestamp: v.Event.Timestamp}
	}
	resp, ok, err := hs.Respond(req, res)
	switch {
	case err != nil:
		if r := ReasonFor(err); r != ReasonMalformed && r != ReasonMissingHeader && r != ReasonBadSignature {
			err = fmt.Errorf("%w: handshake: %w", signature.ErrMismatch, err)
		}
		return err
	case !ok:
		return nil
	}
	v.handshake = &resp
	return errHandshake
}

// verifySignature verifies the signature against every currently valid
// key and derives the event ID.
func (g *Guard) verifySignature(v *Verdict) error {
	h := v.msg.Header
	if v.needsURL {
		u, err := g.signedURL(v)
		if err != nil {
			return err
		}
		v.msg.URL = u
	}
	t0 := g.stamp()
	res, err := v.auth.Authenticate(&v.msg, v.now)
	v.verify = since(t0)
	if err != nil {
		if ReasonFor(err) == ReasonStoreUnavailable {
			// An error the scheme does not classify is still a refusal of the input.
			return fmt.Errorf("%w: %w", signature.ErrMismatch, err)
		}
		return err
	}
	// The signed content's ID, claimed too when the scheme does not sign
	// its event ID (see EventIDFunc); hashed once.
	var cid string
	if !v.signsID {
		cid, _ = ContentEventID(res, h, v.msg.Body)
	}
	var id string
	if g.cfg.EventID == nil && !v.signsID && res.ID == "" {
		id = cid // what the default, idOrContent, answers
	} else {
		eventID := g.cfg.EventID
		if eventID == nil {
			eventID = defaultEventID(v.signsID)
		}
		id, err = eventID(res, h, v.msg.Body)
	}
	switch {
	case err != nil && ReasonFor(err) != ReasonMalformed:
		return fmt.Errorf("%w: event ID: %w", errMalformed, err)
	case err != nil:
		return err
	case id == "":
		return fmt.Errorf("%w: empty event ID", errMalformed)
	}
	ev := &v.Event
	ev.ID, ev.Key, ev.Timestamp, ev.SecretID = id, replay.Key(v.ns, id), res.Timestamp, res.SecretID
	if res.Scheme != "" {
		ev.Scheme = res.Scheme
	}
	v.keys[0] = ev.Key
	if cid != "" && cid != id {
		v.keys[1] = replay.Key(v.ns, cid)
	}
	v.verified = true
	return nil
}

// signedURL is the URL a URL-covering scheme checks: Config.PublicURL and
// the request target, or the request's own URL as this server and its
// trusted proxies saw it.
func (g *Guard) signedURL(v *Verdict) (string, error) {
	target := v.requestURI
	if target == "" {
		target = "/"
	}
	if g.cfg.PublicURL != "" {
		return signature.RequestURL(g.cfg.PublicURL, "", "", target)
	}
	scheme, host := "http", v.host
	if v.tls {
		scheme = "https"
	}
	if g.resolver.Trusts(v.remoteAddr) {
		proto, err := g.resolver.ForwardedProto(v.remoteAddr, v.lines)
		if err != nil {
			return "", fmt.Errorf("%w: forwarded protocol: %w", signature.ErrMalformed, err)
		}
		if proto != "" {
			scheme = proto
		}
		fh, err := g.resolver.ForwardedHost(v.remoteAddr, v.lines)
		if err != nil {
			return "", fmt.Errorf("%w: forwarded host: %w", signature.ErrMalformed, err)
		}
		if fh != "" {
			host = fh
		}
	}
	return signature.RequestURL("", scheme, host, target)
}
