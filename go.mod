module github.com/sigillo/sigillo

go 1.26.0

require (
	github.com/beevik/etree v1.8.1 // indirect
	github.com/emersion/go-message v0.18.2 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	go.mozilla.org/pkcs7 v0.10.0 // indirect
	golang.org/x/text v0.43.0 // indirect
)
