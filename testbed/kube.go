package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// startEtcd runs an embedded single-member etcd on free loopback ports.
func startEtcd(dir string) (string, func(), error) {
	cp, err := freePort()
	if err != nil {
		return "", nil, err
	}
	pp, err := freePort()
	if err != nil {
		return "", nil, err
	}
	cfg := embed.NewConfig()
	cfg.Name = "testbed"
	cfg.Dir = dir
	cu, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", cp))
	pu, _ := url.Parse(fmt.Sprintf("http://127.0.0.1:%d", pp))
	cfg.ListenClientUrls = []url.URL{*cu}
	cfg.AdvertiseClientUrls = []url.URL{*cu}
	cfg.ListenPeerUrls = []url.URL{*pu}
	cfg.AdvertisePeerUrls = []url.URL{*pu}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.LogLevel = "error"
	cfg.LogOutputs = []string{dir + ".log"}
	cfg.UnsafeNoFsync = true
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return "", nil, err
	}
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(60 * time.Second):
		e.Close()
		return "", nil, fmt.Errorf("etcd did not become ready within 60s (see %s.log)", dir)
	}
	return cu.String(), e.Close, nil
}

type kcUser struct{ name, token, namespace string }

// writeKubeconfig writes a kubeconfig with one context per user; the first is current.
func writeKubeconfig(path, server, caFile string, us []kcUser) error {
	ca, err := os.ReadFile(caFile)
	if err != nil {
		return err
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["testbed"] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
	for i, u := range us {
		ctx := "testbed"
		if i > 0 {
			ctx = "testbed-" + u.name
		}
		cfg.AuthInfos[u.name] = &clientcmdapi.AuthInfo{Token: u.token}
		cfg.Contexts[ctx] = &clientcmdapi.Context{Cluster: "testbed", AuthInfo: u.name, Namespace: u.namespace}
		if i == 0 {
			cfg.CurrentContext = ctx
		}
	}
	return clientcmd.WriteToFile(*cfg, path)
}

func clientFor(kubeconfig string) (*kubernetes.Clientset, error) {
	rc, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, err
	}
	rc.QPS, rc.Burst = 200, 400
	return kubernetes.NewForConfig(rc)
}

func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// waitReady polls /readyz until the API server answers ok.
func waitReady(ctx context.Context, cs *kubernetes.Clientset, limit time.Duration, log string, died <-chan string) error {
	deadline := time.Now().Add(limit)
	for {
		body, err := cs.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		if err == nil && strings.TrimSpace(string(body)) == "ok" {
			return nil
		}
		select {
		case name := <-died:
			return fmt.Errorf("%s exited before the API server was ready; last lines of %s:\n%s", name, log, tail(log, 15))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the API server was not ready within %s (last answer: %v); last lines of %s:\n%s", limit, err, log, tail(log, 15))
		}
	}
}

func ignoreExists(err error) error {
	if apierrors.IsAlreadyExists(err) {
		return nil
	}
	return err
}

// bootstrap creates what the test users need: the viewer may read everything
// (ClusterRole view), the namespaced user may edit one namespace; the Grove
// resources join view/edit through aggregated ClusterRoles, as an install would.
func bootstrap(ctx context.Context, cs *kubernetes.Clientset, userNS string) error {
	groveGroups := []string{"grove.io", "scheduler.grove.io"}
	roles := []rbacv1.ClusterRole{
		{
			ObjectMeta: metav1.ObjectMeta{Name: "grove-view", Labels: map[string]string{
				"rbac.authorization.k8s.io/aggregate-to-view": "true",
			}},
			Rules: []rbacv1.PolicyRule{{APIGroups: groveGroups, Resources: []string{"*"}, Verbs: []string{"get", "list", "watch"}}},
		},
		{
			ObjectMeta: metav1.ObjectMeta{Name: "grove-edit", Labels: map[string]string{
				"rbac.authorization.k8s.io/aggregate-to-edit":  "true",
				"rbac.authorization.k8s.io/aggregate-to-admin": "true",
			}},
			Rules: []rbacv1.PolicyRule{{APIGroups: groveGroups, Resources: []string{"*"}, Verbs: []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"}}},
		},
	}
	for i := range roles {
		if _, err := cs.RbacV1().ClusterRoles().Create(ctx, &roles[i], metav1.CreateOptions{}); ignoreExists(err) != nil {
			return err
		}
	}
	if _, err := cs.RbacV1().ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "testbed-viewer"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "view"},
		Subjects:   []rbacv1.Subject{{APIGroup: "rbac.authorization.k8s.io", Kind: "User", Name: "viewer"}},
	}, metav1.CreateOptions{}); ignoreExists(err) != nil {
		return err
	}
	if _, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: userNS}}, metav1.CreateOptions{}); ignoreExists(err) != nil {
		return err
	}
	if _, err := cs.RbacV1().RoleBindings(userNS).Create(ctx, &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "testbed-ns-user", Namespace: userNS},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "edit"},
		Subjects:   []rbacv1.Subject{{APIGroup: "rbac.authorization.k8s.io", Kind: "User", Name: "ns-user"}},
	}, metav1.CreateOptions{}); ignoreExists(err) != nil {
		return err
	}
	return nil
}
