package receipt_test

import (
	"bufio"
	"strings"
)

func clsReader(s string) *bufio.Reader { return bufio.NewReader(strings.NewReader(s)) }
