package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// selfSigned writes a certificate for 127.0.0.1 and its key as PEM files.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "hookguard test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile, pool
}

// TestServeTLS serves HTTPS with -tls-cert/-tls-key and -require-tls: a
// delivery over TLS is verified and forwarded; plain HTTP gets no service.
func TestServeTLS(t *testing.T) {
	up := &upstream{}
	upSrv := httptest.NewServer(up)
	defer upSrv.Close()
	certFile, keyFile, pool := selfSigned(t)
	h := startServe(t, serveVars(), "-upstream", upSrv.URL, "-secret-env", "HG_NEW",
		"-tls-cert", certFile, "-tls-key", keyFile, "-require-tls")
	h.client = &http.Client{Transport: &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: pool},
		DisableKeepAlives: true,
	}}
	h.scheme = "https"
	if status, resp := h.deliver(serveNewKey, "msg_tls", "127.0.0.1", `{}`); status != 200 || up.count() != 1 {
		t.Fatalf("over TLS: %d %s, upstream got %d", status, resp, up.count())
	}
	// Plain HTTP to the TLS port: the server answers with a TLS error, never
	// the upstream.
	plain := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := plain.Post("http://"+h.addr+"/hooks/billing", "application/json", strings.NewReader(`{}`))
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("plain HTTP to the TLS port: %d", resp.StatusCode)
		}
	}
	if up.count() != 1 {
		t.Fatalf("plain HTTP reached the upstream")
	}
	if r := h.stop(); r.code != exitOK || !strings.Contains(r.stderr, "tls=true") {
		t.Fatalf("code %d\n%s", r.code, r.stderr)
	}
}

func TestServeTLSFlagErrors(t *testing.T) {
	certFile, _, _ := selfSigned(t)
	for _, args := range [][]string{
		{"-tls-cert", certFile},
		{"-tls-cert", certFile, "-tls-key", certFile},
	} {
		r := runCLI(t, serveVars(), "", append([]string{"serve", "-upstream", "http://127.0.0.1:1", "-secret-env", "HG_NEW"}, args...)...)
		if r.code != exitUsage || !strings.Contains(r.stderr, "-tls-") {
			t.Fatalf("%v: code %d, stderr %q", args, r.code, r.stderr)
		}
	}
}
