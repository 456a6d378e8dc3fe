package web

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Import previews wait for their commit as files in the server's upload
// directory (never in memory: an upload may be as large as MaxUpload). A
// preview waits previewTTL at most. The directory is the server's own,
// made in the system's temp directory at start and removed by Close,
// unless Config.UploadDir names one; either way, previews left behind by a
// server that stopped without Close (a crash, a kill) are removed at the
// next start.

const (
	uploadDirPrefix = "pledger-uploads-"
	uploadExt       = ".upload"
	previewTTL      = time.Hour
)

// openUploads removes stale previews and makes the upload directory.
func (s *Server) openUploads() error {
	now := time.Now()
	if s.cfg.UploadDir != "" {
		removeStale(s.cfg.UploadDir, now, false)
		return os.MkdirAll(s.cfg.UploadDir, 0o700)
	}
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), uploadDirPrefix+"*"))
	for _, d := range dirs {
		removeStale(d, now, true)
	}
	dir, err := os.MkdirTemp("", uploadDirPrefix+"*")
	if err != nil {
		return err
	}
	s.cfg.UploadDir, s.ownUploadDir = dir, true
	return nil
}

// removeStale removes the previews in dir older than previewTTL (their
// commit can no longer come) and, if empty, the directory too when it is
// another server's that is as old (a running server makes it again when it
// needs it).
func removeStale(dir string, now time.Time, andDir bool) {
	dirInfo, err := os.Stat(dir) // before removing files changes its time
	if err != nil {
		return
	}
	es, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	left := 0
	for _, e := range es {
		info, err := e.Info()
		if err == nil && e.Type().IsRegular() && strings.HasSuffix(e.Name(), uploadExt) && now.Sub(info.ModTime()) > previewTTL {
			os.Remove(filepath.Join(dir, e.Name()))
			continue
		}
		left++
	}
	if andDir && left == 0 && now.Sub(dirInfo.ModTime()) > previewTTL {
		os.Remove(dir)
	}
}

// uploadPath is where the upload id waits, in a directory that exists.
func (s *Server) uploadPath(id string) (string, error) {
	if err := os.MkdirAll(s.cfg.UploadDir, 0o700); err != nil {
		return "", err
	}
	return filepath.Join(s.cfg.UploadDir, id+uploadExt), nil
}

// expireUploads drops the previews older than previewTTL. The caller
// holds s.mu.
func (s *Server) expireUploads(now time.Time) {
	for k, old := range s.uploads {
		if now.Sub(old.at) > previewTTL {
			os.Remove(old.path)
			delete(s.uploads, k)
		}
	}
}

// Close removes the previews waiting for their commit, and the upload
// directory when it is the server's own. ListenAndServe closes the server
// when it stops; a program that serves Handler itself calls Close.
func (s *Server) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, u := range s.uploads {
		os.Remove(u.path)
		delete(s.uploads, k)
	}
	if s.ownUploadDir {
		return os.RemoveAll(s.cfg.UploadDir)
	}
	return nil
}
