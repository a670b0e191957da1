module github.com/sigillo/sigillo

go 1.26.0

require (
	github.com/emersion/go-imap/v2 v2.0.0-beta.8
	github.com/emersion/go-message v0.18.2
	github.com/stretchr/testify v1.12.1
	go.mozilla.org/pkcs7 v0.10.0
	golang.org/x/text v0.43.0
)

require (
	github.com/emersion/go-sasl v0.0.0-20241020182733-b788ff22d5a6 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)
