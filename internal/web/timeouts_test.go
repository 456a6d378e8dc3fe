package web

import (
	"bufio"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coalition/pledger/internal/store"
)

// Tests of issue #15's finding 6: timeouts.

// ---------------------------------------------------------------------------
// 6. Timeouts.

// Finding 6: the server has every timeout and a header limit; a client
// that sends its headers byte by byte is cut off, and so is one that sends
// its body too slowly; an upload gets longer.
func TestServerTimeouts(t *testing.T) {
	e := newEnv(t, store.SQLite, Config{})
	def := e.server(t, Config{}).HTTPServer("127.0.0.1:0")
	if def.ReadHeaderTimeout <= 0 || def.ReadTimeout <= 0 || def.WriteTimeout <= 0 || def.IdleTimeout <= 0 || def.MaxHeaderBytes <= 0 ||
		def.MaxHeaderBytes > 1<<20 {
		t.Errorf("default server: header %v read %v write %v idle %v max header bytes %d", def.ReadHeaderTimeout, def.ReadTimeout,
			def.WriteTimeout, def.IdleTimeout, def.MaxHeaderBytes)
	}
	s := e.server(t, Config{Timeouts: Timeouts{ReadHeader: 200 * time.Millisecond, Read: 400 * time.Millisecond, Long: time.Minute}})
	srv := s.HTTPServer("127.0.0.1:0")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	addr := ln.Addr().String()

	// slowly sends fast at once, then slow a byte every 20 ms, and reports
	// how many bytes of slow it sent before the server closed the
	// connection (all of them if it never did) and what the server
	// answered.
	slowly := func(fast, slow string) (int, string) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		closed := make(chan string, 1)
		go func() {
			b, _ := io.ReadAll(c)
			closed <- string(b)
		}()
		if _, err := io.WriteString(c, fast); err != nil {
			t.Fatal(err)
		}
		for i := range len(slow) {
			select {
			case answer := <-closed:
				return i, answer
			case <-time.After(20 * time.Millisecond):
			}
			if _, err := c.Write([]byte{slow[i]}); err != nil {
				return i, <-closed
			}
		}
		c.(*net.TCPConn).CloseWrite()
		return len(slow), <-closed
	}
	// Slowloris: 200 bytes of headers over 4 s.
	headers := "GET /login HTTP/1.1\r\nHost: x\r\nX-Slow: " + strings.Repeat("a", 160) + "\r\n\r\n"
	if n, answer := slowly("", headers); n == len(headers) || strings.Contains(answer, "200 OK") {
		t.Errorf("a client sending its headers byte by byte was not cut off (%d of %d bytes sent): %.80q", n, len(headers), answer)
	}
	// A body sent byte by byte (after the headers at once) to a route
	// with the ordinary timeout.
	form := url.Values{"csrf": {"x"}, "name": {"admin"}, "password": {strings.Repeat("p", 150)}}.Encode()
	head := "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
		strconv.Itoa(len(form)) + "\r\nConnection: close\r\n\r\n"
	if n, answer := slowly(head, form); n == len(form) {
		t.Errorf("a client sending its body byte by byte was not cut off: %.80q", answer)
	}
	// An upload sent as slowly is read whole (its deadline is Long), and
	// previewed.
	b := e.browser()
	b.login("officer")
	var mp strings.Builder
	mw := multipart.NewWriter(&mp)
	mw.WriteField("csrf", b.csrf("/import"))
	fw, _ := mw.CreateFormFile("file", "slow.csv")
	io.WriteString(fw, "ref,kind,party,date,amount,currency\nslow-1,pledge,NLD,2021,5,EUR\n")
	mw.Close()
	u, _ := url.Parse(e.srv.URL)
	var cookie []string
	for _, c := range b.c.Jar.Cookies(u) {
		cookie = append(cookie, c.Name+"="+c.Value)
	}
	head = "POST /import HTTP/1.1\r\nHost: x\r\nContent-Type: " + mw.FormDataContentType() + "\r\nCookie: " + strings.Join(cookie, "; ") +
		"\r\nContent-Length: " + strconv.Itoa(mp.Len()) + "\r\nConnection: close\r\n\r\n"
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, head)
	body := mp.String()
	for i := 0; i < len(body); i += 8 {
		if _, err := io.WriteString(c, body[i:min(i+8, len(body))]); err != nil {
			t.Fatalf("an upload sent slowly was cut off after %d bytes: %v", i, err)
		}
		if i < 400 {
			time.Sleep(20 * time.Millisecond) // 50 pauses: a second, past Read
		}
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("an upload sent slowly got no answer: %v", err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), "slow-1") {
		t.Errorf("an upload sent slowly: %d %.300s", resp.StatusCode, page)
	}
	// Headers larger than the limit.
	big, _ := http.NewRequest("GET", "http://"+addr+"/login", nil)
	big.Header.Set("X-Big", strings.Repeat("b", 200<<10))
	if resp, err := http.DefaultClient.Do(big); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("200 kB of headers: %d", resp.StatusCode)
		}
	}
}
