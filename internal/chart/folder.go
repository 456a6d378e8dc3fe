package chart

import (
	"embed"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/coalition/pledger/internal/model"
)

// LibraryFile is the name of the one copy of ECharts in a dashboard
// folder, beside its pages.
const LibraryFile = "echarts.min.js"

// licences are ECharts' licence files, which travel with every copy of it.
//
//go:embed assets/LICENSE assets/NOTICE assets/LICENSE-d3
var licences embed.FS

// libraryFiles are the files WriteFolder writes besides the pages: ECharts
// and its licence files, by name in the folder.
func libraryFiles() (map[string][]byte, error) {
	out := map[string][]byte{LibraryFile: []byte(echartsJS)}
	for name, src := range map[string]string{
		"echarts-LICENSE.txt": "assets/LICENSE", "echarts-NOTICE.txt": "assets/NOTICE", "echarts-LICENSE-d3.txt": "assets/LICENSE-d3",
	} {
		b, err := licences.ReadFile(src)
		if err != nil {
			return nil, err
		}
		out[name] = b
	}
	return out, nil
}

// WriteFolder writes a dashboard folder: dir/index.html with every item's
// chart (as WriteDashboard, under title), each chart as its own page
// (dir/NAME.html), and one copy of ECharts (dir/echarts.min.js, with its
// licence files) that every page loads from beside it, so the folder
// weighs one library, not one per page, and still opens offline. It
// returns the index's path. Every page is made before any file is written.
func WriteFolder(dir, title string, items []Item, l *model.Lang, opt Options) (index string, err error) {
	defer wrap(&err, "chart dashboard")
	l, cs, err := drawAll(items, l, opt)
	if err != nil {
		return "", err
	}
	files, err := libraryFiles()
	if err != nil {
		return "", err
	}
	var names []string
	for _, c := range cs {
		p := newPage(l, []*canvas{c}, "")
		p.LibSrc = LibraryFile
		b, err := render(p)
		if err != nil {
			return "", fmt.Errorf("chart %s: %w", c.name, err)
		}
		files[c.name+".html"] = b
		names = append(names, c.name+".html")
	}
	p := newPage(l, cs, dashboardTitle(l, title))
	p.LibSrc = LibraryFile
	b, err := render(p)
	if err != nil {
		return "", err
	}
	files["index.html"] = b
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	// The library first, the index last: a page is never there before
	// what it loads.
	order := append([]string{LibraryFile, "echarts-LICENSE.txt", "echarts-NOTICE.txt", "echarts-LICENSE-d3.txt"}, names...)
	order = append(order, "index.html")
	for _, name := range order {
		if err := writeFileAtomic(filepath.Join(dir, name), files[name]); err != nil {
			return "", err
		}
	}
	return filepath.Join(dir, "index.html"), nil
}

// writeHook wraps the writer of every file WriteFolder writes (tests:
// a disk that fills up); nil in pledger.
var writeHook func(io.Writer) io.Writer

// writeFileAtomic writes data to path through a temporary file in the same
// folder, renamed over path once it is whole: on a full disk the old file
// (or none) stays, never a cut-off or empty one, and no temporary file is
// left behind.
func writeFileAtomic(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pledger-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	var w io.Writer = tmp
	if writeHook != nil {
		w = writeHook(tmp)
	}
	if _, err = w.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
