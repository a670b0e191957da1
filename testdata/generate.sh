#!/bin/sh
# Regenerates the bundled messages with examples/simulate (see README.md here).
# Run from the repository root: sh testdata/generate.sh
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go run ./examples/simulate -out "$tmp/exchange" \
	-to bob@pec.example.org,dave@pec.example.org,erin@pec.example.org,frank@pec.example.org,grace@pec.example.org \
	-cc carol@pec.example.org,heidi@mail.example.com \
	-outcome dave@pec.example.org=no-such-mailbox,erin@pec.example.org=virus,frank@pec.example.org=timeout,grace@pec.example.org=timeout-after-presa-in-carico \
	-anomaly
go run ./examples/simulate -out "$tmp/breve" -receipt breve -attach-size 2048 \
	-subject "Fattura marzo" -time 2025-03-17T09:30:00Z
go run ./examples/simulate -out "$tmp/rejected" -to "" -cc bob@pec.example.org \
	-subject "Richiesta documenti" -time 2025-03-18T15:00:00Z

rm -rf testdata/messages testdata/originals
mkdir -p testdata/messages testdata/originals
for x in exchange breve rejected; do
	mkdir -p "testdata/messages/$x"
	cp "$tmp/$x"/[0-9]*.eml "testdata/messages/$x/"
	cp "$tmp/$x/original.eml" "testdata/originals/$x.eml"
done
cp "$tmp/exchange/trust.pem" testdata/trust.pem
