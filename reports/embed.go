// Package reports is reserved for the built-in report catalog (report
// definitions as data, embedded into the binary). The catalog is not
// written yet: see the reports issue.
package reports
