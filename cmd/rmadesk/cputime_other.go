//go:build !unix

package main

import "time"

// cpuTime is not measured where the system has no getrusage.
func cpuTime() time.Duration { return 0 }
