// Package csviofuzz holds the fuzz targets of package csvio. They live
// apart because csvio's own tests import the store, and a fuzz build
// instruments every package its test binary links: SQLite's transpiled C
// would cost minutes to build and only blur the coverage that guides the
// fuzzer. Nothing imports this package.
package csviofuzz
