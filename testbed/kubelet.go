package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
)

// The kubelet simulation. Nodes are API objects only; every node's
// "kubelet" is this process. Node and pod IPs come from 198.18.0.0/15 (the
// benchmarking range): the API server never dials them, because its
// "cluster" egress goes through an HTTP CONNECT proxy on a unix socket that
// this process serves. A CONNECT to <node IP>:10250 is answered by the
// kubelet API (TLS, container logs); a CONNECT to <pod IP>:<port> by the pod's
// HTTP server (its /metrics), so `kubectl logs` and the pod proxy work
// without any network traffic.
const kubeletPort = 10250

type kubeletSim struct {
	o       upOptions
	tlsCfg  *tls.Config
	bad     *regexp.Regexp
	content *url.URL
	cs      *kubernetes.Clientset
	pods    corelisters.PodLister
	nodes   corelisters.NodeLister

	mu      sync.Mutex
	podByIP map[string]string // ip -> namespace/name
	ipOfPod map[string]string // namespace/name/uid -> ip
	nodeIP  map[string]string // node -> ip
	nodeOf  map[string]string // ip -> node
	nextPod uint32
	pending map[string]bool

	podLn, kubeletLn *chanListener
}

func newKubeletSim(o upOptions, p *pki) (*kubeletSim, error) {
	k := &kubeletSim{
		o:         o,
		tlsCfg:    &tls.Config{Certificates: []tls.Certificate{p.Kubelet}, MinVersion: tls.VersionTLS12},
		podByIP:   map[string]string{},
		ipOfPod:   map[string]string{},
		nodeIP:    map[string]string{},
		nodeOf:    map[string]string{},
		pending:   map[string]bool{},
		podLn:     newChanListener(),
		kubeletLn: newChanListener(),
	}
	if o.badImage != "" {
		re, err := regexp.Compile(o.badImage)
		if err != nil {
			return nil, fmt.Errorf("--bad-image %q is not a regular expression: %w", o.badImage, err)
		}
		k.bad = re
	}
	if o.content != "" {
		u, err := url.Parse(o.content)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("--content %q is not a URL (want e.g. http://127.0.0.1:8090)", o.content)
		}
		k.content = u
	}
	go func() {
		_ = (&http.Server{Handler: http.HandlerFunc(k.servePod), ConnContext: targetContext}).Serve(k.podLn)
	}()
	go func() { _ = (&http.Server{Handler: http.HandlerFunc(k.serveKubelet)}).Serve(k.kubeletLn) }()
	return k, nil
}

// ---- egress proxy ----------------------------------------------------------

type ctxKey struct{}

// targetConn remembers the host:port a tunnelled connection was opened for.
type targetConn struct {
	net.Conn
	r      *bufio.Reader
	target string
}

func (c *targetConn) Read(b []byte) (int, error) { return c.r.Read(b) }

func targetContext(ctx context.Context, c net.Conn) context.Context {
	if tc, ok := c.(*targetConn); ok {
		return context.WithValue(ctx, ctxKey{}, tc.target)
	}
	return ctx
}

// chanListener is a net.Listener fed with connections by the egress proxy.
type chanListener struct {
	ch   chan net.Conn
	once sync.Once
	done chan struct{}
}

func newChanListener() *chanListener {
	return &chanListener{ch: make(chan net.Conn, 64), done: make(chan struct{})}
}

func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.ch:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}
func (l *chanListener) Close() error   { l.once.Do(func() { close(l.done) }); return nil }
func (l *chanListener) Addr() net.Addr { return &net.UnixAddr{Name: "egress", Net: "unix"} }

func (k *kubeletSim) listenEgress(sock string) error {
	_ = os.Remove(sock)
	ln, err := net.Listen("unix", sock)
	if err != nil {
		return err
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go k.tunnel(c)
		}
	}()
	return nil
}

func (k *kubeletSim) tunnel(c net.Conn) {
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil {
		c.Close()
		return
	}
	if req.Method != http.MethodConnect {
		fmt.Fprintf(c, "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
		c.Close()
		return
	}
	target := req.RequestURI
	host, port, err := net.SplitHostPort(target)
	if err != nil {
		fmt.Fprintf(c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
		c.Close()
		return
	}
	k.mu.Lock()
	_, isNode := k.nodeOf[host]
	_, isPod := k.podByIP[host]
	k.mu.Unlock()
	if !(isNode && port == fmt.Sprint(kubeletPort)) && !isPod {
		fmt.Fprintf(c, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
		c.Close()
		return
	}
	if _, err := io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		c.Close()
		return
	}
	tc := &targetConn{Conn: c, r: br, target: target}
	if isNode && port == fmt.Sprint(kubeletPort) {
		k.kubeletLn.ch <- tls.Server(tc, k.tlsCfg)
		return
	}
	k.podLn.ch <- tc
}

// ---- pod HTTP and kubelet API ---------------------------------------------

func (k *kubeletSim) proxyContent(w http.ResponseWriter, r *http.Request, path string) {
	u := *k.content
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Scheme = u.Scheme
			pr.Out.URL.Host = u.Host
			pr.Out.URL.Path = strings.TrimRight(u.Path, "/") + path
			pr.Out.URL.RawQuery = r.URL.RawQuery
			pr.Out.Host = u.Host
		},
		FlushInterval: -1,
	}
	rp.ServeHTTP(w, r)
}

func (k *kubeletSim) servePod(w http.ResponseWriter, r *http.Request) {
	target, _ := r.Context().Value(ctxKey{}).(string)
	host, port, _ := net.SplitHostPort(target)
	k.mu.Lock()
	ref := k.podByIP[host]
	k.mu.Unlock()
	if ref == "" {
		http.Error(w, "no pod has IP "+host, http.StatusBadGateway)
		return
	}
	if k.content != nil {
		k.proxyContent(w, r, "/pod/"+ref+"/"+port+r.URL.Path)
		return
	}
	if r.URL.Path == "/metrics" {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		fmt.Fprintf(w, "# HELP testbed_up The test bed's pod answers.\n# TYPE testbed_up gauge\ntestbed_up{pod=%q} 1\n", ref)
		return
	}
	http.NotFound(w, r)
}

var logPath = regexp.MustCompile(`^/containerLogs/([^/]+)/([^/]+)/([^/]+)$`)

func (k *kubeletSim) serveKubelet(w http.ResponseWriter, r *http.Request) {
	m := logPath.FindStringSubmatch(r.URL.Path)
	if m == nil {
		if r.URL.Path == "/healthz" {
			io.WriteString(w, "ok")
			return
		}
		http.Error(w, "the test bed's kubelet serves /containerLogs only", http.StatusNotFound)
		return
	}
	if k.content != nil {
		k.proxyContent(w, r, "/logs/"+m[1]+"/"+m[2]+"/"+m[3])
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprintf(w, "%s testbed: container %s of pod %s/%s started\n", time.Now().UTC().Format(time.RFC3339Nano), m[3], m[1], m[2])
}

// ---- lifecycle --------------------------------------------------------------

func (k *kubeletSim) run(ctx context.Context, cs *kubernetes.Clientset) {
	k.cs = cs
	f := informers.NewSharedInformerFactory(cs, 0)
	pi := f.Core().V1().Pods()
	ni := f.Core().V1().Nodes()
	k.pods, k.nodes = pi.Lister(), ni.Lister()
	_, _ = pi.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { k.podChanged(ctx, o) },
		UpdateFunc: func(_, o any) { k.podChanged(ctx, o) },
		DeleteFunc: func(o any) { k.podDeleted(o) },
	})
	_, _ = ni.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { k.nodeChanged(ctx, o) },
		UpdateFunc: func(_, o any) { k.nodeChanged(ctx, o) },
	})
	f.Start(ctx.Done())
	<-ctx.Done()
}

func (k *kubeletSim) nodeAddress(name string) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	if ip, ok := k.nodeIP[name]; ok {
		return ip
	}
	n := len(k.nodeIP) + 1
	ip := fmt.Sprintf("198.18.%d.%d", n/250, n%250+1)
	k.nodeIP[name] = ip
	k.nodeOf[ip] = name
	return ip
}

func hasCondition(cs []corev1.NodeCondition, t corev1.NodeConditionType) bool {
	for _, c := range cs {
		if c.Type == t {
			return true
		}
	}
	return false
}

func (k *kubeletSim) nodeChanged(ctx context.Context, o any) {
	n, ok := o.(*corev1.Node)
	if !ok {
		return
	}
	ip := k.nodeAddress(n.Name)
	k.untaint(ctx, n)
	hasIP := false
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP && a.Address == ip {
			hasIP = true
		}
	}
	if hasIP && n.Status.DaemonEndpoints.KubeletEndpoint.Port == kubeletPort &&
		hasCondition(n.Status.Conditions, corev1.NodeReady) && n.Status.Allocatable.Pods().Value() > 0 {
		return
	}
	nn := n.DeepCopy()
	nn.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: ip}, {Type: corev1.NodeHostName, Address: n.Name}}
	nn.Status.DaemonEndpoints.KubeletEndpoint.Port = kubeletPort
	now := metav1.Now()
	if !hasCondition(nn.Status.Conditions, corev1.NodeReady) {
		nn.Status.Conditions = append(nn.Status.Conditions, corev1.NodeCondition{
			Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady",
			Message: "kubelet is posting ready status", LastHeartbeatTime: now, LastTransitionTime: now,
		})
	}
	for _, c := range []struct {
		t      corev1.NodeConditionType
		reason string
	}{{corev1.NodeMemoryPressure, "KubeletHasSufficientMemory"}, {corev1.NodeDiskPressure, "KubeletHasNoDiskPressure"}, {corev1.NodePIDPressure, "KubeletHasSufficientPID"}} {
		if !hasCondition(nn.Status.Conditions, c.t) {
			nn.Status.Conditions = append(nn.Status.Conditions, corev1.NodeCondition{
				Type: c.t, Status: corev1.ConditionFalse, Reason: c.reason, LastHeartbeatTime: now, LastTransitionTime: now,
			})
		}
	}
	if nn.Status.Capacity == nil {
		nn.Status.Capacity = corev1.ResourceList{}
	}
	for name, q := range map[corev1.ResourceName]string{corev1.ResourceCPU: "64", corev1.ResourceMemory: "512Gi", corev1.ResourcePods: "110"} {
		if _, ok := nn.Status.Capacity[name]; !ok {
			nn.Status.Capacity[name] = resource.MustParse(q)
		}
	}
	if nn.Status.Allocatable == nil {
		nn.Status.Allocatable = corev1.ResourceList{}
	}
	for name, q := range nn.Status.Capacity {
		if _, ok := nn.Status.Allocatable[name]; !ok {
			nn.Status.Allocatable[name] = q
		}
	}
	ni := &nn.Status.NodeInfo
	if ni.KubeletVersion == "" {
		ni.KubeletVersion = "v1.34.4"
		ni.ContainerRuntimeVersion = "containerd://testbed"
		ni.OperatingSystem = "linux"
		ni.Architecture = "amd64"
		ni.OSImage = "kubectl-grove test bed"
	}
	if _, err := k.cs.CoreV1().Nodes().UpdateStatus(ctx, nn, metav1.UpdateOptions{FieldManager: "testbed-kubelet"}); err != nil && !apierrors.IsConflict(err) && !apierrors.IsNotFound(err) {
		fmt.Fprintf(os.Stderr, "testbed kubelet: node %s status: %v\n", n.Name, err)
	}
}

// untaint removes the not-ready taint that admission (TaintNodesByCondition)
// puts on every new node, once the node reports Ready=True: the node
// lifecycle controller does that in a cluster, and it is not run here (it
// would want kubelet heartbeats).
func (k *kubeletSim) untaint(ctx context.Context, n *corev1.Node) {
	ready := false
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady && c.Status == corev1.ConditionTrue {
			ready = true
		}
	}
	if !ready {
		return
	}
	var keep []corev1.Taint
	for _, t := range n.Spec.Taints {
		if t.Key != corev1.TaintNodeNotReady {
			keep = append(keep, t)
		}
	}
	if len(keep) == len(n.Spec.Taints) {
		return
	}
	nn := n.DeepCopy()
	nn.Spec.Taints = keep
	if _, err := k.cs.CoreV1().Nodes().Update(ctx, nn, metav1.UpdateOptions{FieldManager: "testbed-kubelet"}); err != nil && !apierrors.IsConflict(err) && !apierrors.IsNotFound(err) {
		fmt.Fprintf(os.Stderr, "testbed kubelet: node %s taints: %v\n", n.Name, err)
	}
}

func podKey(p *corev1.Pod) string { return p.Namespace + "/" + p.Name }

func (k *kubeletSim) podIP(p *corev1.Pod) string {
	k.mu.Lock()
	defer k.mu.Unlock()
	key := podKey(p) + "/" + string(p.UID)
	if ip, ok := k.ipOfPod[key]; ok {
		return ip
	}
	k.nextPod++
	n := k.nextPod
	ip := fmt.Sprintf("198.%d.%d.%d", 18+n/62500, (n/250)%250+1, n%250+1)
	k.ipOfPod[key] = ip
	k.podByIP[ip] = podKey(p)
	return ip
}

func (k *kubeletSim) podDeleted(o any) {
	if t, ok := o.(cache.DeletedFinalStateUnknown); ok {
		o = t.Obj
	}
	p, ok := o.(*corev1.Pod)
	if !ok {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	key := podKey(p) + "/" + string(p.UID)
	if ip, ok := k.ipOfPod[key]; ok {
		delete(k.ipOfPod, key)
		if k.podByIP[ip] == podKey(p) {
			delete(k.podByIP, ip)
		}
	}
}

func podDone(p *corev1.Pod, bad bool) bool {
	if p.Status.PodIP == "" || len(p.Status.ContainerStatuses) != len(p.Spec.Containers) {
		return false
	}
	if bad {
		return p.Status.Phase == corev1.PodPending
	}
	return p.Status.Phase == corev1.PodRunning || p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed
}

func (k *kubeletSim) badPod(p *corev1.Pod) bool {
	if k.bad == nil {
		return false
	}
	for _, c := range p.Spec.Containers {
		if k.bad.MatchString(c.Image) {
			return true
		}
	}
	return false
}

func (k *kubeletSim) podChanged(ctx context.Context, o any) {
	p, ok := o.(*corev1.Pod)
	if !ok || p.Spec.NodeName == "" {
		return
	}
	if p.DeletionTimestamp != nil {
		// No containers to stop: finish the graceful deletion as a kubelet would.
		grace := int64(0)
		uid := p.UID
		err := k.cs.CoreV1().Pods(p.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{
			GracePeriodSeconds: &grace, Preconditions: &metav1.Preconditions{UID: &uid},
		})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			fmt.Fprintf(os.Stderr, "testbed kubelet: deleting pod %s: %v\n", podKey(p), err)
		}
		return
	}
	if ip := p.Status.PodIP; ip != "" {
		k.mu.Lock()
		k.podByIP[ip] = podKey(p)
		k.ipOfPod[podKey(p)+"/"+string(p.UID)] = ip
		k.mu.Unlock()
	}
	if podDone(p, k.badPod(p)) {
		return
	}
	key := podKey(p) + "/" + string(p.UID)
	k.mu.Lock()
	if k.pending[key] {
		k.mu.Unlock()
		return
	}
	k.pending[key] = true
	k.mu.Unlock()
	time.AfterFunc(k.o.readyDelay, func() { k.startPod(ctx, p.Namespace, p.Name, key, 0) })
}

func containerID(key, name string) string {
	s := sha256.Sum256([]byte(key + "/" + name))
	return "containerd://" + hex.EncodeToString(s[:])
}

func (k *kubeletSim) startPod(ctx context.Context, ns, name, key string, attempt int) {
	done := func() {
		k.mu.Lock()
		delete(k.pending, key)
		k.mu.Unlock()
	}
	p, err := k.pods.Pods(ns).Get(name)
	if err != nil || p.DeletionTimestamp != nil || podKey(p)+"/"+string(p.UID) != key {
		done()
		return
	}
	bad := k.badPod(p)
	if podDone(p, bad) {
		done()
		return
	}
	pp := p.DeepCopy()
	now := metav1.Now()
	ip := k.podIP(p)
	var hostIP string
	if n, err := k.nodes.Get(p.Spec.NodeName); err == nil {
		hostIP = k.nodeAddress(n.Name)
	}
	st := &pp.Status
	st.PodIP, st.PodIPs = ip, []corev1.PodIP{{IP: ip}}
	if hostIP != "" {
		st.HostIP, st.HostIPs = hostIP, []corev1.HostIP{{IP: hostIP}}
	}
	if st.StartTime == nil {
		st.StartTime = &now
	}
	ready := corev1.ConditionTrue
	if bad {
		ready = corev1.ConditionFalse
		st.Phase = corev1.PodPending
	} else {
		st.Phase = corev1.PodRunning
	}
	cond := func(t corev1.PodConditionType, s corev1.ConditionStatus, reason string) {
		for i := range st.Conditions {
			if st.Conditions[i].Type == t {
				if st.Conditions[i].Status != s {
					st.Conditions[i].Status, st.Conditions[i].LastTransitionTime, st.Conditions[i].Reason = s, now, reason
				}
				return
			}
		}
		st.Conditions = append(st.Conditions, corev1.PodCondition{Type: t, Status: s, LastTransitionTime: now, Reason: reason})
	}
	notReadyReason := ""
	if bad {
		notReadyReason = "ContainersNotReady"
	}
	cond(corev1.PodReadyToStartContainers, corev1.ConditionTrue, "")
	cond(corev1.PodInitialized, corev1.ConditionTrue, "")
	cond(corev1.ContainersReady, ready, notReadyReason)
	cond(corev1.PodReady, ready, notReadyReason)
	st.ContainerStatuses = nil
	for _, c := range pp.Spec.Containers {
		cs := corev1.ContainerStatus{Name: c.Name, Image: c.Image, ImageID: "sha256:" + containerID(c.Image, "")[13:], RestartCount: 0}
		if bad {
			cs.State.Waiting = &corev1.ContainerStateWaiting{Reason: "ImagePullBackOff", Message: fmt.Sprintf("Back-off pulling image %q", c.Image)}
			cs.ImageID = ""
		} else {
			started := true
			cs.Ready, cs.Started, cs.ContainerID = true, &started, containerID(key, c.Name)
			cs.State.Running = &corev1.ContainerStateRunning{StartedAt: now}
		}
		st.ContainerStatuses = append(st.ContainerStatuses, cs)
	}
	_, err = k.cs.CoreV1().Pods(ns).UpdateStatus(ctx, pp, metav1.UpdateOptions{FieldManager: "testbed-kubelet"})
	if err != nil && apierrors.IsConflict(err) && attempt < 20 {
		time.AfterFunc(50*time.Millisecond, func() { k.startPod(ctx, ns, name, key, attempt+1) })
		return
	}
	if err != nil && !apierrors.IsNotFound(err) && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(os.Stderr, "testbed kubelet: pod %s status: %v\n", podKey(p), err)
	}
	done()
}
