// Command vcsim serves govmomi's vCenter simulator (Debian golang-github-vmware-govmomi-dev) with an
// inventory sized by flags. vcc's e2e tests use it as the independent reference vCenter.
// It prints one JSON line with the SDK URL once it is listening, then serves until SIGINT/SIGTERM.
package main

import (
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/vmware/govmomi/simulator"
)

func main() {
	datacenters := flag.Int("dc", 1, "datacenters")
	clusters := flag.Int("cluster", 1, "clusters per datacenter")
	hosts := flag.Int("host", 2, "hosts per cluster")
	vmsPerHost := flag.Int("vm", 2, "VMs per host (vcsim places them in the cluster's root resource pool)")
	datastores := flag.Int("ds", 1, "datastores per datacenter")
	listen := flag.String("l", "127.0.0.1:0", "listen address (port 0 picks a free port)")
	useTLS := flag.Bool("tls", true, "serve HTTPS with a self-signed certificate")
	cert := flag.String("tlscert", "", "PEM certificate (with -tlskey; default: govmomi's built-in localhost certificate)")
	key := flag.String("tlskey", "", "PEM private key")
	user := flag.String("username", "user", "login user name")
	password := flag.String("password", "pass", "login password")
	flag.Parse()

	model := simulator.VPX()
	model.Datacenter = *datacenters
	model.Cluster = *clusters
	model.ClusterHost = *hosts
	model.Host = 0
	model.Machine = *vmsPerHost * *hosts
	model.Datastore = *datastores
	if err := model.Create(); err != nil {
		fail("create model: %v", err)
	}
	defer model.Remove()

	model.Service.Listen = &url.URL{Host: *listen, User: url.UserPassword(*user, *password)}
	if *useTLS {
		config := &tls.Config{}
		if *cert != "" {
			pair, err := tls.LoadX509KeyPair(*cert, *key)
			if err != nil {
				fail("load TLS key pair: %v", err)
			}
			config.Certificates = []tls.Certificate{pair}
		}
		model.Service.TLS = config
	}
	server := model.Service.NewServer()
	defer server.Close()

	sdk := *server.URL
	sdk.User = nil
	counts := model.Count()
	line, _ := json.Marshal(map[string]interface{}{
		"url": sdk.String(), "username": *user, "vms": counts.Machine, "hosts": counts.Host,
		"clusters": counts.Cluster, "datacenters": counts.Datacenter, "pid": os.Getpid(),
	})
	fmt.Println(string(line))

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "vcsim: "+format+"\n", args...)
	os.Exit(1)
}
