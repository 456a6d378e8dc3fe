//go:build unix

package web

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used so far, user and
// system: on a machine shared with other work, what a benchmark's wall
// clock cannot say.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
