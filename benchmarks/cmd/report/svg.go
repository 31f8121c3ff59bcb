package main

import (
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// Bar is one bar of a chart panel.
type Bar struct {
	Label string
	Value float64
	Text  string // printed after the bar
	Kind  int    // 0 hookguard, 1 peer, 2 floor/baseline
}

// Panel is a horizontal bar chart with a title; Log draws on a log10 axis.
type Panel struct {
	Title string
	Note  string
	Bars  []Bar
	Log   bool
	// Mark, if > 0, draws a dashed reference line at that value (e.g. the
	// floor at 1.0 or a target).
	Mark      float64
	MarkLabel string
	// Cap, if > 0, is the largest value drawn to scale on a linear axis;
	// longer bars stop at the edge, marked as cut.
	Cap float64
}

var kindColor = []string{"#1f6feb", "#8b949e", "#2da44e"}

const (
	svgWidth   = 960
	labelWidth = 360
	textWidth  = 170
	barHeight  = 16
	barGap     = 5
	panelPadY  = 46
)

// WriteSVG draws the panels one under another, with a legend, as a
// standalone SVG document. It uses no external tool or font file.
func WriteSVG(w io.Writer, title string, panels []Panel) error {
	height := 60
	for _, p := range panels {
		height += panelHeight(p)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica,Arial,sans-serif" font-size="12">`+"\n",
		svgWidth, height, svgWidth, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="#ffffff"/>`+"\n")
	fmt.Fprintf(&b, `<text x="12" y="24" font-size="16" font-weight="bold">%s</text>`+"\n", esc(title))
	// legend
	lx := svgWidth - 330
	for i, name := range []string{"hookguard", "peer", "floor / baseline"} {
		fmt.Fprintf(&b, `<rect x="%d" y="12" width="12" height="12" fill="%s"/><text x="%d" y="22">%s</text>`+"\n",
			lx, kindColor[i], lx+16, esc(name))
		lx += 90 + 10*i
	}
	y := 44
	for _, p := range panels {
		drawPanel(&b, p, y)
		y += panelHeight(p)
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func panelHeight(p Panel) int {
	h := panelPadY + len(p.Bars)*(barHeight+barGap)
	if p.Mark > 0 && p.MarkLabel != "" {
		h += 8
	}
	if p.Note != "" {
		h += 14
	}
	return h
}

func drawPanel(b *strings.Builder, p Panel, y int) {
	fmt.Fprintf(b, `<text x="12" y="%d" font-size="14" font-weight="bold">%s</text>`+"\n", y+16, esc(p.Title))
	top := y + 26
	if p.Note != "" {
		fmt.Fprintf(b, `<text x="12" y="%d" fill="#57606a">%s</text>`+"\n", y+32, esc(p.Note))
		top += 14
	}
	maxV := p.Mark
	minV := math.Inf(1)
	for _, bar := range p.Bars {
		maxV = math.Max(maxV, bar.Value)
		if bar.Value > 0 {
			minV = math.Min(minV, bar.Value)
		}
	}
	if maxV <= 0 {
		maxV = 1
	}
	if p.Cap > 0 && !p.Log && maxV > p.Cap {
		maxV = p.Cap
	}
	x0 := labelWidth
	span := float64(svgWidth - labelWidth - textWidth)
	scale := func(v float64) float64 {
		if v <= 0 {
			return 0
		}
		if !p.Log {
			return span * min(v, maxV) / maxV
		}
		lo := math.Floor(math.Log10(minV))
		hi := math.Log10(maxV)
		if hi <= lo {
			return span
		}
		// a log axis starting one decade below the smallest value, so the
		// smallest bar is still visible
		lo--
		return span * (math.Log10(v) - lo) / (hi - lo)
	}
	for i, bar := range p.Bars {
		by := top + i*(barHeight+barGap)
		fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="end">%s</text>`+"\n", x0-8, by+12, esc(bar.Label))
		wdt := scale(bar.Value)
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`+"\n", x0, by, wdt, barHeight, kindColor[bar.Kind])
		if !p.Log && bar.Value > maxV {
			// cut: a zig-zag at the end of the bar, the figure inside it
			ex := float64(x0) + wdt
			fmt.Fprintf(b, `<path d="M%.1f %d l-6 4 l6 4 l-6 4 l6 4" stroke="#ffffff" stroke-width="2" fill="none"/>`+"\n", ex-4, by)
			fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="end" fill="#ffffff">%s</text>`+"\n", ex-14, by+12, esc(bar.Text+" (off scale)"))
			continue
		}
		fmt.Fprintf(b, `<text x="%.1f" y="%d">%s</text>`+"\n", float64(x0)+wdt+6, by+12, esc(bar.Text))
	}
	if p.Mark > 0 {
		mx := float64(x0) + scale(p.Mark)
		bottom := top + len(p.Bars)*(barHeight+barGap)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#cf222e" stroke-dasharray="4,3"/>`+"\n", mx, top-4, mx, bottom+2)
		if p.MarkLabel != "" {
			fmt.Fprintf(b, `<text x="%.1f" y="%d" fill="#cf222e" font-size="10">%s</text>`+"\n", mx+3, bottom+10, esc(p.MarkLabel))
		}
	}
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#d0d7de"/>`+"\n", x0, top-4, x0, top+len(p.Bars)*(barHeight+barGap))
}

func esc(s string) string { return html.EscapeString(s) }
