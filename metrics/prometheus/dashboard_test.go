package hookprom

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/hookguard/hookguard/hmac"
	"github.com/hookguard/hookguard/middleware"
)

// exported returns every series name a fully used Metrics exports
// (histograms as their _bucket, _sum and _count series).
func exported(t *testing.T) map[string]bool {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := New(Options{Registerer: reg})
	require.NoError(t, err)
	keys, err := hmac.NewKeyring(hmac.Secret{ID: "k", Key: []byte("0123456789abcdef0123"), NotAfter: time.Now().Add(time.Hour)})
	require.NoError(t, err)
	require.NoError(t, m.WatchKeyring("s", keys))
	require.NoError(t, m.WatchStore("replay", func() StoreStats { return StoreStats{} }))
	m.Observe(context.Background(), middleware.Observation{
		Reason: middleware.ReasonAccepted, Status: 200, Outcome: middleware.OutcomeCompleted,
		Event:  middleware.Event{Scheme: "s", SecretID: "k"},
		Verify: time.Microsecond, Claim: time.Microsecond, Total: time.Millisecond,
	})
	up := httptest.NewServer(http.NotFoundHandler())
	defer up.Close()
	resp, err := (&http.Client{Transport: m.Transport(nil)}).Get(up.URL)
	require.NoError(t, err)
	resp.Body.Close()

	families, err := reg.Gather()
	require.NoError(t, err)
	names := map[string]bool{}
	for _, f := range families {
		if f.GetType() == dto.MetricType_HISTOGRAM {
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				names[f.GetName()+suffix] = true
			}
			continue
		}
		names[f.GetName()] = true
	}
	require.Len(t, names, 3*4+8, "4 histograms, 8 counters and gauges")
	return names
}

var (
	// Stripped from a PromQL expression before its identifiers are read:
	// label matchers, range and offset selectors, grouping lists, strings,
	// Grafana variables and numbers.
	promqlNoise = []*regexp.Regexp{
		regexp.MustCompile(`"[^"]*"`),
		regexp.MustCompile(`\{[^}]*\}`),
		regexp.MustCompile(`\[[^\]]*\]`),
		regexp.MustCompile(`\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`),
		regexp.MustCompile(`\$\w+`),
		regexp.MustCompile(`\b\d+(\.\d+)?\b`),
	}
	identifier = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*`)
	// promqlWords are the functions, aggregations and keywords the rules
	// and the dashboard use; any other identifier must be an exported series.
	promqlWords = map[string]bool{
		"sum": true, "rate": true, "increase": true, "histogram_quantile": true, "time": true,
		"and": true, "or": true, "unless": true,
	}
)

// metricNames returns the identifiers of expr that are not PromQL words.
func metricNames(expr string) []string {
	for _, re := range promqlNoise {
		expr = re.ReplaceAllString(expr, " ")
	}
	var names []string
	for _, id := range identifier.FindAllString(expr, -1) {
		if !promqlWords[id] {
			names = append(names, id)
		}
	}
	return names
}

// checkExprs fails t unless every expression names at least one series and
// only series the module exports.
func checkExprs(t *testing.T, exprs map[string]string) {
	t.Helper()
	names := exported(t)
	for where, expr := range exprs {
		refs := metricNames(expr)
		require.NotEmpty(t, refs, "%s: %q names no metric", where, expr)
		for _, ref := range refs {
			require.True(t, names[ref], "%s: %q refers to %s, which hookprom does not export", where, expr, ref)
		}
	}
}

// TestDashboardQueries parses ops/dashboard.json and checks that every
// panel has queries and that they refer only to exported metrics.
func TestDashboardQueries(t *testing.T) {
	raw, err := os.ReadFile("../../ops/dashboard.json")
	require.NoError(t, err)
	type target struct {
		Expr string `json:"expr"`
	}
	type panel struct {
		ID      int      `json:"id"`
		Type    string   `json:"type"`
		Title   string   `json:"title"`
		Targets []target `json:"targets"`
	}
	var dash struct {
		Panels     []panel `json:"panels"`
		Templating struct {
			List []struct {
				Name  string `json:"name"`
				Type  string `json:"type"`
				Query any    `json:"query"`
			} `json:"list"`
		} `json:"templating"`
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	require.NoError(t, dec.Decode(&dash))

	exprs := map[string]string{}
	ids := map[int]bool{}
	graphs := 0
	for _, p := range dash.Panels {
		require.False(t, ids[p.ID], "panel id %d twice", p.ID)
		ids[p.ID] = true
		if p.Type == "row" {
			continue
		}
		graphs++
		require.NotEmpty(t, p.Targets, "panel %q has no query", p.Title)
		for i, tg := range p.Targets {
			exprs[p.Title+"#"+string(rune('A'+i))] = tg.Expr
		}
	}
	require.GreaterOrEqual(t, graphs, 12)
	for _, v := range dash.Templating.List {
		if q, ok := v.Query.(string); ok && v.Type == "query" {
			// label_values(series, label): the series is the expression.
			series, _, _ := strings.Cut(strings.TrimPrefix(q, "label_values("), ",")
			exprs["variable "+v.Name] = series
		}
	}
	checkExprs(t, exprs)
}

// TestAlertRuleQueries parses ops/alerts.yml and checks that every rule's
// expression refers only to exported metrics (promtool checks the syntax
// and the rules' behaviour).
func TestAlertRuleQueries(t *testing.T) {
	raw, err := os.ReadFile("../../ops/alerts.yml")
	require.NoError(t, err)
	var rules struct {
		Groups []struct {
			Rules []struct {
				Alert string `yaml:"alert"`
				Expr  string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &rules))
	exprs := map[string]string{}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			exprs[r.Alert] = r.Expr
		}
	}
	require.Len(t, exprs, 6)
	checkExprs(t, exprs)
}

// TestMetricNamesCatchesStrays proves the check rejects what it must.
func TestMetricNamesCatchesStrays(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{`sum by (reason) (rate(hookguard_deliveries_total{scheme=~"$scheme"}[$__rate_interval]))`, "hookguard_deliveries_total"},
		{`histogram_quantile(0.99, sum by (le) (rate(hookguard_verify_seconds_bucket[5m])))`, "hookguard_verify_seconds_bucket"},
		{`hookguard_store_keys / hookguard_store_capacity`, "hookguard_store_keys hookguard_store_capacity"},
		{`(x - time() < 86400) and on (scheme, secret_id) (y > 0)`, "x y"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			require.Equal(t, tc.want, strings.Join(metricNames(tc.expr), " "))
		})
	}
}
