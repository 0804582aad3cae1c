# vm-templating-operator — kubebuilder-style targets.
.PHONY: test demo bench manifests install deploy undeploy build deps cluster cluster-down cluster-binaries kstatus promtext image

MVN ?= mvn -B

## test: install what is missing (QEMU >= 8.2, guest build tools), build Kubernetes' servers (cached), then the
## whole suite with real QEMU; its end-to-end part starts its own control plane (hack/cluster/up.sh) and stops it
test: deps cluster-binaries kstatus promtext
	$(MVN) verify

## demo: the whole path on this machine — a template and 3 clones with real QEMU, no cluster
demo: deps
	./vmt demo

## bench: clone start and memory vs cold boot, operator scale, webhook latency
bench: deps
	./vmt bench

## cluster: a real Kubernetes (etcd, kube-apiserver, controller-manager, scheduler) on loopback, this machine as
## a Node (the local node), the operator and its webhook; kubeconfig at .cluster/kubeconfig.
## NODES=3: three local nodes, each with its own node root, memory directory and Node object (docs/placement.md)
## NODE=kubelet: this machine as a real node (kubelet, containerd, kube-proxy) and the operator installed from
## deploy/ as a Deployment with the image `make image` builds (root; docs/real-node.md)
cluster: deps
	$(if $(NODE),VMT_CLUSTER_NODE=$(NODE)) $(if $(NODES),VMT_CLUSTER_NODES=$(NODES)) bash hack/cluster/up.sh

## cluster-down: stops everything `make cluster` started; nothing stays running or in /dev/shm
cluster-down:
	bash hack/cluster/down.sh

## kstatus: Flux's status reader (sigs.k8s.io/cli-utils kstatus) as a small Go tool for the tests, cached outside the repo
kstatus:
	bash hack/kstatus/build.sh >/dev/null

## promtext: Prometheus' text parser and promlint as a small Go tool for the metrics tests, cached outside the repo
promtext:
	bash hack/promtext/build.sh >/dev/null

## cluster-binaries: Kubernetes v1.34 servers and etcd from Go modules, cached outside the repo (cold: ~30 min)
cluster-binaries:
	bash hack/cluster/build.sh >/dev/null

## deps: QEMU 10 from bookworm-backports and the packages the test guest is built from (root on Debian 12)
deps:
	bash hack/install-deps.sh

build:
	$(MVN) -q package -DskipTests

## image: the operator/launcher image (src/main/docker/Dockerfile) with no registry: a debootstrap base, Docker's
## legacy builder, cached; saved for containerd under ~/.cache/vm-templating-operator/image (docs/real-node.md)
image: deps build
	bash hack/image/build.sh >/dev/null

## manifests: regenerate crds/ from the API classes
manifests: build
	cp target/kubernetes/vmtemplates.vmtemplating.io-v1.yml target/kubernetes/vmclones.vmtemplating.io-v1.yml \
		target/kubernetes/vmclonepools.vmtemplating.io-v1.yml crds/

## install: the CRDs into the current kube context
install:
	kubectl apply -f crds/

## deploy: operator, RBAC, webhook (needs cert-manager, or see README "Webhook TLS")
deploy: install
	kubectl apply -k deploy/

undeploy:
	kubectl delete -k deploy/ --ignore-not-found
