package pdf

import (
	"bytes"
	"compress/zlib"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
)

// The tests read back what Chromium printed: a PDF of Skia's making
// (objects one by one, content streams deflated, text in Type0 fonts with
// two-byte codes and a ToUnicode map each). pdfDoc reads just that much, to
// give each page's text; it is no general PDF reader.

type pdfDoc struct {
	objs map[int]pdfObj
}

type pdfObj struct {
	dict   string // the object up to its stream, if any
	stream []byte // inflated
}

var (
	objRe    = regexp.MustCompile(`(?s)(\d+) 0 obj\s*(.*?)endobj`)
	refRe    = regexp.MustCompile(`(\d+) 0 R`)
	lengthRe = regexp.MustCompile(`/Length (\d+)`)
)

func readPDF(data []byte) (*pdfDoc, error) {
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return nil, fmt.Errorf("not a PDF: starts %q", data[:min(len(data), 8)])
	}
	d := &pdfDoc{objs: map[int]pdfObj{}}
	for _, m := range objRe.FindAllSubmatchIndex(data, -1) {
		n, _ := strconv.Atoi(string(data[m[2]:m[3]]))
		body := data[m[4]:m[5]]
		o := pdfObj{dict: string(body)}
		if i := bytes.Index(body, []byte("stream")); i >= 0 && bytes.Contains(body[:i], []byte("/Length")) {
			o.dict = string(body[:i])
			lm := lengthRe.FindStringSubmatch(o.dict)
			if lm == nil {
				return nil, fmt.Errorf("object %d: stream without a direct /Length", n)
			}
			length, _ := strconv.Atoi(lm[1])
			start := i + len("stream")
			for start < len(body) && (body[start] == '\r' || body[start] == '\n') {
				start++
			}
			// The stream may hold "endobj" itself: read it from the file.
			abs := m[4] + start
			if abs+length > len(data) {
				return nil, fmt.Errorf("object %d: stream runs past the end", n)
			}
			raw := data[abs : abs+length]
			if strings.Contains(o.dict, "/FlateDecode") {
				r, err := zlib.NewReader(bytes.NewReader(raw))
				if err != nil {
					return nil, fmt.Errorf("object %d: %w", n, err)
				}
				if o.stream, err = io.ReadAll(r); err != nil {
					return nil, fmt.Errorf("object %d: %w", n, err)
				}
			} else {
				o.stream = raw
			}
		}
		d.objs[n] = o
	}
	return d, nil
}

// pages returns the page objects in order (the page tree's kids, depth
// first).
func (d *pdfDoc) pages() []pdfObj {
	var root int
	for n, o := range d.objs {
		if strings.Contains(o.dict, "/Type /Catalog") {
			root = refs(between(o.dict, "/Pages", ""))[0]
			_ = n
		}
	}
	var out []pdfObj
	var walk func(n int)
	walk = func(n int) {
		o := d.objs[n]
		if regexp.MustCompile(`/Type /Page\b`).MatchString(o.dict) && !strings.Contains(o.dict, "/Type /Pages") {
			out = append(out, o)
			return
		}
		for _, k := range refs(between(o.dict, "/Kids", "]")) {
			walk(k)
		}
	}
	walk(root)
	return out
}

// mediaBoxes returns each page's size in points.
func (d *pdfDoc) mediaBoxes() [][2]float64 {
	var out [][2]float64
	re := regexp.MustCompile(`/MediaBox \[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]`)
	for _, p := range d.pages() {
		m := re.FindStringSubmatch(p.dict)
		if m == nil {
			out = append(out, [2]float64{})
			continue
		}
		f := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
		out = append(out, [2]float64{f(m[3]) - f(m[1]), f(m[4]) - f(m[2])})
	}
	return out
}

// text returns the text of each page, each BT...ET block on a line.
func (d *pdfDoc) text() []string {
	var out []string
	for _, p := range d.pages() {
		res := p.dict
		if i := strings.Index(res, "/Resources"); i >= 0 {
			rest := strings.TrimSpace(res[i+len("/Resources"):])
			if m := regexp.MustCompile(`^(\d+) 0 R`).FindStringSubmatch(rest); m != nil {
				n, _ := strconv.Atoi(m[1])
				res = d.objs[n].dict
			}
		}
		fonts := d.fontMaps(res)
		var b strings.Builder
		for _, c := range refs(between(p.dict, "/Contents", "")) {
			d.showText(&b, d.objs[c].stream, fonts, res, 0)
		}
		out = append(out, b.String())
	}
	return out
}

// fontMaps reads the fonts a resource dictionary names, each as its
// ToUnicode map from a two-byte code to text.
func (d *pdfDoc) fontMaps(res string) map[string]map[uint16]string {
	out := map[string]map[uint16]string{}
	i := strings.Index(res, "/Font")
	if i < 0 {
		return out
	}
	dict := res[i+len("/Font"):]
	if m := regexp.MustCompile(`^\s*(\d+) 0 R`).FindStringSubmatch(dict); m != nil {
		n, _ := strconv.Atoi(m[1])
		dict = d.objs[n].dict
	}
	if j := strings.Index(dict, ">>"); j >= 0 {
		dict = dict[:j]
	}
	for _, m := range regexp.MustCompile(`/(\w+)\s+(\d+) 0 R`).FindAllStringSubmatch(dict, -1) {
		n, _ := strconv.Atoi(m[2])
		tu := regexp.MustCompile(`/ToUnicode (\d+) 0 R`).FindStringSubmatch(d.objs[n].dict)
		if tu == nil {
			continue
		}
		cm, _ := strconv.Atoi(tu[1])
		out[m[1]] = cmap(d.objs[cm].stream)
	}
	return out
}

var (
	bfcharRe  = regexp.MustCompile(`<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>`)
	bfrangeRe = regexp.MustCompile(`<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>`)
)

func cmap(s []byte) map[uint16]string {
	out := map[uint16]string{}
	text := string(s)
	for _, block := range blocks(text, "beginbfchar", "endbfchar") {
		for _, m := range bfcharRe.FindAllStringSubmatch(block, -1) {
			c, _ := strconv.ParseUint(m[1], 16, 16)
			out[uint16(c)] = utf16hex(m[2])
		}
	}
	for _, block := range blocks(text, "beginbfrange", "endbfrange") {
		for _, m := range bfrangeRe.FindAllStringSubmatch(block, -1) {
			lo, _ := strconv.ParseUint(m[1], 16, 16)
			hi, _ := strconv.ParseUint(m[2], 16, 16)
			dst, _ := strconv.ParseUint(m[3], 16, 32)
			for c := lo; c <= hi; c++ {
				out[uint16(c)] = string(rune(dst + c - lo))
			}
		}
	}
	return out
}

func utf16hex(h string) string {
	b, _ := hex.DecodeString(h)
	var u []uint16
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return string(utf16.Decode(u))
}

var tokenRe = regexp.MustCompile(`/(\w+)\s+[-\d.]+\s+Tf|<([0-9A-Fa-f]*)>|\bET\b|/(\w+)\s+Do\b`)

// showText writes the text a content stream shows, following form
// XObjects.
func (d *pdfDoc) showText(b *strings.Builder, content []byte, fonts map[string]map[uint16]string, res string, depth int) {
	var font map[uint16]string
	for _, m := range tokenRe.FindAllStringSubmatch(string(content), -1) {
		switch {
		case m[1] != "":
			font = fonts[m[1]]
		case m[0] == "ET":
			b.WriteByte('\n')
		case m[3] != "" && depth < 4:
			xo := between(res, "/XObject", ">>")
			if r := regexp.MustCompile(`/` + m[3] + `\s+(\d+) 0 R`).FindStringSubmatch(xo); r != nil {
				n, _ := strconv.Atoi(r[1])
				o := d.objs[n]
				inner := fonts
				if strings.Contains(o.dict, "/Font") {
					inner = d.fontMaps(o.dict)
				}
				d.showText(b, o.stream, inner, o.dict, depth+1)
			}
		case font != nil:
			raw, _ := hex.DecodeString(m[2])
			for i := 0; i+1 < len(raw); i += 2 {
				b.WriteString(font[uint16(raw[i])<<8|uint16(raw[i+1])])
			}
		}
	}
}

func refs(s string) []int {
	var out []int
	for _, m := range refRe.FindAllStringSubmatch(s, -1) {
		n, _ := strconv.Atoi(m[1])
		out = append(out, n)
	}
	return out
}

// between is s after key up to end ("" : up to the first reference's
// end, for a single reference or an array of them).
func between(s, key, end string) string {
	i := strings.Index(s, key)
	if i < 0 {
		return ""
	}
	s = s[i+len(key):]
	if end == "" {
		t := strings.TrimSpace(s)
		if strings.HasPrefix(t, "[") {
			if j := strings.Index(t, "]"); j >= 0 {
				return t[:j]
			}
		}
		if m := regexp.MustCompile(`^\d+ 0 R`).FindString(t); m != "" {
			return m
		}
		return ""
	}
	if j := strings.Index(s, end); j >= 0 {
		return s[:j]
	}
	return s
}

func blocks(s, begin, end string) []string {
	var out []string
	for {
		i := strings.Index(s, begin)
		if i < 0 {
			return out
		}
		s = s[i+len(begin):]
		j := strings.Index(s, end)
		if j < 0 {
			return out
		}
		out = append(out, s[:j])
		s = s[j+len(end):]
	}
}
