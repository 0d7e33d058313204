package main

// The desk's working hours name IANA zones (calendar.ParseHours); the
// binary carries the zone database (about 450 kB) so that a zone means the
// same on every host, a distroless or scratch image with no
// /usr/share/zoneinfo included.
import _ "time/tzdata"
