package main

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// TestWriteSVGIsWellFormed checks the chart is well-formed XML with one bar
// per value, labels escaped, on both axes.
func TestWriteSVGIsWellFormed(t *testing.T) {
	panels := []Panel{
		{Title: "Verify <1 KiB> × floor", Bars: []Bar{{"hookguard & co", 1.1, "1.10×", 0}, {"svix", 4.7, "4.70×", 1}, {"floor", 1, "1.00×", 2}}, Mark: 1.15, MarkLabel: "target"},
		{Title: "IP lookup", Log: true, Note: "log scale", Bars: []Bar{{"hookguard", 30, "30 ns", 0}, {"linear", 1e6, "1 ms", 2}}},
	}
	var buf bytes.Buffer
	if err := WriteSVG(&buf, "hookguard benchmarks", panels); err != nil {
		t.Fatal(err)
	}
	doc := buf.String()
	d := xml.NewDecoder(strings.NewReader(doc))
	rects := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
			rects++
		}
	}
	// background + 3 legend squares + 5 bars
	if rects != 9 {
		t.Fatalf("%d rects, want 9", rects)
	}
	if !strings.Contains(doc, "hookguard &amp; co") {
		t.Fatal("label not escaped")
	}
}
