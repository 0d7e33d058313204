package main

import (
	"net"
	"os"
	"strings"

	"github.com/rmadesk/rmadesk/internal/web"
)

// deskSettings are what the desk runs with, as the admin's settings page
// shows them (issue 15): never a password or a key.
func deskSettings(sf storeFlags) web.Settings {
	s := web.Settings{Database: "SQLite", Version: version}
	if strings.HasPrefix(sf.db, "postgres:") || strings.HasPrefix(sf.db, "postgresql:") {
		s.Database = "PostgreSQL"
	}
	if host := os.Getenv("RMADESK_SMTP_HOST"); host != "" {
		port := os.Getenv("RMADESK_SMTP_PORT")
		if port == "" {
			// notify.SMTPConfig's defaults by TLS mode.
			switch os.Getenv("RMADESK_SMTP_TLS") {
			case "tls":
				port = "465"
			case "none":
				port = "25"
			default:
				port = "587"
			}
		}
		s.MailRelay = net.JoinHostPort(host, port)
	}
	return s
}
