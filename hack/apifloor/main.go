// Command apifloor measures what a real API server alone gives a claim on this machine: VmClone created → Running
// as the creator's watch delivers it, with lean clients (client-go) on both sides and nothing else in the path.
// docs/pools.md compares the product's claim times with this floor.
//
//	apifloor operator -kubeconfig K -namespace NS
//	    the operator at its minimum: watches VmClones and writes status.phase Running (server-side apply on the
//	    status subresource, as the operator's StatusWrite does) on each one it has not written yet; runs until
//	    SIGINT or SIGTERM
//	apifloor claims -kubeconfig K -namespace NS [-pool NAME] [-count 50] [-skip 10] [-gap 700ms] [-settle]
//	    the bench's clock: creates claims (spec.poolRef.name NAME) one after another, each timed from just before
//	    its create to the watch event that shows it Running, then deletes it; prints each time and the p50 and
//	    p99 of all but the first -skip. With -settle (against the product's pool) it waits, as vmt bench's pool
//	    part does, for the claims and their pods to be gone and the pool Ready and current again, then 500 ms.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
)

var (
	clones = schema.GroupVersionResource{Group: "vmtemplating.io", Version: "v1alpha1", Resource: "vmclones"}
	pools  = schema.GroupVersionResource{Group: "vmtemplating.io", Version: "v1alpha1", Resource: "vmclonepools"}
	pods   = schema.GroupVersionResource{Version: "v1", Resource: "pods"}
)

func main() {
	if len(os.Args) < 2 || (os.Args[1] != "operator" && os.Args[1] != "claims") {
		fmt.Fprintln(os.Stderr, "usage: apifloor operator|claims -kubeconfig FILE -namespace NS [flags] (see main.go)")
		os.Exit(2)
	}
	mode := os.Args[1]
	flags := flag.NewFlagSet(mode, flag.ExitOnError)
	kubeconfig := flags.String("kubeconfig", os.Getenv("KUBECONFIG"), "the cluster's kubeconfig")
	namespace := flags.String("namespace", "default", "the namespace of the claims")
	pool := flags.String("pool", "floor", "claims: the pool they name")
	count := flags.Int("count", 50, "claims: how many")
	skip := flags.Int("skip", 10, "claims: the first ones left out of p50 and p99 (clients and server warming)")
	gap := flags.Duration("gap", 700*time.Millisecond, "claims: the pause between two claims without -settle")
	settle := flags.Bool("settle", false, "claims: wait for the product's pool to be Ready and current between claims")
	_ = flags.Parse(os.Args[2:])

	config, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		fail("cannot read the kubeconfig %q: %v (give -kubeconfig)", *kubeconfig, err)
	}
	config.QPS, config.Burst = 1000, 1000 // the clock, not client-side rate limiting, is measured
	client, err := dynamic.NewForConfig(config)
	if err != nil {
		fail("cannot make a client: %v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if mode == "operator" {
		err = operate(ctx, client, *namespace)
	} else {
		err = claim(ctx, client, *namespace, *pool, *count, *skip, *gap, *settle)
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "apifloor: "+format+"\n", args...)
	os.Exit(1)
}

// operate writes status.phase Running on every VmClone the watch shows without it.
func operate(ctx context.Context, client dynamic.Interface, ns string) error {
	api := client.Resource(clones).Namespace(ns)
	w, err := api.Watch(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("cannot watch vmclones in %s: %w", ns, err)
	}
	defer w.Stop()
	fmt.Fprintln(os.Stderr, "apifloor operator: watching vmclones in", ns)
	force := true
	for event := range w.ResultChan() {
		clone, ok := event.Object.(*unstructured.Unstructured)
		if !ok || event.Type != watch.Added {
			continue
		}
		if phase, _, _ := unstructured.NestedString(clone.Object, "status", "phase"); phase == "Running" {
			continue
		}
		status := []byte(fmt.Sprintf(`{"apiVersion":"vmtemplating.io/v1alpha1","kind":"VmClone",`+
			`"metadata":{"name":%q,"namespace":%q},"status":{"phase":"Running"}}`, clone.GetName(), ns))
		_, err := api.Patch(ctx, clone.GetName(), types.ApplyPatchType, status,
			metav1.PatchOptions{FieldManager: "apifloor", Force: &force}, "status")
		if err != nil && !apierrors.IsNotFound(err) {
			fmt.Fprintf(os.Stderr, "apifloor operator: status of %s: %v\n", clone.GetName(), err)
		}
	}
	return ctx.Err()
}

// claim times claims one after another, created → Running through the watch.
func claim(ctx context.Context, client dynamic.Interface, ns, pool string, count, skip int, gap time.Duration, settle bool) error {
	api := client.Resource(clones).Namespace(ns)
	w, err := api.Watch(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("cannot watch vmclones in %s: %w", ns, err)
	}
	defer w.Stop()
	running := make(chan string, 64)
	go func() {
		for event := range w.ResultChan() {
			if clone, ok := event.Object.(*unstructured.Unstructured); ok && event.Type != watch.Deleted {
				if phase, _, _ := unstructured.NestedString(clone.Object, "status", "phase"); phase == "Running" {
					running <- clone.GetName()
				}
			}
		}
		close(running)
	}()
	var times []time.Duration
	for i := 0; i < count; i++ {
		name := fmt.Sprintf("floor-%d-%d", time.Now().Unix(), i)
		object := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "vmtemplating.io/v1alpha1", "kind": "VmClone",
			"metadata": map[string]any{"name": name, "namespace": ns},
			"spec":     map[string]any{"poolRef": map[string]any{"name": pool}},
		}}
		created := time.Now()
		if _, err := api.Create(ctx, object, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("cannot create claim %s: %w", name, err)
		}
		if err := awaitRunning(ctx, running, name); err != nil {
			return err
		}
		took := time.Since(created)
		times = append(times, took)
		fmt.Printf("claim %d: %.1f ms\n", i, millis(took))
		if err := api.Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("cannot delete claim %s: %w", name, err)
		}
		if settle {
			err = awaitSettled(ctx, client, ns, pool)
		} else {
			err = sleep(ctx, gap)
		}
		if err != nil {
			return err
		}
	}
	if skip >= len(times) {
		skip = 0
	}
	measured := append([]time.Duration(nil), times[skip:]...)
	sort.Slice(measured, func(a, b int) bool { return measured[a] < measured[b] })
	fmt.Printf("claims: %d measured (the first %d left out), p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", len(measured), skip,
		millis(percentile(measured, 50)), millis(percentile(measured, 99)), millis(measured[len(measured)-1]))
	return nil
}

func awaitRunning(ctx context.Context, running <-chan string, name string) error {
	timeout := time.After(60 * time.Second)
	for {
		select {
		case seen, open := <-running:
			if !open {
				return errors.New("the watch of vmclones ended")
			}
			if seen == name {
				return nil
			}
		case <-timeout:
			return fmt.Errorf("claim %s not Running after 60 s: is the operator (or apifloor operator) running?", name)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// awaitSettled: no claim and no clone pod left, the pool's members all Ready and current, then 500 ms.
func awaitSettled(ctx context.Context, client dynamic.Interface, ns, pool string) error {
	deadline := time.Now().Add(120 * time.Second)
	for time.Now().Before(deadline) {
		claims, err1 := client.Resource(clones).Namespace(ns).List(ctx, metav1.ListOptions{})
		clonePods, err2 := client.Resource(pods).Namespace(ns).List(ctx, metav1.ListOptions{LabelSelector: "vmtemplating.io/role=clone"})
		object, err3 := client.Resource(pools).Namespace(ns).Get(ctx, pool, metav1.GetOptions{})
		if err := errors.Join(err1, err2, err3); err != nil {
			return fmt.Errorf("cannot read the pool %s and its claims: %w", pool, err)
		}
		replicas, _, _ := unstructured.NestedInt64(object.Object, "spec", "replicas")
		ready, _, _ := unstructured.NestedInt64(object.Object, "status", "readyReplicas")
		outdated, _, _ := unstructured.NestedInt64(object.Object, "status", "outdatedReplicas")
		if len(claims.Items) == 0 && len(clonePods.Items) == 0 && ready >= replicas && outdated == 0 {
			return sleep(ctx, 500*time.Millisecond)
		}
		if err := sleep(ctx, 5*time.Millisecond); err != nil {
			return err
		}
	}
	return fmt.Errorf("pool %s not Ready and current again after 120 s", pool)
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func percentile(sorted []time.Duration, p int) time.Duration {
	index := (len(sorted)*p+99)/100 - 1
	if index < 0 {
		index = 0
	}
	return sorted[index]
}

func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
