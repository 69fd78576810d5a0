// Command vcsim starts govmomi's vCenter simulator (Debian's golang-github-vmware-govmomi-dev ships the
// library, not this program) on 127.0.0.1 and prints its SDK URL on one line. It serves until stdin closes
// or it gets SIGTERM/SIGINT, so a test that started it stops it by closing the pipe or by its pid.
//
// Build offline in GOPATH mode (tests/importers/conftest.py does this):
//
//	GOPATH=<dir>:/usr/share/gocode GO111MODULE=off GOPROXY=off go build -o <dir>/vcsim ./tests/peers/vcsim
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/vmware/govmomi/simulator"
)

func main() {
	model := simulator.VPX() // 1 datacenter, a DRS cluster of 3 hosts + 1 standalone host, 4 VMs, 1 DVS
	flag.IntVar(&model.Datacenter, "dc", model.Datacenter, "datacenters")
	flag.IntVar(&model.Cluster, "cluster", model.Cluster, "clusters per datacenter")
	flag.IntVar(&model.ClusterHost, "host", model.ClusterHost, "hosts per cluster")
	flag.IntVar(&model.Host, "standalone-host", model.Host, "standalone hosts per datacenter")
	flag.IntVar(&model.Machine, "vm", model.Machine, "VMs per resource pool")
	flag.IntVar(&model.Portgroup, "pg", model.Portgroup, "DVS port groups per datacenter")
	plain := flag.Bool("http", false, "serve plain HTTP instead of HTTPS")
	flag.Parse()

	if err := model.Create(); err != nil {
		fmt.Fprintln(os.Stderr, "vcsim:", err)
		os.Exit(1)
	}
	defer model.Remove()
	if !*plain {
		model.Service.TLS = new(tls.Config) // a self-signed certificate, as a real vCenter often has
	}
	model.Service.Listen = &url.URL{Host: "127.0.0.1:0"} // loopback only, any free port
	server := model.Service.NewServer()
	defer server.Close()
	fmt.Println(server.URL.String())

	done := make(chan struct{}, 2)
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin) // the parent closed our stdin (or exited)
		done <- struct{}{}
	}()
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-signals
		done <- struct{}{}
	}()
	<-done
}
