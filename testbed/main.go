// Command testbed runs a real Kubernetes control plane for kubectl-grove's
// end-to-end tests: embedded etcd, kube-apiserver, kube-scheduler and
// kube-controller-manager (each the upstream code from the k8s.io modules),
// plus a kubelet simulation that makes bound pods Running/Ready and answers
// the API server's log and pod-proxy requests through an egress proxy.
//
//	testbed up --dir DIR [--port N] [--content URL]
//
// prints one JSON line {"ready":true,"kubeconfig":...} when the API server
// answers and the bootstrap objects exist, then runs until SIGINT/SIGTERM.
// The components run as child processes of the same binary
// (`testbed apiserver|scheduler|controller-manager ARGS`), so their global
// state (flags, metrics registries, signal handlers) never collides.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	cm "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: testbed up --dir DIR [--port N] [--content URL] | apiserver|scheduler|controller-manager ARGS")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "apiserver", "scheduler", "controller-manager":
		runComponent(os.Args[1], os.Args[2:])
	case "up":
		if err := up(os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "testbed:", err)
			os.Exit(1)
		}
	default:
		fmt.Fprintf(os.Stderr, "testbed: unknown command %q (want up, apiserver, scheduler or controller-manager)\n", os.Args[1])
		os.Exit(2)
	}
}

// runComponent runs one upstream component's cobra command in this process.
func runComponent(name string, args []string) {
	switch name {
	case "apiserver":
		cmd := apiserver.NewAPIServerCommand()
		cmd.SetArgs(args)
		if err := cmd.Execute(); err != nil {
			os.Exit(1)
		}
	case "scheduler":
		cmd := scheduler.NewSchedulerCommand()
		cmd.SetArgs(args)
		if err := cmd.Execute(); err != nil {
			os.Exit(1)
		}
	case "controller-manager":
		cmd := cm.NewControllerManagerCommand()
		cmd.SetArgs(args)
		if err := cmd.Execute(); err != nil {
			os.Exit(1)
		}
	}
	os.Exit(0)
}

// Users of the static token file. The tokens are fixed test values: the
// control plane listens on 127.0.0.1 only and lives as long as a test run.
var users = []struct{ token, name, groups string }{
	{"testbed-admin-token", "admin", "system:masters"},
	{"testbed-viewer-token", "viewer", ""},
	{"testbed-ns-token", "ns-user", ""},
	{"testbed-scheduler-token", "system:kube-scheduler", ""},
	{"testbed-cm-token", "system:kube-controller-manager", "system:masters"}, // its controllers act with its credentials (no per-controller service accounts)
	{"testbed-kubelet-token", "testbed-kubelet", "system:masters"},
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

type upOptions struct {
	dir, content, userNS, badImage, crds string
	port                                 int
	readyDelay                           time.Duration
	stdinLifeline                        bool
}

func up(args []string) error {
	fs := flag.NewFlagSet("up", flag.ContinueOnError)
	var o upOptions
	fs.StringVar(&o.dir, "dir", "", "state directory (certificates, etcd data, logs, kubeconfig); required")
	fs.IntVar(&o.port, "port", 0, "API server port on 127.0.0.1 (0: a free one)")
	fs.StringVar(&o.content, "content", "", "base URL of the pod content server (logs, pod HTTP); empty: built-in answers")
	fs.StringVar(&o.userNS, "user-namespace", "grove-team", "namespace the namespaced user may edit")
	fs.StringVar(&o.badImage, "bad-image", "", "regular expression: pods with a matching image stay in ImagePullBackOff")
	fs.BoolVar(&o.stdinLifeline, "stdin-lifeline", false, "stop when standard input reaches end of file (the parent process died)")
	fs.StringVar(&o.crds, "crds", "", "directory of CustomResourceDefinition YAML files to install before the controllers start")
	fs.DurationVar(&o.readyDelay, "ready-delay", 500*time.Millisecond, "time a bound pod takes to become Ready")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.dir == "" {
		return fmt.Errorf("--dir is required (the state directory, e.g. .tools/testbed/run)")
	}
	dir, err := filepath.Abs(o.dir)
	if err != nil {
		return err
	}
	// Every start is a fresh cluster: state from an earlier run is removed.
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	start := time.Now()
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()
	if o.stdinLifeline {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			cancel()
		}()
	}

	p, err := newPKI(filepath.Join(dir, "pki"))
	if err != nil {
		return fmt.Errorf("generating certificates: %w", err)
	}
	var tok strings.Builder
	for i, u := range users {
		fmt.Fprintf(&tok, "%s,%s,uid-%d", u.token, u.name, i)
		if u.groups != "" {
			fmt.Fprintf(&tok, ",\"%s\"", u.groups)
		}
		tok.WriteString("\n")
	}
	tokenFile := filepath.Join(dir, "tokens.csv")
	if err := os.WriteFile(tokenFile, []byte(tok.String()), 0o600); err != nil {
		return err
	}

	etcdURL, stopEtcd, err := startEtcd(filepath.Join(dir, "etcd"))
	if err != nil {
		return fmt.Errorf("starting etcd: %w", err)
	}
	defer stopEtcd()

	port := o.port
	if port == 0 {
		if port, err = freePort(); err != nil {
			return err
		}
	}
	server := fmt.Sprintf("https://127.0.0.1:%d", port)
	egressSock := filepath.Join(dir, "egress.sock")
	egressCfg := filepath.Join(dir, "egress.yaml")
	if err := os.WriteFile(egressCfg, []byte(fmt.Sprintf(`apiVersion: apiserver.k8s.io/v1beta1
kind: EgressSelectorConfiguration
egressSelections:
- name: cluster
  connection:
    proxyProtocol: HTTPConnect
    transport:
      uds:
        udsName: %s
`, egressSock)), 0o600); err != nil {
		return err
	}
	kubelet, err := newKubeletSim(o, p)
	if err != nil {
		return err
	}
	if err := kubelet.listenEgress(egressSock); err != nil {
		return fmt.Errorf("egress proxy: %w", err)
	}

	self, err := os.Executable()
	if err != nil {
		return err
	}
	type child struct {
		name string
		cmd  *exec.Cmd
		done chan struct{}
	}
	var children []*child
	died := make(chan string, 8)
	defer func() {
		for i := len(children) - 1; i >= 0; i-- {
			c := children[i]
			_ = c.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-c.done:
			case <-time.After(5 * time.Second):
				_ = c.cmd.Process.Kill()
				<-c.done
			}
		}
	}()
	spawn := func(name string, args ...string) error {
		logf, err := os.Create(filepath.Join(dir, name+".log"))
		if err != nil {
			return err
		}
		c := exec.Command(self, append([]string{name}, args...)...)
		c.Stdout, c.Stderr = logf, logf
		c.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := c.Start(); err != nil {
			return fmt.Errorf("starting %s: %w", name, err)
		}
		ch := &child{name: name, cmd: c, done: make(chan struct{})}
		children = append(children, ch)
		go func() {
			_ = c.Wait()
			close(ch.done)
			died <- name
		}()
		return nil
	}
	if err := spawn("apiserver",
		"--etcd-servers="+etcdURL,
		fmt.Sprintf("--secure-port=%d", port),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--endpoint-reconciler-type=none",
		"--tls-cert-file="+p.ServerCert,
		"--tls-private-key-file="+p.ServerKey,
		"--client-ca-file="+p.CAFile,
		"--token-auth-file="+tokenFile,
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file="+p.SAPub,
		"--service-account-signing-key-file="+p.SAKey,
		"--service-cluster-ip-range=198.19.0.0/16",
		"--egress-selector-config-file="+egressCfg,
		"--kubelet-preferred-address-types=InternalIP",
		"--allow-privileged=true",
		"--profiling=false",
		"--cert-dir="+filepath.Join(dir, "pki"),
		"--v=1",
	); err != nil {
		return err
	}
	admin := filepath.Join(dir, "admin.kubeconfig")
	if err := writeKubeconfig(admin, server, p.CAFile, []kcUser{{"admin", "testbed-admin-token", ""}}); err != nil {
		return err
	}
	for _, c := range []struct{ name, token string }{{"scheduler", "testbed-scheduler-token"}, {"controller-manager", "testbed-cm-token"}} {
		if err := writeKubeconfig(filepath.Join(dir, c.name+".kubeconfig"), server, p.CAFile, []kcUser{{"testbed", c.token, ""}}); err != nil {
			return err
		}
	}
	cs, err := clientFor(admin)
	if err != nil {
		return err
	}
	if err := waitReady(ctx, cs, 120*time.Second, filepath.Join(dir, "apiserver.log"), died); err != nil {
		return err
	}
	apiReady := time.Since(start)
	if err := bootstrap(ctx, cs, o.userNS); err != nil {
		return fmt.Errorf("bootstrap objects: %w", err)
	}
	crdCount := 0
	if o.crds != "" {
		if crdCount, err = installCRDs(ctx, admin, o.crds); err != nil {
			return fmt.Errorf("installing CRDs: %w", err)
		}
	}
	// Grove's pods name the KAI scheduler (schedulerName: kai-scheduler), which
	// the module proxy does not serve: kube-scheduler answers to that name too.
	schedCfg := filepath.Join(dir, "scheduler.yaml")
	if err := os.WriteFile(schedCfg, []byte(fmt.Sprintf(`apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection:
  kubeconfig: %s
leaderElection:
  leaderElect: false
profiles:
- schedulerName: default-scheduler
- schedulerName: kai-scheduler
`, filepath.Join(dir, "scheduler.kubeconfig"))), 0o600); err != nil {
		return err
	}
	if err := spawn("scheduler",
		"--config="+schedCfg,
		"--authentication-kubeconfig="+filepath.Join(dir, "scheduler.kubeconfig"),
		"--authorization-kubeconfig="+filepath.Join(dir, "scheduler.kubeconfig"),
		"--bind-address=127.0.0.1",
		"--secure-port=0",
		"--v=1",
	); err != nil {
		return err
	}
	if err := spawn("controller-manager",
		"--kubeconfig="+filepath.Join(dir, "controller-manager.kubeconfig"),
		"--authentication-kubeconfig="+filepath.Join(dir, "controller-manager.kubeconfig"),
		"--authorization-kubeconfig="+filepath.Join(dir, "controller-manager.kubeconfig"),
		"--leader-elect=false",
		"--bind-address=127.0.0.1",
		"--secure-port=0",
		"--controllers=*,-node-lifecycle-controller,-node-ipam-controller,-cloud-node-lifecycle-controller,-service-lb-controller,-node-route-controller,-persistentvolume-binder-controller,-persistentvolume-attach-detach-controller,-persistentvolume-expander-controller,-bootstrap-signer-controller,-token-cleaner-controller",
		"--service-account-private-key-file="+p.SAKey,
		"--root-ca-file="+p.CAFile,
		"--use-service-account-credentials=false",
		"--v=1",
	); err != nil {
		return err
	}
	go kubelet.run(ctx, cs)

	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := writeKubeconfig(kubeconfig, server, p.CAFile, []kcUser{
		{"admin", "testbed-admin-token", ""},
		{"viewer", "testbed-viewer-token", ""},
		{"ns-user", "testbed-ns-token", o.userNS},
	}); err != nil {
		return err
	}
	info, _ := json.Marshal(map[string]any{
		"ready":          true,
		"kubeconfig":     kubeconfig,
		"server":         server,
		"apiReadyMs":     apiReady.Milliseconds(),
		"startMs":        time.Since(start).Milliseconds(),
		"userNamespace":  o.userNS,
		"crds":           crdCount,
		"egressSocket":   egressSock,
		"controlPlaneV":  "v1.34.4",
		"componentsLogs": dir,
	})
	fmt.Println(string(info))

	// One child that dies ends the test bed.
	select {
	case <-ctx.Done():
		return nil
	case name := <-died:
		return fmt.Errorf("%s exited; see %s", name, filepath.Join(dir, name+".log"))
	}
}
