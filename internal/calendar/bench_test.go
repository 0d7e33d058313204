package calendar

import "testing"

var (
	sinkDate Date
	sinkBool bool
)

func BenchmarkParseDate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		d, err := ParseDate("2025-10-01")
		if err != nil {
			b.Fatal(err)
		}
		sinkDate = d
	}
}

// The CN benchmarks walk every day of the covered range so that the branch
// predictor and the cache see realistic, varying inputs.

func BenchmarkIsWorkingDayCN(b *testing.B) {
	c := mustLookup(b, "CN")
	span := int(c.last - c.first + 1)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sinkBool = c.IsWorkingDay(c.first + Date(i%span))
		i++
	}
}

func BenchmarkRollForwardCN(b *testing.B) {
	c := mustLookup(b, "CN")
	span := int(c.last - c.first + 1)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sinkDate = c.RollForward(c.first + Date(i%span))
		i++
	}
}

func BenchmarkAddWorkingDaysCN(b *testing.B) {
	c := mustLookup(b, "CN")
	span := int(c.last - c.first + 1)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sinkDate = c.AddWorkingDays(c.first+Date(i%span), 15)
		i++
	}
}

func BenchmarkLastDayOfTerm(b *testing.B) {
	start := MustParseDate("2024-01-31")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sinkDate = LastDayOfTerm(start+Date(i%1000), 2, i%12)
		i++
	}
}
