# vm-templating-operator — kubebuilder-style targets.
.PHONY: test demo bench manifests install deploy undeploy build deps

MVN ?= mvn -B

## test: install what is missing (QEMU >= 8.2, guest build tools), then the whole suite with real QEMU
test: deps
	$(MVN) verify

## demo: the whole path on this machine — a template and 3 clones with real QEMU, no cluster
demo: deps
	./vmt demo

## bench: clone start and memory vs cold boot, operator scale, webhook latency
bench: deps
	./vmt bench

## deps: QEMU 10 from bookworm-backports and the packages the test guest is built from (root on Debian 12)
deps:
	bash hack/install-deps.sh

build:
	$(MVN) -q package -DskipTests

## manifests: regenerate crds/ from the API classes
manifests: build
	cp target/kubernetes/vmtemplates.vmtemplating.io-v1.yml target/kubernetes/vmclones.vmtemplating.io-v1.yml crds/

## install: the CRDs into the current kube context
install:
	kubectl apply -f crds/

## deploy: operator, RBAC, webhook (needs cert-manager, or see README "Webhook TLS")
deploy: install
	kubectl apply -k deploy/

undeploy:
	kubectl delete -k deploy/ --ignore-not-found
